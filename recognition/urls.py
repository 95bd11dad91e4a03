"""The recognition pages, mounted at /recognition/ (docs/incentives.md)."""

from django.urls import path

from . import views

app_name = "recognition"
urlpatterns = [
    path("", views.home, name="home"),
    path("fame/", views.fame, name="fame"),
    path("fame/needs-attention/", views.needs_attention, name="needs_attention"),
    path("contests/new/", views.contest_new, name="contest_new"),
    path("contests/<slug:code>/", views.contest_detail, name="contest"),
    path("contests/<slug:code>/start/", views.contest_start, name="contest_start"),
    path("contests/<slug:code>/events/", views.contest_event, name="contest_event"),
    path(
        "contests/<slug:code>/events/from-metric/", views.contest_metric_events, name="contest_metric_events"
    ),
    path("contests/<slug:code>/finish/", views.contest_finish, name="contest_finish"),
    path("nudges/", views.nudges, name="nudges"),
    path("nudges/new/", views.nudge_new, name="nudge_new"),
    path("nudges/months/send/", views.nudges_send, name="nudges_send"),  # two parts: never a config's code
    path("nudges/<slug:code>/", views.nudge_edit, name="nudge_edit"),
    path("nudges/<slug:code>/switch/", views.nudge_switch, name="nudge_switch"),
]
