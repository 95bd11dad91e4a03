"""The SPIFF and points pages, mounted at /incentives/ (docs/incentives.md "Pages")."""

from django.urls import path

from .views import points, spiffs

app_name = "incentives"
urlpatterns = [
    path("spiffs/", spiffs.spiff_list, name="spiffs"),
    # Before the SPIFF's own address: "new" and "mine" are no SPIFF's code (services.spiffs.RESERVED_CODES).
    path("spiffs/new/", spiffs.spiff_new, name="spiff_new"),
    path("spiffs/mine/", spiffs.my_awards, name="my_awards"),
    path("spiffs/<slug:code>/", spiffs.spiff_detail, name="spiff"),
    path("spiffs/<slug:code>/propose/", spiffs.spiff_propose, name="propose"),
    path("spiffs/<slug:code>/approve/", spiffs.spiff_approve, name="approve"),
    path("spiffs/<slug:code>/reject/", spiffs.spiff_reject, name="reject"),
    path("spiffs/<slug:code>/close/", spiffs.spiff_close, name="close"),
    path("spiffs/<slug:code>/grant/", spiffs.grant, name="grant"),
    path("spiffs/<slug:code>/grants/<int:pk>/approve/", spiffs.grant_approve, name="grant_approve"),
    path("spiffs/<slug:code>/grants/<int:pk>/reject/", spiffs.grant_reject, name="grant_reject"),
    path("points/", points.points, name="points"),
    path("points/rules/new/", points.rule_new, name="rule_new"),
    path("points/rewards/new/", points.reward_new, name="reward_new"),
    path("points/rewards/<slug:code>/request/", points.points_request, name="points_request"),
    path("points/redemptions/<int:pk>/approve/", points.redemption_approve, name="redemption_approve"),
    path("points/redemptions/<int:pk>/reject/", points.redemption_reject, name="redemption_reject"),
    path("points/redemptions/<int:pk>/fulfil/", points.redemption_fulfil, name="redemption_fulfil"),
]
