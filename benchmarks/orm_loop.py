"""The quick implementation of DESIGN §4: a per-CSM, per-customer ORM loop in exact Decimal.

What someone writes first: for each plan, each assigned CSM, each customer of the CSM's book, a few
small ORM queries (who owns it at the quarter's end, its target line, its pulled score, its ARR, its
deals). Correct — the benchmark checks it agrees with the engine to the cent — but it sends several
queries per customer, so it is only run on sizes S and M (``orm_loop_payouts`` refuses a company of more
than ``MAX_CUSTOMERS`` customers). It shares no code with the engine (commissions/engine/).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

from django.conf import settings
from django.db.models import Q

from accounts.models import User
from adoption.models import ArrRecord, Customer, Ownership, Snapshot, TargetLine
from commissions.models import Assignment, Deal, FxRate, KpiActual, Period, Plan, PulledScore, ScorePull
from core.calendar import FiscalYear
from core.fiscal import calendar

MAX_CUSTOMERS = 20_000
CENT = Decimal("0.01")
ZERO, ONE = Decimal(0), Decimal(1)

Payouts = dict[tuple[str, str], Decimal]  # (employee_id, plan code) → total payout in the plan currency


def orm_loop_payouts(*, period_code: str) -> Payouts:
    """Every plan's payouts for the quarter, computed customer by customer through the ORM."""
    customers = Customer.objects.count()
    if customers > MAX_CUSTOMERS:
        raise ValueError(
            f"The ORM loop reference runs on S and M only: {customers:,} customers is more than "
            f"{MAX_CUSTOMERS:,} (it would send several queries per customer)."
        )
    period = Period.objects.get(code=period_code)
    pull = ScorePull.objects.filter(period=period).order_by("-id").first()
    rates = {fx.currency: fx.rate for fx in FxRate.objects.filter(period=period.code)}
    rates.setdefault(settings.BASE_CURRENCY, ONE)
    payouts: Payouts = {}
    with localcontext(Context(prec=28, rounding=ROUND_HALF_UP)):
        for plan in Plan.objects.filter(fiscal_year=period.fiscal_year).order_by("code"):
            for employee in User.objects.filter(assignments__plan=plan).distinct().order_by("employee_id"):
                total = _csm_payout(plan, employee, period, pull, rates)
                if total is not None:
                    payouts[(employee.employee_id, plan.code)] = total
    return payouts


def _convert(amount: Decimal, currency: str, plan: Plan, rates: dict[str, Decimal]) -> Decimal:
    if currency == plan.currency:
        return amount
    return amount * rates[currency] / rates[plan.currency]


def _csm_payout(plan, employee, period, pull, rates) -> Decimal | None:
    """One CSM's total for one plan; None when no assignment of theirs overlaps the quarter."""
    days_in_quarter = (period.end - period.start).days + 1
    oti, last = ZERO, None
    for assignment in Assignment.objects.filter(plan=plan, employee=employee).order_by("start_date"):
        first = max(assignment.start_date, period.start)
        end = min(assignment.end_date, period.end) if assignment.end_date else period.end
        days = (end - first).days + 1
        if days > 0:
            oti += assignment.on_target_amount * days / days_in_quarter
            last = assignment
    if last is None:
        return None
    book = _book(employee, period)
    lines = []  # (weight, factor) of the components that apply
    for component in plan.components.order_by("position", "id"):
        if component.metric == "adoption":
            attainment = _adoption(plan, employee, book, period, pull, rates)
        elif component.metric == "nrr":
            attainment = _nrr(plan, component, last, book, period, rates)
        else:
            actual = KpiActual.objects.filter(
                period=period.code, employee=employee, kpi=component.kpi
            ).first()
            goal = last.kpi_goal if last.kpi_goal is not None else component.goal
            attainment = actual.value / goal if actual is not None else ZERO
        if attainment is not None:
            lines.append((component.weight, _factor(attainment, component)))
    total_weight = sum((weight for weight, _ in lines), ZERO)
    return sum(
        ((oti * weight / total_weight * f).quantize(CENT, rounding=ROUND_HALF_UP) for weight, f in lines),
        ZERO,
    ).quantize(CENT)


def _book(employee, period) -> list[Customer]:
    """Customers whose owner at the quarter's last day is ``employee``: one query per candidate."""
    book, seen = [], set()
    candidates = Ownership.objects.filter(employee=employee, start_date__lte=period.end).select_related(
        "customer"
    )
    for ownership in candidates.order_by("customer__customer_id"):
        if ownership.customer_id in seen:
            continue
        seen.add(ownership.customer_id)
        owner = (
            Ownership.objects.filter(customer_id=ownership.customer_id, start_date__lte=period.end)
            .order_by("-start_date")
            .first()
        )
        if owner.employee_id == employee.pk:
            book.append(ownership.customer)
    return book


def _arr_on(customer, day, plan, rates) -> Decimal | None:
    record = ArrRecord.objects.filter(customer=customer, as_of__lte=day).order_by("-as_of").first()
    return None if record is None else _convert(record.arr, record.currency, plan, rates)


def _credit_date(plan, employee, deal):
    """The date that credits ``deal`` of ``employee``'s book to ``plan``: by the rule of the plan they were
    on at the deal's earlier date — ``plan`` itself, or another they moved from or to (DESIGN §3 "Plans")
    — for the deal's type; ``plan``'s own when they were on none that day."""
    earlier = min(deal.booked_on, deal.effective_on)
    year_start = calendar().year_start(FiscalYear.parse(plan.fiscal_year))
    on_it = (
        Assignment.objects.filter(employee=employee, start_date__lte=earlier)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=earlier))
        .select_related("plan")
    )
    deciding = plan
    if earlier < year_start or not any(a.plan_id == plan.pk for a in on_it):
        deciding = next(
            (a.plan for a in sorted(on_it, key=lambda a: a.plan.code) if a.plan_id != plan.pk), plan
        )
    rule = (deciding.credit_date_by_type or {}).get(deal.type, deciding.credit_date)
    return deal.effective_on if rule == Plan.CreditDate.EFFECTIVE else deal.booked_on


def _deals_dated(customer, first, last, **filters):
    """The customer's deals with either date from ``first`` to ``last``."""
    return Deal.objects.filter(
        Q(booked_on__range=(first, last)) | Q(effective_on__range=(first, last)), customer=customer, **filters
    )


def _adoption(plan, employee, book, period, pull, rates) -> Decimal | None:
    """A = Σ w·r / Σ w over the counted customers (DESIGN §4.3); None when nothing weighs."""
    snapshot = Snapshot.objects.get(fiscal_year=plan.fiscal_year, status=Snapshot.Status.APPROVED)
    window_start = period.end - timedelta(days=plan.new_customer_window_days)
    weighted, weights = ZERO, ZERO
    for customer in book:
        line = TargetLine.objects.filter(snapshot=snapshot, customer=customer, period=period.code).first()
        if line is None:
            continue  # not in the snapshot
        pulled = PulledScore.objects.filter(pull=pull, customer=customer).first()
        score = pulled.score if pulled is not None else None
        b, t = line.baseline_score, line.target_score
        if t is None:
            if score is None or score <= b:
                continue
            r = ONE  # credit for improvement
        else:
            if score is None:
                r = ZERO
            elif plan.adoption_formula == Plan.Formula.RATIO:
                r = score / t if t > 0 else (ONE if score >= t else ZERO)
            elif t > b:
                r = (score - b) / (t - b)
            else:
                r = ONE if score >= t else ZERO
            r = min(max(r, ZERO), plan.customer_cap)
            new = window_start < customer.start_date <= period.end
            expanded = any(
                window_start < _credit_date(plan, employee, deal) <= period.end
                for deal in _deals_dated(customer, window_start, period.end, type=Deal.Type.EXPANSION)
            )
            if (new or expanded) and r < ONE:
                continue  # held harmless
        if plan.adoption_weighting == Plan.Weighting.EQUAL:
            w = ONE
        else:
            w = _arr_on(customer, period.end, plan, rates) or ZERO
        weighted += w * r
        weights += w
    return weighted / weights if weights != 0 else None


def _nrr(plan, component, assignment, book, period, rates) -> Decimal | None:
    """max(0, (NRR − floor)/(goal − floor)) with NRR = (S + Δ)/S (DESIGN §4.4); None when S = 0."""
    start_arr, delta = ZERO, ZERO
    for customer in book:
        start_arr += _arr_on(customer, period.start, plan, rates) or ZERO
        for deal in _deals_dated(customer, period.start, period.end):
            if period.start <= _credit_date(plan, assignment.employee, deal) <= period.end:
                delta += _convert(deal.arr_delta, deal.currency, plan, rates)
    if start_arr == 0:
        return None
    nrr = (start_arr + delta) / start_arr
    floor = component.floor if component.floor is not None else ONE
    goal = assignment.nrr_goal if assignment.nrr_goal is not None else component.goal
    return max(ZERO, (nrr - floor) / (goal - floor))


def _factor(attainment: Decimal, component) -> Decimal:
    """f of DESIGN §4.6."""
    if attainment < component.threshold:
        f = ZERO
    elif attainment <= ONE:
        f = attainment
    else:
        f = ONE + component.accelerator * (attainment - ONE)
    return min(f, component.cap) if component.cap is not None else f
