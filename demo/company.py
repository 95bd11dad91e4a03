"""``seed_demo``: a realistic, deterministic demo company so ``make run`` shows real data.

Three geos, 12 CSMs under their Geo VPs, a CCO, finance, ops and an admin; ~300 customers with a year of
weekly adoption scores, ownership moves, ARR in USD and EUR, deals of every type, KPI actuals, FX rates,
the approved target snapshot of the current fiscal year, and two plans (thirds and 50:50).

The data is planned first by the pure ``build_demo`` (same ``today`` and ``seed`` → same data), then
written in one transaction with bulk inserts. Seeding is idempotent by refusal to repeat itself: when the
demo CCO already exists the database is left exactly as it is and the summary says "already seeded".
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User, UserRole
from adoption.models import ArrRecord, Customer, Ownership, ScoreObservation, Snapshot, TargetLine
from adoption.services import approve_snapshot
from commissions.models import Assignment, Component, Deal, FxRate, KpiActual, Plan
from core.calendar import FiscalCalendar, FiscalYear
from core.errors import AttainError
from core.fiscal import calendar

DEMO_DOMAIN = "demo.attain.example"
DEMO_PASSWORD = "attain-demo"
GEOS = ("AMER", "EMEA", "APAC")
CUSTOMERS_PER_GEO = {"AMER": 130, "EMEA": 100, "APAC": 70}
NEW_CUSTOMERS = 15
WEEKS = 52
ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)

# (role, name, geo); CSMs are listed per geo, four each. The first person of a role is its demo login.
PEOPLE: list[tuple[str, str, str]] = [
    ("cco", "Dana Whitfield", ""),
    ("csvp", "Rachel Kim", "AMER"),
    ("csvp", "Henrik Andersson", "EMEA"),
    ("csvp", "Arjun Mehta", "APAC"),
    *[("csm", name, "AMER") for name in ("Maya Patel", "Jordan Reyes", "Ethan Brooks", "Olivia Chen")],
    *[("csm", name, "EMEA") for name in ("Lena Fischer", "Tomás García", "Amélie Laurent", "Oliver Hughes")],
    *[("csm", name, "APAC") for name in ("Haruto Sato", "Priya Nair", "Mei Lin Tan", "Noah Williams")],
    ("finance", "Samuel Okafor", ""),
    ("ops", "Grace Liu", ""),
    ("admin", "Alex Morgan", ""),
]
LOGIN_ROLES = ("csm", "csvp", "cco", "finance", "ops", "admin")
STAFF_ROLES = {"cco", "finance", "ops", "admin"}
# CSMs on the 50:50 NRR/KPI plan (the other eight are on the thirds plan), and goal overrides.
FIFTY_FIFTY = {"Oliver Hughes", "Amélie Laurent", "Ethan Brooks", "Noah Williams"}
GOAL_OVERRIDES = {"Jordan Reyes": {"nrr_goal": Decimal("1.08")}, "Priya Nair": {"kpi_goal": Decimal("12")}}

NAME_STEMS = """
    Acme Northwind Bluefin Cedar Summit Harbor Quartz Meridian Falcon Ironbridge Lumen Orchid Pioneer Redwood
    Silverline Tidewater Vantage Willow Zenith Aurora Beacon Copperleaf Driftwood Evergreen Foxglove Granite
    Helix Juniper Keystone Lighthouse
"""
NAME_SUFFIXES = "Systems Labs Logistics Health Analytics Foods Energy Robotics Media Capital Retail Networks"
SEGMENTS = (("enterprise", 20, 150_000, 900_000), ("mid", 40, 40_000, 150_000), ("smb", 40, 8_000, 40_000))


@dataclass(frozen=True)
class PersonSpec:
    employee_id: str | None
    email: str
    name: str
    role: str
    geo: str
    manager_email: str | None


@dataclass
class CustomerSpec:
    customer_id: str
    name: str
    geo: str
    segment: str
    start_date: date
    currency: str
    owners: list[tuple[date, str]] = field(default_factory=list)  # (start_date, email)
    arr: list[tuple[date, Decimal]] = field(default_factory=list)
    scores: list[tuple[date, Decimal]] = field(default_factory=list)
    baseline: Decimal = ZERO
    targets: dict[str, Decimal | None] = field(default_factory=dict)


@dataclass(frozen=True)
class DealSpec:
    deal_id: str
    customer_id: str
    type: str
    arr_delta: Decimal
    currency: str
    booked_on: date
    effective_on: date


@dataclass(frozen=True)
class AssignmentSpec:
    email: str
    plan_code: str
    start_date: date
    end_date: date
    on_target_amount: Decimal
    nrr_goal: Decimal | None = None
    kpi_goal: Decimal | None = None


@dataclass
class DemoData:
    """Everything ``seed_demo`` writes, planned without touching the database."""

    fiscal_year: FiscalYear
    people: list[PersonSpec]
    customers: list[CustomerSpec]
    deals: list[DealSpec]
    kpis: list[tuple[str, str, str, Decimal]]  # (period, email, kpi, value)
    fx: list[tuple[str, str, Decimal]]  # (period, currency, rate)
    assignments: list[AssignmentSpec]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str | None  # None: no known password (DEBUG off, or it was changed)


@dataclass
class DemoSummary:
    """What ``seed_demo`` did: the fiscal year, row counts and the demo logins."""

    fiscal_year: str
    today: date
    already_seeded: bool
    counts: dict[str, int]
    logins: list[DemoLogin]


def _email(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ".".join(ascii_name.lower().replace("'", "").split()) + f"@{DEMO_DOMAIN}"


def _people() -> list[PersonSpec]:
    """The fixed cast, managers before their reports: CSVPs report to the CCO, CSMs to their geo's CSVP."""
    emails = {name: _email(name) for _role, name, _geo in PEOPLE}
    cco = next(emails[name] for role, name, _geo in PEOPLE if role == "cco")
    csvps = {geo: emails[name] for role, name, geo in PEOPLE if role == "csvp"}
    people = []
    for n, (role, name, geo) in enumerate(PEOPLE, start=1001):
        manager = {"csvp": cco, "csm": csvps.get(geo)}.get(role)
        employee_id = None if role == "admin" else f"E{n}"
        people.append(PersonSpec(employee_id, emails[name], name, role, geo, manager))
    return people


def _quantize(value: Decimal, exponent: str = "0.01") -> Decimal:
    return value.quantize(Decimal(exponent), rounding=ROUND_HALF_UP)


def _clamp(value: Decimal, low: Decimal = ZERO, high: Decimal = HUNDRED) -> Decimal:
    return max(low, min(high, value))


def _dec(rng: random.Random, low: int, high: int, scale: int = 100) -> Decimal:
    """A random Decimal in [low/scale, high/scale] — integers only, so no float ever touches it."""
    return Decimal(rng.randint(low, high)) / scale


def _customers(
    rng: random.Random, today: date, cal: FiscalCalendar, fy: FiscalYear, people: list[PersonSpec]
) -> list[CustomerSpec]:
    csms = {geo: [p.email for p in people if p.role == "csm" and p.geo == geo] for geo in GEOS}
    names = [f"{stem} {suffix}" for stem in NAME_STEMS.split() for suffix in NAME_SUFFIXES.split()]
    rng.shuffle(names)
    geos = [geo for geo in GEOS for _ in range(CUSTOMERS_PER_GEO[geo])]
    rng.shuffle(geos)
    new = set(rng.sample(range(len(geos)), NEW_CUSTOMERS))
    customers = []
    for i, geo in enumerate(geos):
        segment, _, low, high = rng.choices(SEGMENTS, weights=[s[1] for s in SEGMENTS])[0]
        start = today - timedelta(days=rng.randint(5, 88) if i in new else rng.randint(400, 3000))
        currency = "EUR" if geo == "EMEA" and rng.random() < 0.5 else "USD"
        customer = CustomerSpec(f"CUST-{i + 1:04d}", names[i], geo, segment, start, currency)
        customer.owners.append((start, rng.choice(csms[geo])))
        move_on = today - timedelta(days=rng.randint(10, 150))
        if i not in new and rng.random() < 0.07:  # moved to another CSM of the geo during the year
            others = [email for email in csms[geo] if email != customer.owners[0][1]]
            customer.owners.append((move_on, rng.choice(others)))
        customer.arr.append((start, Decimal(rng.randint(low // 500, high // 500) * 500)))
        _plan_scores(rng, customer, today, cal, fy)
        customers.append(customer)
    return customers


def _plan_scores(
    rng: random.Random, customer: CustomerSpec, today: date, cal: FiscalCalendar, fy: FiscalYear
) -> None:
    """A year of weekly scores on a trend (improving, flat or declining) with noise; baseline and targets."""
    first_week = today - timedelta(weeks=WEEKS - 1)
    level = _dec(rng, 2000, 8500)
    drift = rng.choice([_dec(rng, 5, 40), _dec(rng, -8, 8), _dec(rng, -35, -5)])
    exponent = rng.choice(["1", "0.1", "0.01"])
    missing_recent = rng.randint(2, 6) if rng.random() < 0.04 else 0
    for week in range(WEEKS - missing_recent):
        day = first_week + timedelta(weeks=week)
        value = _quantize(_clamp(level + drift * week + _dec(rng, -120, 120)), exponent)
        if day >= customer.start_date:
            customer.scores.append((day, value))
    fy_start = cal.year_bounds(fy)[0]
    baseline_day = max(fy_start, customer.start_date)
    customer.baseline = _quantize(
        _clamp(level + drift * Decimal((baseline_day - first_week).days) / 7), "0.1"
    )
    kind = rng.choices(["raise", "maintain", "none", "late"], weights=[80, 5, 10, 5])[0]
    step = _dec(rng, 10, 50, 10)
    for period in fy.quarters():
        if kind == "none" or (kind == "late" and period.quarter == 1):
            target = None
        elif kind == "maintain":  # a high scorer asked only to stay close to where it is
            target = _clamp(customer.baseline - _dec(rng, 0, 30, 10))
        else:
            target = _clamp(customer.baseline + step * period.quarter)
        customer.targets[period.code] = target if target is None else _quantize(target, "0.1")


DEAL_TYPES = ("renewal", "expansion", "contraction", "churn")


def _deal_delta(rng: random.Random, kind: str, arr: Decimal) -> Decimal:
    """A signed ARR change that matches its type (DESIGN §3 `deals`) and keeps ARR ≥ 0."""
    if kind == "churn":
        return -arr
    percent = {"renewal": (0, 7), "expansion": (5, 40), "contraction": (5, 30)}[kind]
    amount = max(Decimal(100), _quantize(arr * rng.randint(*percent) / 100, "10"))
    if kind == "renewal" and rng.random() < 0.4:
        return ZERO  # a flat renewal
    return -min(amount, arr - 100) if kind == "contraction" else amount


def _deals(rng: random.Random, today: date, customers: list[CustomerSpec]) -> list[DealSpec]:
    """Deals over the last year; eight settled customers get one of every type in each currency."""
    settled = [c for c in customers if c.start_date <= today - timedelta(days=365)]
    pools = {currency: [c for c in settled if c.currency == currency] for currency in ("USD", "EUR")}
    wanted: dict[str, list[str]] = {}
    for pool in pools.values():
        for kind, customer in zip(DEAL_TYPES, rng.sample(pool, len(DEAL_TYPES)), strict=True):
            wanted[customer.customer_id] = [kind]
    deals: list[DealSpec] = []
    for customer in customers:
        kinds = wanted.get(customer.customer_id)
        if kinds is None and rng.random() < 0.4:
            kinds = rng.choices(DEAL_TYPES, weights=[40, 32, 18, 10], k=2 if rng.random() < 0.15 else 1)
        earliest = max(customer.start_date + timedelta(days=1), today - timedelta(days=350))
        span = (today - timedelta(days=3) - earliest).days
        if not kinds or span < len(kinds) * 2:
            continue
        offsets = sorted(rng.sample(range(span), len(kinds)))
        kinds = sorted(kinds, key=lambda kind: kind == "churn")  # nothing follows a churn
        arr = customer.arr[-1][1]
        for offset, kind in zip(offsets, kinds, strict=True):
            if arr == 0:
                break
            booked = earliest + timedelta(days=offset)
            effective = booked if rng.random() < 0.6 else booked + timedelta(days=rng.randint(1, 45))
            if effective <= customer.arr[-1][0]:
                effective = customer.arr[-1][0] + timedelta(days=1)
            delta = _deal_delta(rng, kind, arr)
            arr += delta
            customer.arr.append((effective, arr))
            deals.append(
                DealSpec(
                    f"DEAL-{len(deals) + 1:05d}",
                    customer.customer_id,
                    kind,
                    delta,
                    customer.currency,
                    booked,
                    effective,
                )
            )
            if kind == "churn":  # a churned customer stops reporting scores
                customer.scores = [(day, score) for day, score in customer.scores if day < effective]
    return deals


def _fx(
    rng: random.Random, cal: FiscalCalendar, fy: FiscalYear, deals: list[DealSpec], base: str
) -> list[tuple[str, str, Decimal]]:
    """EUR and USD for every quarter of this and last fiscal year and any quarter a deal date falls in."""
    periods = set(FiscalYear(fy.year - 1).quarters() + fy.quarters())
    periods |= {cal.period_of(day) for deal in deals for day in (deal.booked_on, deal.effective_on)}
    usd_per_eur = _dec(rng, 108, 112)
    rows = []
    for period in sorted(periods):
        usd_per_eur = _clamp(usd_per_eur + _dec(rng, -150, 150, 10000), Decimal("1.08"), Decimal("1.12"))
        usd_per = {"USD": ONE, "EUR": usd_per_eur}
        for currency in ("EUR", "USD"):
            rows.append((period.code, currency, _quantize(usd_per[currency] / usd_per[base], "0.0001")))
    return rows


def _kpis(
    rng: random.Random, today: date, cal: FiscalCalendar, fy: FiscalYear, people: list[PersonSpec]
) -> list[tuple[str, str, str, Decimal]]:
    """Merged PRs and QBRs per CSM for each ended quarter of the year, and the running quarter to date."""
    rows = []
    for period in fy.quarters():
        first, last = cal.bounds(period)
        if first > today:
            break
        share = min(ONE, Decimal((today - first).days + 1) / cal.days(period))
        for person in (p for p in people if p.role == "csm"):
            for kpi, low, high in (("prs", 4, 16), ("qbrs", 2, 8)):
                rows.append((period.code, person.email, kpi, _quantize(rng.randint(low, high) * share, "1")))
    return rows


def _assignments(
    rng: random.Random, cal: FiscalCalendar, fy: FiscalYear, people: list[PersonSpec]
) -> list[AssignmentSpec]:
    start, end = cal.year_bounds(fy)
    rows = []
    for person in (p for p in people if p.role == "csm"):
        code = f"CS-NRR-{fy.code}" if person.name in FIFTY_FIFTY else f"CS-{fy.code}"
        amount = Decimal(rng.randint(12, 24) * 250)
        rows.append(
            AssignmentSpec(person.email, code, start, end, amount, **GOAL_OVERRIDES.get(person.name, {}))
        )
    return rows


def build_demo(*, today: date, seed: int, cal: FiscalCalendar, base_currency: str = "USD") -> DemoData:
    """Plan the demo company as of ``today`` — pure: the same arguments always give the same data."""
    if base_currency not in ("USD", "EUR"):
        raise AttainError(
            f"seed_demo quotes FX in USD and EUR; BASE_CURRENCY {base_currency} is not supported."
        )
    rng = random.Random(seed)  # noqa: S311 - demo data, deterministic on purpose; no secret comes from it
    fy = cal.fiscal_year_of(today)
    people = _people()
    customers = _customers(rng, today, cal, fy, people)
    deals = _deals(rng, today, customers)
    fx = _fx(rng, cal, fy, deals, base_currency)
    kpis = _kpis(rng, today, cal, fy, people)
    return DemoData(fy, people, customers, deals, kpis, fx, _assignments(rng, cal, fy, people))


def seed_demo(*, today: date | None = None, seed: int = 7) -> DemoSummary:
    """Seed the demo company into an empty database, in one transaction; do nothing if already seeded.

    Passwords: with ``settings.DEBUG`` the demo logins (one per role) get ``DEMO_PASSWORD``; without it
    every demo user gets an unusable password. The snapshot is approved by the demo CCO through
    ``approve_snapshot``. Raises ``AttainError`` if the database holds other data the demo would clash with.
    """
    today = today or timezone.localdate()
    people = _people()
    cco_email = next(p.email for p in people if p.role == "cco")
    fy = calendar().fiscal_year_of(today)
    if User.objects.filter(email=cco_email).exists():
        return DemoSummary(fy.code, today, True, _counts(), _logins(people))
    data = build_demo(today=today, seed=seed, cal=calendar(), base_currency=settings.BASE_CURRENCY)
    _refuse_clashes(data)
    with transaction.atomic():
        _write(data)
    return DemoSummary(fy.code, today, False, _counts(), _logins(people))


def _refuse_clashes(data: DemoData) -> None:
    clashes = []
    if User.objects.filter(email__in=[p.email for p in data.people]).exists():
        clashes.append("users with the demo e-mail addresses")
    if User.objects.filter(employee_id__in=[p.employee_id for p in data.people if p.employee_id]).exists():
        clashes.append("employees with the demo employee ids")
    if Customer.objects.filter(customer_id__in=[c.customer_id for c in data.customers]).exists():
        clashes.append("customers with the demo customer ids")
    if Deal.objects.filter(deal_id__in=[d.deal_id for d in data.deals]).exists():
        clashes.append("deals with the demo deal ids")
    if Snapshot.objects.filter(fiscal_year=data.fiscal_year.code).exists():
        clashes.append(f"a target snapshot of {data.fiscal_year.code}")
    if Plan.objects.filter(code__in={a.plan_code for a in data.assignments}).exists():
        clashes.append("plans with the demo plan codes")
    if FxRate.objects.exists() or KpiActual.objects.exists():
        clashes.append("FX rates or KPI actuals")
    if clashes:
        raise AttainError(
            "seed_demo fills an empty database, but this one already holds "
            + ", ".join(clashes)
            + ". Point DATABASE_URL at a fresh database and run it there."
        )


def _write(data: DemoData) -> None:
    """Insert the planned rows: users one by one (managers first), everything big in bulk."""
    login_emails = _login_emails(data.people)
    demo_hash = make_password(DEMO_PASSWORD) if settings.DEBUG else None
    users: dict[str, User] = {}
    for person in data.people:
        user = User(
            email=person.email,
            name=person.name,
            employee_id=person.employee_id,
            geo=person.geo,
            manager=users.get(person.manager_email),
            is_staff=person.role in STAFF_ROLES,
            is_superuser=person.role == "admin",
        )
        if demo_hash and person.email in login_emails:
            user.password = demo_hash
        else:
            user.set_unusable_password()
        user.save()
        users[person.email] = user
    UserRole.objects.bulk_create([UserRole(user=users[p.email], role=Role(p.role)) for p in data.people])

    Customer.objects.bulk_create(
        Customer(
            customer_id=c.customer_id, name=c.name, geo=c.geo, start_date=c.start_date, segment=c.segment
        )
        for c in data.customers
    )
    pk = dict(Customer.objects.values_list("customer_id", "pk"))
    Ownership.objects.bulk_create(
        Ownership(customer_id=pk[c.customer_id], employee=users[email], start_date=day)
        for c in data.customers
        for day, email in c.owners
    )
    ArrRecord.objects.bulk_create(
        ArrRecord(customer_id=pk[c.customer_id], as_of=day, arr=arr, currency=c.currency)
        for c in data.customers
        for day, arr in c.arr
    )
    ScoreObservation.objects.bulk_create(
        (
            ScoreObservation(customer_id=pk[c.customer_id], as_of=day, score=score)
            for c in data.customers
            for day, score in c.scores
        ),
        batch_size=2000,
    )
    Deal.objects.bulk_create(
        Deal(
            deal_id=d.deal_id,
            customer_id=pk[d.customer_id],
            type=d.type,
            arr_delta=d.arr_delta,
            currency=d.currency,
            booked_on=d.booked_on,
            effective_on=d.effective_on,
        )
        for d in data.deals
    )
    KpiActual.objects.bulk_create(
        KpiActual(period=period, employee=users[email], kpi=kpi, value=value)
        for period, email, kpi, value in data.kpis
    )
    FxRate.objects.bulk_create(
        FxRate(period=period, currency=cur, rate=rate) for period, cur, rate in data.fx
    )

    snapshot = Snapshot.objects.create(fiscal_year=data.fiscal_year.code)
    TargetLine.objects.bulk_create(
        TargetLine(
            snapshot=snapshot,
            customer_id=pk[c.customer_id],
            period=period,
            baseline_score=c.baseline,
            target_score=target,
        )
        for c in data.customers
        for period, target in c.targets.items()
    )
    cco = next(users[p.email] for p in data.people if p.role == "cco")
    approve_snapshot(fiscal_year=data.fiscal_year.code, user=cco)
    plans = _create_plans(data.fiscal_year)
    Assignment.objects.bulk_create(
        Assignment(
            employee=users[a.email],
            plan=plans[a.plan_code],
            start_date=a.start_date,
            end_date=a.end_date,
            on_target_amount=a.on_target_amount,
            nrr_goal=a.nrr_goal,
            kpi_goal=a.kpi_goal,
        )
        for a in data.assignments
    )


def _create_plans(fy: FiscalYear) -> dict[str, Plan]:
    """The thirds plan (adoption / NRR / KPI, 1:1:1) and the 50:50 NRR / KPI plan of DESIGN §3 "Plans"."""
    nrr = {"metric": "nrr", "goal": Decimal("1.10"), "floor": ONE}
    kpi = {"metric": "kpi", "kpi": "prs", "goal": Decimal(10), "cap": ONE}
    definitions = {
        f"CS-{fy.code}": (
            f"Customer Success {fy.code}",
            [
                ("ADOPTION", {"metric": "adoption", "weight": 1, "cap": ONE}),
                ("NRR", {**nrr, "weight": 1}),
                ("KPI", {**kpi, "weight": 1}),
            ],
        ),
        f"CS-NRR-{fy.code}": (
            f"Customer Success NRR/KPI {fy.code}",
            [("NRR", {**nrr, "weight": 50}), ("KPI", {**kpi, "weight": 50})],
        ),
    }
    plans = {}
    for code, (name, components) in definitions.items():
        plan = Plan.objects.create(
            code=code,
            name=name,
            fiscal_year=fy.code,
            currency="USD",
            source=_plan_yaml(code, name, fy, components),
        )
        Component.objects.bulk_create(
            Component(plan=plan, code=c_code, position=i, **{**spec, "weight": Decimal(spec["weight"])})
            for i, (c_code, spec) in enumerate(components)
        )
        plans[code] = plan
    return plans


def _plan_yaml(code: str, name: str, fy: FiscalYear, components: list[tuple[str, dict]]) -> str:
    """The plan written as ``load_plan`` YAML (DESIGN §3), so the admin shows where it came from."""
    lines = [
        f"code: {code}",
        f"name: {name}",
        f"fiscal_year: {fy.code}",
        "currency: USD",
        "credit_date: booked",
        "new_customer_window_days: 90",
        "adoption: {formula: progress, weighting: arr, customer_cap: 1.5}",
        "components:",
    ]
    for c_code, spec in components:
        fields = ", ".join(f"{key}: {value}" for key, value in {"code": c_code, **spec}.items())
        lines.append(f"  - {{{fields}}}")
    return "\n".join(lines) + "\n"


def _login_emails(people: list[PersonSpec]) -> dict[str, str]:
    """E-mail → role of the first person of each role: the demo logins."""
    firsts: dict[str, str] = {}
    for person in people:
        firsts.setdefault(person.role, person.email)
    return {firsts[role]: role for role in LOGIN_ROLES}


def _logins(people: list[PersonSpec]) -> list[DemoLogin]:
    """The demo logins; the password is shown only in DEBUG and only while it is still the demo one."""
    stored = dict(User.objects.filter(email__in=_login_emails(people)).values_list("email", "password"))
    known: dict[str, bool] = {}  # hash → is the demo password (the logins share one hash: checked once)
    logins = []
    for email, role in _login_emails(people).items():
        password = None
        encoded = stored.get(email, "")
        if settings.DEBUG and encoded:
            if encoded not in known:
                known[encoded] = check_password(DEMO_PASSWORD, encoded)
            password = DEMO_PASSWORD if known[encoded] else None
        logins.append(DemoLogin(role, email, password))
    return logins


def _counts() -> dict[str, int]:
    models = {
        "users": User,
        "customers": Customer,
        "ownerships": Ownership,
        "arr records": ArrRecord,
        "scores": ScoreObservation,
        "deals": Deal,
        "kpi actuals": KpiActual,
        "fx rates": FxRate,
        "target lines": TargetLine,
        "plans": Plan,
        "assignments": Assignment,
    }
    return {label: model.objects.count() for label, model in models.items()}
