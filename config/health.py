"""``/healthz`` for container health checks.

Answered before host validation and the HTTPS redirect, since the check calls the container on plain
HTTP by its internal address; it reveals nothing but whether the database answers.
"""

from django.db import connection
from django.http import HttpResponse


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
            except Exception:  # noqa: BLE001 - any database failure means unhealthy
                return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
            return HttpResponse("ok\n", content_type="text/plain")
        return self.get_response(request)
