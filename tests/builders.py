"""Small builders for tests: each test makes just the rows it needs."""

from datetime import date
from decimal import Decimal
from itertools import count

from accounts.models import Role, User, UserRole
from adoption.models import Customer, Ownership, Snapshot, TargetLine

_seq = count(1)


def make_user(
    *roles: str, geo: str = "AMER", email: str | None = None, employee_id: str | None = None, **fields
) -> User:
    n = next(_seq)
    user = User.objects.create_user(
        email=email or f"person{n}@example.com",
        password="correct horse battery staple",
        name=fields.pop("name", f"Person {n}"),
        employee_id=employee_id or f"E{n:05d}",
        geo=geo,
        **fields,
    )
    UserRole.objects.bulk_create([UserRole(user=user, role=Role(role)) for role in roles])
    return user


def make_customer(
    customer_id: str | None = None,
    *,
    geo: str = "AMER",
    start_date: date = date(2019, 1, 1),
    owner: User | None = None,
    **fields,
) -> Customer:
    n = next(_seq)
    customer = Customer.objects.create(
        customer_id=customer_id or f"C{n:05d}",
        name=fields.pop("name", f"Customer {n}"),
        geo=geo,
        start_date=start_date,
        **fields,
    )
    if owner is not None:
        Ownership.objects.create(customer=customer, employee=owner, start_date=start_date)
    return customer


def sign_off(period, *, by: User | None = None):
    """Finance's sign-off of a closed quarter's payouts (DESIGN §5), which its payroll export waits for;
    ``by`` defaults to a new finance person (who neither closed the quarter nor is paid by it)."""
    from commissions.services.signoff import sign_off_payouts

    by = by or make_user(Role.FINANCE)
    return sign_off_payouts(period=period, user=by, comment="Totals checked against the on-target amounts.")


def make_snapshot(fiscal_year: str = "FY22", *, lines: int = 1, approved_by: User | None = None) -> Snapshot:
    """A snapshot with ``lines`` target lines on fresh customers; approved when ``approved_by`` is given."""
    snapshot = Snapshot.objects.create(fiscal_year=fiscal_year)
    for _ in range(lines):
        TargetLine.objects.create(
            snapshot=snapshot,
            customer=make_customer(),
            period=f"{fiscal_year}-Q2",
            baseline_score=Decimal("40"),
            target_score=Decimal("60"),
        )
    if approved_by is not None:
        from adoption.services import approve_snapshot

        snapshot = approve_snapshot(fiscal_year=fiscal_year, user=approved_by)
    return snapshot


def people_importer() -> User:
    """An admin (and ops) who may import people with their roles (``access.may_change_roles``); not an
    employee, so files and counts of employees do not see them."""
    importer = User.objects.filter(email="importer@example.com").first()
    if importer is None:
        importer = User.objects.create_user(email="importer@example.com", name="Importer")
        UserRole.objects.bulk_create([UserRole(user=importer, role=role) for role in (Role.OPS, Role.ADMIN)])
    return importer


def assign_plan(employee: User, code: str = "CS-FY22", fiscal_year: str = "FY22"):
    """Put ``employee`` on a plan of ``fiscal_year`` (created once, with ADOPTION, NRR and KPI components
    weighted equally) from its first day: what a statement line of theirs is named after."""
    from commissions.models import Assignment, Component, Plan
    from core.calendar import FiscalYear
    from core.fiscal import calendar

    start = calendar().year_start(FiscalYear.parse(fiscal_year))
    plan, created = Plan.objects.get_or_create(
        code=code, defaults={"name": code, "fiscal_year": fiscal_year, "currency": "USD"}
    )
    if created:
        for position, (component, metric) in enumerate((("ADOPTION", "adoption"), ("NRR", "nrr"))):
            Component.objects.create(plan=plan, code=component, position=position, metric=metric, weight=1)
        Component.objects.create(plan=plan, code="KPI", position=2, metric="kpi", kpi="prs", weight=1)
    Assignment.objects.create(
        employee=employee, plan=plan, start_date=start, on_target_amount=Decimal("12000")
    )
    return plan
