"""Calculations started from a page: queued as a Celery task once the request's transaction commits."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from accounts import access
from accounts.models import User
from core.errors import AttainError

from ..models import Period, Plan, Run
from .runs import Calculation, outcome, plan_state, require_calculable


@dataclass(frozen=True)
class Started:
    """What ``start_calculation`` did for one plan, and the sentence that says so."""

    plan: Plan
    queued: bool
    message: str  # "CS-FY22: v2 queued" or "CS-FY22: no new run: inputs unchanged since v1"


def start_calculation(*, period: Period, plan: Plan, user: User | None, trigger: str = "console") -> Started:
    """Queue ``calculate`` of ``plan`` for ``period`` on commit (task ``calculate_plan``), unless the plan
    already has a run with its current inputs (``runs.plan_state``, which ``calculate`` would return).

    Refuses at once what the run service would refuse in the worker (``runs.require_calculable``), so the
    person sees why and nothing is queued: ``AttainError`` for a plan of another fiscal year,
    ``PeriodClosed`` on a closed quarter, ``Conflict`` for a quarter that has not started or an adoption
    plan's quarter under way without a pull, ``AttainError`` for an ended one without a pull.
    Loads and fingerprints the plan's inputs to tell whether a new run is needed. ``trigger`` (``console``
    | ``api``) is recorded on the run. Side effect: one task enqueued after commit, when it is.
    """
    from ..tasks import calculate_plan

    access.require(access.may_calculate(user, period))
    require_calculable(period, plan)
    try:
        current = plan_state(period=period, plan=plan).current
    except AttainError:  # inputs that cannot be loaded now: the worker's run records why it failed
        current = None
    if current is not None:
        return Started(plan, False, outcome(Calculation(run=current, created=False)))
    user_id = user.pk if user is not None else None
    # The version the run will take (``runs.start_run``: the highest, failed runs included, plus one),
    # read before queuing: outside a transaction ``on_commit`` runs the task at once (an eager worker),
    # and counting after it would name the run after the one it made.
    version = (Run.objects.filter(plan=plan, period=period).aggregate(v=Max("version"))["v"] or 0) + 1
    transaction.on_commit(lambda: calculate_plan.delay(period.code, plan.code, user_id, trigger=trigger))
    return Started(plan, True, f"{plan.code}: v{version} queued")
