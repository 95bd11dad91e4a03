"""A fiscal year's timeline as the handbook tells it (docs/handbook.md "Timeline"): the target snapshot's
approval, each quarter's dates, pull date (DESIGN §2), pull, close and finance's sign-off as they happen
(DESIGN §5), and the year-end window for exceptions and extra credit of closed quarters
(``approvals.year_end``, docs/design.md §5, §7), which the handbook of a plan without adoption leaves out
with the snapshot (``faq.has_adoption``). Reads only: a quarter nothing happened in yet has no
period row, and none is created (DESIGN §5: pages never create one on a GET). Six queries.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from adoption.models import Snapshot
from adoption.scorecards.commission import score_source_of
from approvals import year_end
from commissions.models import PayoutSignOff, Period, ScorePull
from core.calendar import FiscalYear
from core.fiscal import calendar

from .words import days_after


@dataclass(frozen=True)
class QuarterDates:
    """One quarter of the year: its dates and pull date, and when it was pulled, closed and signed off
    (None: not yet; ``reopened``: the quarter was re-opened since its last close and is open)."""

    code: str
    start: date
    end: date
    pull_date: date
    pulled_at: datetime | None
    closed_at: datetime | None
    reopened: bool
    signed_off_at: datetime | None
    state: str = ""  # where the quarter stands on the day read, in words (``quarter_state``)


@dataclass(frozen=True)
class Timeline:
    """The year: ``snapshot_status`` approved | draft | missing, its approval, the score source (``import``
    or ``scorecard``), the quarters and the year-end window (both days included)."""

    fiscal_year: str
    snapshot_status: str
    approved_at: datetime | None
    approved_by: str
    score_source: str
    quarters: tuple[QuarterDates, ...]
    year_end_first: date
    year_end_last: date
    year_end_days: int

    @property
    def year_end_span(self) -> str:
        """The year-end window in words: ``"the year's last pull date and the 60 days after it, both
        included"`` (``"… and the day after it …"`` for 1, ``"the year's last pull date only"`` for 0)."""
        after = days_after(self.year_end_days)
        if not after:
            return "the year's last pull date only"
        return f"the year's last pull date {after}, both included"


def year_timeline(fiscal_year: str, today: date, *, adoption: bool = True) -> Timeline:
    """The timeline of ``fiscal_year`` (``FY22``) as stored now, each quarter's state as of ``today`` in the
    words of a plan with an adoption component or (``adoption`` False) without one. Raises
    ``CalendarError`` for a code that is no fiscal year."""
    fiscal = calendar()
    quarters = FiscalYear.parse(fiscal_year).quarters()
    periods = {
        p.code: p
        for p in Period.objects.filter(code__in=[q.code for q in quarters]).prefetch_related("events")
    }
    pulled = dict(
        ScorePull.objects.filter(period__in=periods.values())
        .values_list("period__code")
        .annotate(at=Max("pulled_at"))
    )
    signed = dict(
        PayoutSignOff.objects.filter(period__in=periods.values(), revoked_at__isnull=True).values_list(
            "period__code", "signed_at"
        )
    )
    rows = []
    for quarter in quarters:
        start, end = fiscal.bounds(quarter)
        period = periods.get(quarter.code)
        events = list(period.events.all()) if period is not None else []  # newest first (Meta.ordering)
        closed = period is not None and period.is_closed
        row = QuarterDates(
            code=quarter.code,
            start=start,
            end=end,
            pull_date=fiscal.pull_date(quarter),
            pulled_at=_local(pulled.get(quarter.code)),
            closed_at=_local(period.closed_at) if closed else None,
            reopened=not closed and bool(events) and events[0].action == "reopened",
            signed_off_at=_local(signed.get(quarter.code)),
        )
        rows.append(replace(row, state=quarter_state(row, today, adoption=adoption)))
    snapshot = Snapshot.objects.filter(fiscal_year=fiscal_year).select_related("approved_by").first()
    approved = snapshot is not None and snapshot.status == Snapshot.Status.APPROVED
    first, last = year_end.window(Period(code=quarters[-1].code))
    return Timeline(
        fiscal_year=fiscal_year,
        snapshot_status="missing" if snapshot is None else snapshot.status,
        approved_at=_local(snapshot.approved_at) if approved else None,
        approved_by=snapshot.approved_by.get_full_name() if approved else "",
        score_source=score_source_of(fiscal_year),
        quarters=tuple(rows),
        year_end_first=first,
        year_end_last=last,
        year_end_days=settings.YEAR_END_WINDOW_DAYS,
    )


def _local(moment: datetime | None) -> datetime | None:
    """``moment`` in the configured time zone (TIME_ZONE), as every page writes times (DESIGN §6)."""
    return timezone.localtime(moment) if moment is not None else None


def quarter_state(quarter: QuarterDates, today: date, *, adoption: bool = True) -> str:
    """Where ``quarter`` stands on ``today``, in words; for a plan without adoption (``adoption`` False),
    which reads no score, an ended quarter is calculated on its pull date rather than waiting for scores."""
    if quarter.signed_off_at is not None:
        return "closed and signed off: its payroll may be exported"
    if quarter.closed_at is not None:
        return "closed: its statements are published; finance's sign-off comes next"
    if quarter.reopened:
        return "re-opened: its statements are being revised and are published again at its next close"
    if today < quarter.start:
        return "not begun"
    if today <= quarter.end:
        return "under way"
    if quarter.pulled_at is None:
        if not adoption:
            return "ended: it is calculated on the pull date"
        return "ended: its scores are pulled on the pull date"
    return "ended and pulled: being calculated and reviewed before its close"
