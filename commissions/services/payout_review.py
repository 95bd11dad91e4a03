"""What finance reviews before signing off a quarter's payouts (DESIGN §5 "Quarter close").

Read only. The quarter's payable lines (``ledger.lines_of``: what payroll pays, held lines marked) and the
on-target amounts of the runs it pays from, summed per geo, plan and currency, and beside them the
previous quarter's — per plan code and per currency, since plans are per fiscal year and a new year's
first quarter has new plan codes. Money is summed in ``Decimal`` (``core.sums``), never by the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from accounts.models import User
from core.sums import exact_sums

from ..models import Payout, PayoutLine, Period, Plan, Run
from .ledger import current_runs, lines_of

ZERO = Decimal(0)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
T = PayoutLine.Type


@dataclass
class Figures:
    """Sums of one group of payable lines, in its currency.

    ``commission``: the runs' payouts; ``trueups`` (> 0) and ``clawbacks`` (< 0): corrections paid here;
    ``carried``: carry-forward lines, net; ``releases``: hold releases; ``held``: the held lines' sum (left
    out of the export); ``payable``: every line not held — what the payroll export pays. ``oti``: Σ on-target
    amount of the CSMs' payouts, to the cent. ``csms``: the CSMs with a line.
    """

    commission: Decimal = ZERO
    trueups: Decimal = ZERO
    clawbacks: Decimal = ZERO
    carried: Decimal = ZERO
    releases: Decimal = ZERO
    held: Decimal = ZERO
    held_lines: int = 0
    payable: Decimal = ZERO
    oti: Decimal = ZERO
    people: set[int] = field(default_factory=set)

    @property
    def csms(self) -> int:
        return len(self.people)

    @property
    def of_oti(self) -> Decimal | None:
        """Commission ÷ OTI as a percentage, half-up to one decimal (None without an on-target amount)."""
        if not self.oti:
            return None
        return (self.commission / self.oti * 100).quantize(TENTH, rounding=ROUND_HALF_UP)

    def add(self, line) -> None:
        self.people.add(line.employee_id)
        if line.held:
            self.held += line.amount
            self.held_lines += 1
        else:
            self.payable += line.amount
        if line.type == T.COMMISSION:
            self.commission += line.amount
        elif line.type in (T.TRUE_UP, T.CLAWBACK):
            if line.amount >= 0:
                self.trueups += line.amount
            else:
                self.clawbacks += line.amount
        elif line.type == T.CARRY_FORWARD:
            self.carried += line.amount
        elif line.type == T.HOLD_RELEASE:
            self.releases += line.amount


@dataclass
class Row:
    """One line of a review table: its key (geo, plan, currency; None where the table does not group by
    it), its figures, and the previous quarter's figures of the same plan code or currency (or None)."""

    geo: str | None
    plan: str | None
    currency: str
    figures: Figures
    previous: Figures | None = None

    @property
    def change(self) -> Decimal | None:
        """Payable now − payable in the previous quarter (None without one)."""
        return None if self.previous is None else self.figures.payable - self.previous.payable


@dataclass
class PayoutReview:
    """The review of ``period``: per geo, plan and currency; per plan and currency against ``previous``."""

    period: Period
    previous: Period | None
    runs: list[Run]
    by_geo: list[Row]
    by_plan: list[Row]
    by_currency: list[Row]


def previous_quarter(period: Period) -> Period | None:
    """The stored quarter that ends the day before ``period`` starts, if any."""
    return Period.objects.filter(end=period.start - timedelta(days=1)).first()


def _grouped(period: Period) -> tuple[list[Run], dict[tuple[str, str, str], Figures]]:
    """``{(geo, plan code, currency): Figures}`` of the quarter's lines and on-target amounts."""
    runs = Run.objects.filter(pk__in=[run.pk for run in current_runs(period)]).select_related("plan")
    runs = list(runs.defer("warnings").order_by("plan__code"))
    lines = lines_of(period)
    geos = dict(User.objects.filter(pk__in={line.employee_id for line in lines}).values_list("pk", "geo"))
    plans = dict(Plan.objects.values_list("pk", "code"))
    groups: dict[tuple[str, str, str], Figures] = {}
    for line in lines:
        key = (geos.get(line.employee_id) or "—", plans[line.plan_id], line.currency)
        groups.setdefault(key, Figures()).add(line)
    payouts = Payout.objects.filter(run__in=runs)
    keys = ["employee__geo", "run__plan__code", "currency"]
    for (geo, plan, currency), oti in exact_sums(payouts, keys, "on_target_amount").items():
        figures = groups.setdefault((geo or "—", plan, currency), Figures())
        figures.oti += oti.quantize(CENT, rounding=ROUND_HALF_UP)
    return runs, groups


def _merged(groups: dict[tuple, Figures], index: tuple[int, ...]) -> dict[tuple, Figures]:
    """``groups`` summed over the key positions in ``index`` (e.g. (1, 2): per plan and currency)."""
    merged: dict[tuple, Figures] = {}
    for key, figures in sorted(groups.items()):
        into = merged.setdefault(tuple(key[i] for i in index), Figures())
        for name in ("commission", "trueups", "clawbacks", "carried", "releases", "held", "payable", "oti"):
            setattr(into, name, getattr(into, name) + getattr(figures, name))
        into.held_lines += figures.held_lines
        into.people |= figures.people
    return merged


def payout_review(period: Period) -> PayoutReview:
    """The figures finance reviews before signing off ``period`` (its final runs once closed; an open
    quarter's are a preview from its current runs). A few queries per quarter, however many CSMs."""
    runs, groups = _grouped(period)
    previous = previous_quarter(period)
    before = _grouped(previous)[1] if previous is not None else {}
    by_plan, by_currency = _merged(groups, (1, 2)), _merged(groups, (2,))
    before_plan, before_currency = _merged(before, (1,)), _merged(before, (2,))
    return PayoutReview(
        period=period,
        previous=previous,
        runs=runs,
        by_geo=[Row(geo, plan, cur, figures) for (geo, plan, cur), figures in sorted(groups.items())],
        by_plan=[
            Row(None, plan, cur, figures, before_plan.get((plan,)))
            for (plan, cur), figures in by_plan.items()
        ],
        by_currency=[
            Row(None, None, cur, figures, before_currency.get((cur,)))
            for (cur,), figures in by_currency.items()
        ],
    )
