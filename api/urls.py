"""Routes under /api/: the read endpoints, the OpenAPI schema and its docs (served from the sidecar)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

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

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script from our origin too, so the strict CSP (script-src 'self') holds.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    *router.urls,
]
