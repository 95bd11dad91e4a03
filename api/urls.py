"""Routes under /api/: read and write endpoints, the OpenAPI schema and its docs (served from the sidecar)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import (
    audit_views,
    errors,
    import_views,
    inquiry_views,
    people_views,
    request_views,
    score_views,
    signoff_views,
    views,
    write_views,
)

router = DefaultRouter()
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("ownership", views.OwnershipViewSet, basename="ownership")
router.register("arr", views.ArrRecordViewSet, basename="arr")
router.register("snapshots", views.SnapshotViewSet, basename="snapshot")
router.register("target-lines", views.TargetLineViewSet, basename="target-line")
router.register("scores", views.ScoreViewSet, basename="score")
router.register("deals", views.DealViewSet, basename="deal")
router.register("kpis", views.KpiActualViewSet, basename="kpi")
router.register("fx", views.FxRateViewSet, basename="fx")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("periods", views.PeriodViewSet, basename="period")
router.register("runs", views.RunViewSet, basename="run")
router.register("payouts", views.PayoutViewSet, basename="payout")
router.register("component-results", views.ComponentResultViewSet, basename="component-result")
router.register("customer-results", views.CustomerResultViewSet, basename="customer-result")
router.register("requests", request_views.RequestViewSet, basename="request")
router.register("employees", people_views.EmployeeViewSet, basename="employee")
router.register("inquiries", inquiry_views.InquiryViewSet, basename="inquiry")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script from our origin too, so the strict CSP (script-src 'self') holds.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    # Write endpoints. payouts.csv, runs/ and scores/ come before the router: its format suffixes would
    # read payouts.csv as the payout list rendered as "csv", and its read-only runs/ and scores/ refuse
    # POST. Requests (read, file, decide) are one router set, api.request_views.
    path("payouts.csv", write_views.payouts_csv, name="payouts-csv"),
    path("runs/", write_views.RunStartViewSet.as_view({"get": "list", "post": "create"}), name="run-start"),
    # Imports are jobs, as on the Imports page (api.import_views; docs/imports.md "The API").
    path("imports/", import_views.ImportsView.as_view(), name="imports"),
    path("imports/<int:pk>/", import_views.ImportRecordView.as_view(), name="import-record"),
    path("imports/jobs/", import_views.ImportJobListView.as_view(), name="import-jobs"),
    path("imports/jobs/<int:pk>/", import_views.ImportJobView.as_view(), name="import-job"),
    path(
        "imports/jobs/<int:pk>/confirm/",
        import_views.ImportJobConfirmView.as_view(),
        name="import-job-confirm",
    ),
    path(
        "imports/jobs/<int:pk>/recheck/",
        import_views.ImportJobRecheckView.as_view(),
        name="import-job-recheck",
    ),
    path(
        "imports/jobs/<int:pk>/discard/",
        import_views.ImportJobDiscardView.as_view(),
        name="import-job-discard",
    ),
    path("snapshots/<str:fiscal_year>/approve/", write_views.snapshot_approve, name="snapshot-approve"),
    # Before the router: its period detail is /periods/{id}/; a sign-off is named by the quarter's code.
    path("periods/<str:code>/sign-off/", signoff_views.sign_off, name="period-sign-off"),
    path("pulls/", write_views.pull_create, name="pull-create"),
    path(
        "scores/", score_views.ScoreBulkViewSet.as_view({"get": "list", "post": "create"}), name="score-bulk"
    ),
    path("audit/", audit_views.AuditTrailView.as_view(), name="audit"),
    *router.urls,
    # Last: a path no route matches (e.g. /api/requests/abc/) answers the JSON error shape too.
    re_path(r"^.*/$", errors.not_found),
]
