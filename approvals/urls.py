"""Pages of the request workflow and inquiries, mounted at /requests/."""

from django.urls import path

from . import views

app_name = "approvals"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("to-approve/", views.to_approve, name="to_approve"),
    path("to-apply/", views.to_apply, name="to_apply"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/approve/", views.request_approve, name="approve"),
    path("<int:pk>/reject/", views.request_reject, name="reject"),
    path("<int:pk>/withdraw/", views.request_withdraw, name="withdraw"),
    path("<int:pk>/apply/", views.request_apply, name="apply"),
    path("inquiries/", views.inquiry_list, name="inquiries"),
    path("inquiries/new/", views.inquiry_new, name="inquiry_new"),
    path("inquiries/<int:pk>/", views.inquiry_detail, name="inquiry_detail"),
    path("inquiries/<int:pk>/answer/", views.inquiry_answer, name="inquiry_answer"),
    path("inquiries/<int:pk>/convert/", views.inquiry_convert, name="inquiry_convert"),
    path("inquiries/<int:pk>/reply/", views.inquiry_reply, name="inquiry_reply"),
]
