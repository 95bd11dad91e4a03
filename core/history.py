"""django-pghistory's context (who, from which URL) — only on PostgreSQL, where its triggers run.

pghistory annotates SQL with its context through a database-specific mechanism; on SQLite (the demo)
there are no history triggers, so the context is skipped. What SQLite records is in docs/audit.md.
"""

from contextlib import nullcontext

import pghistory
from django.db import connection
from pghistory.middleware import HistoryMiddleware as PgHistoryMiddleware


def history_context(**context):
    """``pghistory.context(**context)`` on PostgreSQL; a no-op elsewhere."""
    if connection.vendor == "postgresql":
        return pghistory.context(**context)
    return nullcontext()


class HistoryMiddleware(PgHistoryMiddleware):
    def __call__(self, request):
        if connection.vendor != "postgresql":
            return self.get_response(request)
        return super().__call__(request)
