"""Routes of the operations console, included at /console/ in the "dashboards" namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.console, name="console"),
    path("pull/", views.pull, name="console-pull"),
    path("calculate/", views.calculate, name="console-calculate"),
    path("close/", views.close, name="console-close"),
    path("export/", views.export, name="console-export"),
    path("runs/", views.period_runs, name="console-period-runs"),
    path("runs/<int:pk>/progress/", views.run_progress, name="console-run-progress"),
]
