"""The segment and task pages (included in the "dashboards" namespace at the site's root)."""

from django.urls import path

from . import views

urlpatterns = [
    path("segments/", views.segment_list, name="segments"),
    path("segments/customers/<str:customer_id>/", views.customer_history, name="segment-customer"),
    path("segments/<str:code>/", views.segment_detail, name="segment"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task-complete"),
]
