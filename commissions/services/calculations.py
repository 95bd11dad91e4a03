"""Calculations started from a page: queued as a Celery task once the request's transaction commits."""

from __future__ import annotations

from django.db import transaction

from accounts import access
from accounts.models import User

from ..errors import AttainError
from ..models import Plan
from ..quarters import Period
from .periods import require_open
from .pulls import latest_pull


def start_calculation(*, period: Period, plan: Plan, user: User | None) -> None:
    """Queue ``calculate`` of ``plan`` for ``period`` on commit (task ``calculate_plan``).

    Refuses at once what the run service would refuse in the worker, so the person sees why:
    ``PeriodClosed`` on a closed quarter, ``AttainError`` when the quarter has no score pull and the plan
    has an adoption component. The run itself (its version, progress and idempotence through the
    inputs' fingerprint) is the runs service's. Side effect: one task enqueued after commit.
    """
    from ..tasks import calculate_plan

    access.require(access.may_calculate(user, period))
    require_open(period, action=f"calculate {plan.code}")
    if latest_pull(period) is None and plan.components.filter(metric="adoption").exists():
        raise AttainError(f"No score pull for {period.code}: pull the scores before calculating.")
    user_id = user.pk if user is not None else None
    transaction.on_commit(lambda: calculate_plan.delay(period.code, plan.code, user_id))
