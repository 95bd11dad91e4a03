"""Top-level URL routes."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("requests/", include("approvals.urls")),
    path("audit/", include("audit.urls")),
    path("api/", include("api.urls")),
    path("", include("dashboards.urls")),
]
