"""Routes of the operations console, included at /console/ in the "dashboards" namespace."""

from django.urls import path

from . import adjustment_views, import_views, signoff_views, statement_views, views, webhook_views

urlpatterns = [
    path("", views.console, name="console"),
    path("pull/", views.pull, name="console-pull"),
    path("calculate/", views.calculate, name="console-calculate"),
    path("close/", views.close, name="console-close"),
    path("reopen/", views.reopen, name="console-reopen"),
    path("sign-off/", signoff_views.sign_off, name="console-sign-off"),
    path("export/", views.export, name="console-export"),
    path("statements/", statement_views.prepare, name="console-statements-prepare"),
    path("statements/<int:pk>/", statement_views.archive, name="console-statements-archive"),
    path(
        "statements/<int:pk>/progress/",
        statement_views.archive_progress_view,
        name="console-statements-archive-progress",
    ),
    path("statements/<int:pk>/download/", statement_views.download, name="console-statements-download"),
    path("runs/", views.period_runs, name="console-period-runs"),
    path("imports/", import_views.imports, name="console-imports"),
    path("imports/jobs/<int:pk>/", import_views.job, name="console-import-job"),
    path("imports/jobs/<int:pk>/progress/", import_views.job_progress, name="console-import-job-progress"),
    path("imports/jobs/<int:pk>/confirm/", import_views.confirm, name="console-import-job-confirm"),
    path("imports/jobs/<int:pk>/discard/", import_views.discard, name="console-import-job-discard"),
    path("imports/jobs/<int:pk>/recheck/", import_views.recheck, name="console-import-job-recheck"),
    path("imports/records/<int:pk>/", import_views.record, name="console-import-record"),
    path("imports/templates/<str:kind>/", import_views.template, name="console-import-template"),
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
    path("webhooks/", webhook_views.deliveries, name="console-webhooks"),
    path("webhooks/<int:pk>/resend/", webhook_views.resend, name="console-webhook-resend"),
    path("webhooks/<int:pk>/retry-now/", webhook_views.retry_now, name="console-webhook-retry-now"),
    path("webhooks/endpoints/", webhook_views.endpoint_list, name="console-webhook-endpoints"),
    path("webhooks/endpoints/new/", webhook_views.endpoint_new, name="console-webhook-endpoint-new"),
    path("webhooks/endpoints/<int:pk>/", webhook_views.endpoint_edit, name="console-webhook-endpoint-edit"),
    path(
        "webhooks/endpoints/<int:pk>/deactivate/",
        webhook_views.endpoint_deactivate,
        name="console-webhook-endpoint-deactivate",
    ),
    path(
        "webhooks/endpoints/<int:pk>/rotate-secret/",
        webhook_views.endpoint_rotate_secret,
        name="console-webhook-endpoint-rotate-secret",
    ),
]
