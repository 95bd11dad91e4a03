"""The target snapshot review under /snapshots/ (included in the "dashboards" namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.snapshot_list, name="snapshots"),
    path("<str:fiscal_year>/", views.snapshot_review, name="snapshot-review"),
    path("<str:fiscal_year>/approve/", views.snapshot_approve, name="snapshot-approve"),
]
