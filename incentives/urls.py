"""The SPIFF and points pages, mounted at /incentives/ (docs/incentives.md)."""

from django.urls import path

from . import views

app_name = "incentives"
urlpatterns = [
    path("spiffs/", views.spiff_list, name="spiffs"),
    path("spiffs/<slug:code>/", views.spiff_detail, name="spiff"),
    path("spiffs/<slug:code>/propose/", views.spiff_propose, name="propose"),
    path("spiffs/<slug:code>/approve/", views.spiff_approve, name="approve"),
    path("spiffs/<slug:code>/reject/", views.spiff_reject, name="reject"),
    path("points/", views.points, name="points"),
    path("points/rewards/<slug:code>/request/", views.points_request, name="points_request"),
    path("points/redemptions/<int:pk>/approve/", views.redemption_approve, name="redemption_approve"),
    path("points/redemptions/<int:pk>/reject/", views.redemption_reject, name="redemption_reject"),
    path("points/redemptions/<int:pk>/fulfil/", views.redemption_fulfil, name="redemption_fulfil"),
]
