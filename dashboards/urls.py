from django.urls import include, path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("landing/", views.landing, name="landing"),
    path("my/", include("dashboards.csm.urls")),
    path("team/", include("dashboards.team.urls")),
    path("company/", include("dashboards.company.urls")),
    path("console/", include("dashboards.console.urls")),
    path("snapshots/", include("dashboards.snapshots.urls")),
    path("scores/", include("dashboards.scores.urls")),
    path("handbook/", include("dashboards.handbook.urls")),
    path("", include("dashboards.segments.urls")),  # /segments/ and /tasks/
]
