"""Top-level URL routes."""

from django.contrib import admin
from django.urls import include, path

from accounts.views import PasswordResetView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("requests/", include("approvals.urls")),
    path("audit/", include("audit.urls")),
    path("incentives/", include("incentives.urls")),
    path("recognition/", include("recognition.urls")),
    path("api/", include("api.urls")),
    path("", include("dashboards.urls")),
]

# A sentence and the way back (templates/403.html, 404.html, 500.html; JSON under /api/);
# config.middleware covers DEBUG on.
handler403 = "config.middleware.permission_denied"
handler404 = "config.middleware.page_not_found"
handler500 = "config.middleware.server_error"
