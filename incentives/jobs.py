"""The incentives' scheduled runs (docs/incentives.md "Operations"): what the beat jobs of
``incentives.tasks`` and the ``award_spiffs`` command do, over the services.

Each run is idempotent because the service it calls is (docs/design.md §11.3, §11.4): a SPIFF event, a
points lot and an expired remainder are written once, so a second run of the same day writes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts import access
from accounts.models import User
from commissions.services.person_metrics import check_metric_code
from core.errors import AttainError

from .models import Spiff
from .services.awards import award_spiff
from .services.points import add_months, first_of_month

logger = logging.getLogger(__name__)


def yesterday(today: date | None = None) -> date:
    """The last day that is over: the day before ``today`` (default ``timezone.localdate()``)."""
    return (today or timezone.localdate()) - timedelta(days=1)


def month_just_ended(today: date | None = None) -> date:
    """The first day of the month before the month of ``today`` (default ``timezone.localdate()``)."""
    return add_months(first_of_month(today or timezone.localdate()), -1)


@dataclass
class SpiffOutcome:
    """What one SPIFF's run did: ``written`` awards (funded, partly or not), ``funded`` money in the SPIFF's
    ``currency``, ``closed`` qualifying events of a closed quarter left unwritten, or ``refused``: the
    sentence of the domain error that stopped it (nothing of it written)."""

    code: str
    currency: str
    written: int = 0
    funded: Decimal = Decimal(0)
    closed: int = 0
    refused: str = ""


@dataclass
class AwardingRun:
    """Every approved rule SPIFF's outcome of one run through ``as_of``, by code."""

    as_of: date
    outcomes: list[SpiffOutcome] = field(default_factory=list)

    @property
    def written(self) -> int:
        return sum(o.written for o in self.outcomes)

    def as_dict(self) -> dict:
        """JSON-safe (money as text), for a task's result."""
        return {
            "as_of": self.as_of.isoformat(),
            "spiffs": {
                o.code: (
                    {"refused": o.refused}
                    if o.refused
                    else {"written": o.written, "funded": f"{o.funded:.2f}", "closed": o.closed}
                )
                for o in self.outcomes
            },
        }


def award_approved_spiffs(
    as_of: date, *, user: User | None = None, codes: list[str] | None = None
) -> AwardingRun:
    """Run ``award_spiff(spiff, as_of)`` for each approved rule SPIFF that has started by ``as_of`` (the
    ones in ``codes`` only, when given), in code order, as ``user`` (ops; None: the schedule).

    Each SPIFF is its own transaction (the service's): a SPIFF refused by a domain error (a quarter no plan
    covers, a float among the metric values, a metric ``check_metric_code`` or the reader refuses — a SPIFF
    written before ``create_spiff`` checked it, or a KPI no longer computed) is reported in its outcome and
    logged, and the others still run. Idempotent: an event written once is never written again. Raises
    ``NotAllowed`` for a ``user`` who may not award SPIFFs (before anything is written).
    """
    access.require(access.may_award_spiff(user))
    spiffs = Spiff.objects.filter(
        status=Spiff.Status.APPROVED, kind=Spiff.Kind.RULE, start__lte=as_of
    ).order_by("code")
    if codes is not None:
        spiffs = spiffs.filter(code__in=codes)
    run = AwardingRun(as_of=as_of)
    for spiff in spiffs:
        outcome = SpiffOutcome(code=spiff.code, currency=spiff.currency)
        try:
            check_metric_code(spiff.metric)  # else a malformed one would read nothing, silently
            awarded = award_spiff(spiff, as_of, user=user)
        except AttainError as exc:
            outcome.refused = exc.message
            logger.warning("SPIFF %s was not awarded through %s: %s", spiff.code, as_of, exc.message)
        else:
            outcome.written, outcome.funded, outcome.closed = (
                len(awarded.awards),
                awarded.funded,
                len(awarded.closed),
            )
            if awarded.closed:
                logger.info(
                    "SPIFF %s: %d qualifying event(s) of a closed quarter not written",
                    spiff.code,
                    len(awarded.closed),
                )
        run.outcomes.append(outcome)
    return run
