"""After the projection's inputs change, warm the dashboards' cache in the background (dashboards/tasks.py).

The cache never depends on this for correctness — the inputs stamp (dashboards/stamp.py) already makes a
changed input miss the cache. Warming only makes the first request after an import, a pull, an applied
request or a plan load fast. It is enqueued once the writing transaction commits, and only with a real
broker: without ``REDIS_URL`` Celery runs tasks in-process, and a whole-company projection inside the
request that imported a file would only make that request slow.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save

# Rows that record a change of the inputs as a whole (an import, a pull, a request's step, a plan load,
# a snapshot approval).
RECORDS = (
    "commissions.ImportRecord",
    "commissions.ScorePull",
    "commissions.Plan",
    "adoption.Snapshot",
    "approvals.Request",
)


def warming_enabled() -> bool:
    return not settings.CELERY_TASK_ALWAYS_EAGER


def schedule_warm(**kwargs) -> None:
    """``post_save`` receiver: warm the cache after the transaction commits."""
    if not warming_enabled():
        return
    from .tasks import warm_projections

    transaction.on_commit(lambda: warm_projections.apply_async(countdown=2, expires=600))


def connect() -> None:
    for label in RECORDS:
        post_save.connect(schedule_warm, sender=label, dispatch_uid=f"dashboards_warm_{label}")
