"""Read paths of a CSM's statement: a run's payout lines and the derivation of each (DESIGN §4), and
what changed against the previous successful run of the same plan and quarter."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.urls import reverse
from django.utils.http import urlencode

from accounts.access import get_visible, is_geo_vp, may_open_inquiry, sees_everything
from accounts.models import User
from commissions import hooks
from commissions.access import component_results_visible_to, customer_results_visible_to, payouts_visible_to
from commissions.engine import calculate_quarter
from commissions.loaders import load_quarter
from commissions.models import ComponentResult, CustomerResult, Payout, PayoutLine, Period, Plan, Run, TrueUp
from commissions.services.ledger import lines_of
from core import formatting as fmt
from core.errors import AttainError
from core.sums import exact_sums

from .derivation import escalator_rows
from .kpi_book import KpiBook, kpi_book
from .republished import published_runs

EXACT_PLACES = Decimal("0.000001")


@dataclass
class Line:
    """A payout line of the statement with what it was computed from."""

    result: ComponentResult
    exact: Decimal | None  # OTI × share × factor before rounding
    detail: dict[str, Any]
    book: KpiBook | None = None  # a computed KPI explained down to the book's customers (DESIGN §4.5)


@dataclass
class PayableLine:
    """One line the quarter pays the CSM (``ledger.Line``) with its plan and restated quarter named."""

    type: str
    label: str
    plan: str
    restated: str
    cause: str
    amount: Decimal
    currency: str
    held: bool
    ask_url: str = ""  # the inquiry form prefilled for this line (``offer_asks``), for the CSM only


class Restatement(NamedTuple):
    """What a correction restating a closed quarter settles later, for one plan (docs/design.md §7): a
    positive amount is paid in ``paid_in``; a negative one is set against what ``paid_in`` pays under that
    plan (its negative-balance rule decides what is left over)."""

    paid_in: str  # the quarter's code
    closed: bool  # whether ``paid_in`` is closed
    amount: Decimal  # in ``currency``
    currency: str
    cause: str
    plan: str  # the plan's code

    @property
    def settled(self) -> str:
        """``paid in``, ``to be paid in``, ``set against`` or ``to be set against``."""
        verb = "paid in" if self.amount >= 0 else "set against"
        return verb if self.closed else f"to be {verb}"


@dataclass
class Payable:
    """What the quarter pays the CSM, line by line (docs/design.md §7): the commission, true-ups and
    clawbacks with their cause, carry-forward and hold-release lines; held lines are shown, not paid. After
    them the SPIFF and cash reward lines the same payroll pays the CSM (``hooks.payroll_lines``, docs/
    design.md §11.3, §11.4), in the totals too."""

    period: Period
    lines: list[PayableLine]
    # The total to be paid per currency: the lines not held.
    totals: dict[str, Decimal]
    # The true-ups and clawbacks restating this quarter, wherever settled: one per correction and plan.
    restatements: list[Restatement] = field(default_factory=list)

    @property
    def incentives(self) -> bool:
        """Whether SPIFF or cash reward lines are among the lines (and so in the totals)."""
        return any(line.type in OTHER_LABELS for line in self.lines)

    @property
    def preview(self) -> bool:
        """An open quarter's lines are computed from its latest runs and may still change."""
        return not self.period.is_closed


@dataclass
class Statement:
    payout: Payout
    lines: list[Line]
    customers: list[CustomerResult]
    deals: list[dict[str, Any]] = field(default_factory=list)
    deals_note: str = ""
    # The run's warnings of a deal dated around a change of plan of the CSM (DESIGN §3 "Plans").
    crediting_notes: list[str] = field(default_factory=list)
    previous: Run | None = None
    line_changes: list[dict[str, Any]] = field(default_factory=list)
    customer_changes: list[dict[str, Any]] = field(default_factory=list)
    payable: Payable | None = None
    asks: Asks | None = None  # "Ask about this line" links, when the viewer is the statement's CSM
    # The plan's escalators as the CSM was judged on them (docs/design.md §11.2, ``escalator_rows``).
    escalators: list[dict[str, Any]] = field(default_factory=list)
    # The viewer reads only the statements published to them (the statement's CSM, DESIGN §5): the
    # comparison is with the statement published to them before, if any.
    published_only: bool = False

    @property
    def run(self) -> Run:
        return self.payout.run


@dataclass(frozen=True)
class Asks:
    """The inquiry form prefilled for each line of a statement, by line (DESIGN §5 "Inquiries")."""

    lines: dict[str, str]  # component code -> URL
    customers: dict[str, str]  # customer_id -> URL
    deals: dict[str, str]  # deal_id -> URL


def statement_for(viewer: User, csm: User, run_id: int) -> Statement:
    """The statement of ``csm`` in run ``run_id`` as ``viewer`` may see it; 404 outside scope."""
    payout = get_visible(
        payouts_visible_to(viewer)
        .filter(employee=csm)
        .select_related("run__plan", "run__period", "run__pull"),
        run_id=run_id,
    )
    run = payout.run
    results = list(component_results_visible_to(viewer).filter(run=run, employee=csm).order_by("position"))
    lines = [
        Line(
            result=result,
            exact=(payout.on_target_amount * result.share * result.factor).quantize(
                EXACT_PLACES, rounding=ROUND_HALF_UP
            )
            if result.applies and result.factor is not None
            else None,
            detail={key: _decimal(value) for key, value in (result.detail or {}).items()},
        )
        for result in results
    ]
    for line in lines:
        if line.result.metric == "kpi" and line.detail.get("source") == "computed":
            line.book = kpi_book(csm.pk, line.detail, run.period.end, line.result.metric_value)
    customers = list(
        customer_results_visible_to(viewer)
        .filter(run=run, employee=csm)
        .select_related("customer")
        .order_by("customer__customer_id")
    )
    statement = Statement(payout=payout, lines=lines, customers=customers)
    statement.escalators = escalator_rows(lines, payout.currency)
    if any(line.result.metric == "nrr" for line in lines):
        statement.deals, statement.deals_note = credited_deals(run, csm, lines)
    statement.crediting_notes = crediting_notes(run, csm)
    statement.published_only = published_only(viewer, csm)
    statement.previous, once_published = previous_run(viewer, csm, run)
    if statement.previous is not None:
        # A run published to the CSM before a re-close is theirs to compare with (DESIGN §5 "Publishing"),
        # though no longer published: read its lines of the CSM, as ``statement_for`` read this run's.
        components, customer_results = (
            (ComponentResult.objects.all(), CustomerResult.objects.all())
            if once_published
            else (component_results_visible_to(viewer), customer_results_visible_to(viewer))
        )
        statement.line_changes = _line_changes(components, csm, statement.previous, results)
        statement.customer_changes = _customer_changes(customer_results, csm, statement.previous, customers)
    statement.payable = payable_lines(csm, run.period)
    return statement


def published_only(viewer: User, csm: User) -> bool:
    """Whether ``viewer`` is ``csm`` and reads only their published statements (a person who is only a
    CSM: ``commissions.access``), not every run of the quarter."""
    return viewer.pk == csm.pk and not (sees_everything(viewer) or is_geo_vp(viewer))


def previous_run(viewer: User, csm: User, run: Run) -> tuple[Run | None, bool]:
    """The run ``run``'s statement compares with, and whether it is one published to the CSM before.

    Everyone but the CSM: the previous successful run of the plan and quarter within their reach. The CSM
    compares only with statements published to them: the run an earlier close of the quarter made final
    and a re-close replaced (``republished.published_runs``), else nothing.
    """
    earlier = Run.objects.filter(
        plan=run.plan, period=run.period, status=Run.Status.SUCCEEDED, version__lt=run.version
    ).order_by("-version")
    if published_only(viewer, csm):
        return earlier.filter(pk__in=published_runs(csm, run.period).values("pk")).first(), True
    return earlier.filter(
        pk__in=payouts_visible_to(viewer).filter(employee=csm).values("run_id")
    ).first(), False


# The lines other apps pay through payroll (``hooks.PayrollLine.type``), as the statement names them.
OTHER_LABELS = {"spiff": "SPIFF", "reward": "Cash reward"}
OTHER_CAUSES = {
    "spiff": "SPIFF awards of the quarter",
    "reward": "points redeemed for cash, approved in the quarter",
}


def payable_lines(csm: User, period: Period) -> Payable:
    """The lines ``period`` pays ``csm`` across plans (``ledger.lines_of``), then the SPIFF and cash
    reward lines the same payroll pays them (``hooks.payroll_lines``, one line per SPIFF or reward and
    currency, its code in ``plan``), for a statement the viewer may already see: who may read it is
    decided by ``statement_for``. ``totals``: per currency, every line not held."""
    lines = lines_of(period, employees=[csm.pk])
    plans = dict(Plan.objects.filter(pk__in={line.plan_id for line in lines}).values_list("pk", "code"))
    restated = {line.restates_id for line in lines if line.restates_id}
    codes = dict(Period.objects.filter(pk__in=restated).values_list("pk", "code")) if restated else {}
    labels = dict(PayoutLine.Type.choices)
    totals: dict[str, Decimal] = {}
    shown = []
    for line in lines:
        shown.append(
            PayableLine(
                type=line.type,
                label=labels.get(line.type, line.type),
                plan=plans.get(line.plan_id, ""),
                restated=codes.get(line.restates_id, ""),
                cause=line.cause,
                amount=line.amount,
                currency=line.currency,
                held=line.held,
            )
        )
        totals.setdefault(line.currency, Decimal(0))
        if not line.held:
            totals[line.currency] += line.amount
    for other in sorted(
        (o for o in hooks.payroll_lines(period) if o.employee_id == csm.pk), key=lambda o: (o.type, o.code)
    ):
        shown.append(
            PayableLine(
                type=other.type,
                label=OTHER_LABELS.get(other.type, other.type),
                plan=other.code,
                restated="",
                cause=OTHER_CAUSES.get(other.type, ""),
                amount=Decimal(other.amount),
                currency=other.currency,
                held=False,
            )
        )
        totals[other.currency] = totals.get(other.currency, Decimal(0)) + Decimal(other.amount)
    restatements = exact_sums(
        TrueUp.objects.filter(restates=period, employee=csm).order_by(
            "paid_in__start", "correction_id", "plan__code"
        ),
        ("paid_in__code", "paid_in__status", "currency", "correction__cause", "plan__code"),
    )
    return Payable(
        period=period,
        lines=shown,
        totals=totals,
        restatements=[
            Restatement(paid_in, status == Period.Status.CLOSED, amount, currency, cause, plan)
            for (paid_in, status, currency, cause, plan), amount in restatements.items()
            if amount != 0
        ],
    )


def _decimal(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


CREDITING_WARNINGS = ("credit_across_years", "credit_across_plans")


def crediting_notes(run: Run, csm: User) -> list[str]:
    """The run's warnings about ``csm``'s deals dated around a change of plan: which plan's rule dated
    each, and whether this quarter credits it (DESIGN §3 "Plans"; the engine's ``credit_across_years``
    and ``credit_across_plans``). No query: the run holds them."""
    return [
        w["message"]
        for w in run.warnings or []
        if w.get("code") in CREDITING_WARNINGS and w.get("employee_id") == csm.employee_id
    ]


def credited_deals(run: Run, csm: User, lines: list[Line]) -> tuple[list[dict[str, Any]], str]:
    """The deals credited to the CSM in the run, recomputed by the engine from the run's pull and the
    current inputs; a note when they no longer add up to the run's stored Δ (inputs changed since)."""
    try:
        inputs = load_quarter(plan=run.plan, period=run.period, pull=run.pull, employees=[csm.pk])
        result = calculate_quarter(inputs)
    except AttainError as exc:
        return [], f"The credited deals cannot be recomputed: {exc}"
    if result.deals.empty:
        deals: list[dict[str, Any]] = []
    else:
        deals = result.deals[result.deals["employee_id"] == csm.employee_id].to_dict("records")
    stored = next((line.detail.get("delta") for line in lines if line.result.metric == "nrr"), None)
    total = sum((deal["converted"] for deal in deals), Decimal(0))
    note = ""
    if stored is not None and isinstance(stored, Decimal) and total != stored:
        note = (
            f"The deals below add up to {fmt.money(total, run.plan.currency)}, not the run's "
            f"{fmt.money(stored, run.plan.currency)}: "
            "deals or rates changed after this run."
        )
    return deals, note


def _line_changes(readable, csm, previous: Run, results: list[ComponentResult]) -> list[dict[str, Any]]:
    before = {r.component: r for r in readable.filter(run=previous, employee=csm)}
    rows = []
    for result in results:
        old = before.pop(result.component, None)
        rows.append(_change_row(result.component, old, result))
    rows.extend(_change_row(code, old, None) for code, old in before.items())
    return rows


def _change_row(component: str, old: ComponentResult | None, new: ComponentResult | None) -> dict[str, Any]:
    def value(result, name):
        return getattr(result, name) if result is not None else None

    return {
        "component": component,
        "attainment_before": value(old, "attainment"),
        "attainment_after": value(new, "attainment"),
        "payout_before": value(old, "payout"),
        "payout_after": value(new, "payout"),
        "change": (value(new, "payout") or Decimal(0)) - (value(old, "payout") or Decimal(0)),
    }


def _customer_changes(readable, csm, previous: Run, customers: list[CustomerResult]) -> list[dict[str, Any]]:
    """Customers whose r or counted differs between the previous run and this one (``readable``: the
    customer results the viewer may compare with)."""
    before = {
        c.customer_id: c for c in readable.filter(run=previous, employee=csm).select_related("customer")
    }
    rows = []
    for now in customers:
        old = before.pop(now.customer_id, None)
        if old is None or old.r != now.r or old.counted != now.counted:
            rows.append(_customer_row(now.customer, old, now))
    rows.extend(_customer_row(old.customer, old, None) for old in before.values())
    return rows


def _customer_row(customer, old: CustomerResult | None, new: CustomerResult | None) -> dict[str, Any]:
    return {
        "customer_id": customer.customer_id,
        "name": customer.name,
        "r_before": old.r if old else None,
        "r_after": new.r if new else None,
        "counted_before": ("yes" if old.counted else "no") if old else "not in the book",
        "counted_after": ("yes" if new.counted else "no") if new else "not in the book",
        "reason_after": new.reason if new else "",
    }


# --- "Ask about this line" (DESIGN §5 "Inquiries") ---------------------------------------------------------


def asks_offered(viewer: User, csm: User) -> bool:
    """A CSM asks about their own statement (``access.may_open_inquiry``); nobody asks about another's."""
    return viewer.pk == csm.pk and bool(may_open_inquiry(viewer))


def ask_url(*, period: str, about: str, figure: str, component: str = "", customer: str = "") -> str:
    """The inquiry form (``approvals:inquiry_new``) prefilled for one line: the quarter, the component
    and/or customer, and a first sentence naming the line and its figure ("About ADOPTION in FY22-Q2
    (833.33 USD): ") for the CSM to go on from."""
    query = {"period": period, "component": component[:64], "customer": customer}
    query["message"] = f"About {about} in {period} ({figure}): "
    return reverse("approvals:inquiry_new") + "?" + urlencode({k: v for k, v in query.items() if v})


def _money(amount: Decimal | None, currency: str) -> str:
    return fmt.money(amount or Decimal(0), currency)


def offer_asks(statement: Statement) -> Statement:
    """Give every line of ``statement`` its "Ask about this line" link: each component payout line, each
    customer of the adoption table, each credited deal (under the NRR line, naming its customer) and each
    payable line (its type and plan as the line asked about). Only for the statement's own CSM
    (``asks_offered``); builds URLs, reads nothing."""
    period, currency = statement.run.period.code, statement.payout.currency
    nrr = next((line.result.component for line in statement.lines if line.result.metric == "nrr"), "")
    customers = {}
    for c in statement.customers:
        counted = "counted" if c.counted else f"not counted: {c.reason}" if c.reason else "not counted"
        r = f"r {fmt.percent(c.r)}" if c.r is not None else "no r"
        about = f"customer {c.customer.customer_id} ({c.customer.name})"
        customers[c.customer.customer_id] = ask_url(
            period=period, about=about, figure=f"{r}, {counted}", customer=c.customer.customer_id
        )
    statement.asks = Asks(
        lines={
            line.result.component: ask_url(
                period=period,
                about=line.result.component,
                figure=_money(line.result.payout, currency),
                component=line.result.component,
            )
            for line in statement.lines
        },
        customers=customers,
        deals={
            str(deal["deal_id"]): ask_url(
                period=period,
                about=f"deal {deal['deal_id']} of {deal['customer_id']} ({deal['type']})",
                figure=f"{_money(deal['converted'], currency)} credited",
                component=nrr,
                customer=str(deal["customer_id"]),
            )
            for deal in statement.deals
        },
    )
    if statement.payable is not None:
        for line in statement.payable.lines:
            restating = f", restating {line.restated}" if line.restated else ""
            held = ", held" if line.held else ""
            line.ask_url = ask_url(
                period=period,
                about=f"the {line.label.lower()} line of {line.plan}{restating}",
                figure=_money(line.amount, line.currency) + held,
                component=f"{line.label} ({line.plan})",
            )
    return statement
