"""Routes of the operations console, included at /console/ in the "dashboards" namespace."""

from django.urls import path

from . import adjustment_views, views

urlpatterns = [
    path("", views.console, name="console"),
    path("pull/", views.pull, name="console-pull"),
    path("calculate/", views.calculate, name="console-calculate"),
    path("close/", views.close, name="console-close"),
    path("export/", views.export, name="console-export"),
    path("runs/", views.period_runs, name="console-period-runs"),
    path("runs/<int:pk>/progress/", views.run_progress, name="console-run-progress"),
    path("corrections/new/", adjustment_views.correction_new, name="console-correction-new"),
    path("corrections/<int:pk>/apply/", adjustment_views.correction_apply, name="console-correction-apply"),
    path(
        "corrections/<int:pk>/withdraw/",
        adjustment_views.correction_withdraw,
        name="console-correction-withdraw",
    ),
    path(
        "corrections/<int:pk>/recompute/",
        adjustment_views.correction_recompute,
        name="console-correction-recompute",
    ),
    path("holds/", adjustment_views.hold, name="console-hold"),
    path("holds/<int:pk>/release/", adjustment_views.release, name="console-hold-release"),
]
