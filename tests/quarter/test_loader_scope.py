"""Dashboards load one CSM's (or one geo's) inputs; the engine must pay them exactly as the full run."""

from datetime import date, timedelta

import pytest

from accounts.models import User
from commissions.engine import calculate_quarter
from commissions.loaders import load_quarter
from commissions.models import Payout, Period, Plan, Run
from demo.company import seed_demo
from demo.quarters import run_demo_quarters

pytestmark = pytest.mark.django_db


def test_inputs_scoped_to_each_csm_pay_what_the_full_run_pays():
    today = date(2026, 11, 25)
    seed_demo(today=today)
    run_demo_quarters(today=today)
    period = Period.objects.get(code="FY27-Q3")
    checked = 0
    for plan in Plan.objects.all():
        run = Run.objects.get(plan=plan, period=period)
        full = dict(Payout.objects.filter(run=run).values_list("employee__employee_id", "amount"))
        for employee_id, amount in full.items():
            user = User.objects.get(employee_id=employee_id)
            inputs = load_quarter(plan=plan, period=period, pull=run.pull, employees=[user.pk])
            scoped = calculate_quarter(inputs).payouts
            assert list(scoped["employee_id"]) == [employee_id]
            assert scoped["total"].iloc[0] == amount, employee_id
            checked += 1
    assert checked == 12


def _sorted(table):
    return table.astype(str).sort_values(list(table.columns)).reset_index(drop=True)


@pytest.fixture
def demo_quarter():
    today = date(2026, 11, 25)
    seed_demo(today=today)
    run_demo_quarters(today=today)
    return Period.objects.get(code="FY27-Q3")


def test_a_book_read_through_a_temporary_table_loads_the_same_inputs(demo_quarter, monkeypatch):
    """A plan's book of many CSMs is computed once into a temporary table (PostgreSQL); every input
    table, and so the fingerprint, equals the one read with the book as a subquery."""
    from django.db import connection

    from commissions import book_scope, loaders

    if connection.vendor != "postgresql":
        pytest.skip("the temporary book table is a PostgreSQL path")
    for plan in Plan.objects.all():
        run = Run.objects.get(plan=plan, period=demo_quarter)
        members = loaders.plan_members(plan, demo_quarter)
        monkeypatch.setattr(book_scope, "MATERIALISE_BOOK_FROM", len(members) + 1)
        subquery = load_quarter(plan=plan, period=demo_quarter, pull=run.pull, employees=members)
        monkeypatch.setattr(book_scope, "MATERIALISE_BOOK_FROM", 1)
        table = load_quarter(plan=plan, period=demo_quarter, pull=run.pull, employees=members)
        for name in ("assignments", "ownership", "customers", "targets", "scores", "arr", "deals", "kpis"):
            assert _sorted(getattr(table, name)).equals(_sorted(getattr(subquery, name))), (plan.code, name)
        assert len(table.ownership) > 0
        assert loaders.fingerprint(table) == loaders.fingerprint(subquery)
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('attain_load_book')")
            assert cursor.fetchone() == (None,)  # dropped when the load ended


def test_a_failed_load_leaves_no_book_table_and_a_usable_connection(demo_quarter, monkeypatch):
    from django.db import connection

    from commissions import book_scope, loaders
    from core.errors import AttainError

    if connection.vendor != "postgresql":
        pytest.skip("the temporary book table is a PostgreSQL path")
    monkeypatch.setattr(book_scope, "MATERIALISE_BOOK_FROM", 1)
    plan = Plan.objects.filter(components__metric="adoption").first()
    members = loaders.plan_members(plan, demo_quarter)

    def failing(*args):
        raise AttainError("the snapshot went away")

    monkeypatch.setattr(loaders, "_targets", failing)
    with pytest.raises(AttainError, match="went away"):
        load_quarter(plan=plan, period=demo_quarter, pull=None, employees=members)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('attain_load_book')")
        assert cursor.fetchone() == (None,)
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_the_fingerprint_ignores_row_order_and_sees_every_value(demo_quarter):
    from dataclasses import replace
    from decimal import Decimal

    from commissions.loaders import fingerprint, plan_members

    plan = Plan.objects.filter(components__metric="adoption").first()
    run = Run.objects.get(plan=plan, period=demo_quarter)
    inputs = load_quarter(
        plan=plan, period=demo_quarter, pull=run.pull, employees=plan_members(plan, demo_quarter)
    )
    digest = fingerprint(inputs)
    shuffled = replace(
        inputs,
        arr=inputs.arr.sample(frac=1, random_state=3).reset_index(drop=True),
        scores=inputs.scores.iloc[::-1].reset_index(drop=True),
    )
    assert fingerprint(shuffled) == digest
    changed_score = inputs.scores.copy()
    changed_score.loc[0, "score"] = changed_score.loc[0, "score"] + Decimal("0.01")
    assert fingerprint(replace(inputs, scores=changed_score)) != digest
    moved = inputs.ownership.copy()
    moved.loc[0, "start_date"] = moved.loc[0, "start_date"] - timedelta(days=1)
    assert fingerprint(replace(inputs, ownership=moved)) != digest
    swapped = inputs.targets.copy()  # the same values in other columns are other inputs
    swapped[["baseline", "target"]] = swapped[["target", "baseline"]].to_numpy()
    assert fingerprint(replace(inputs, targets=swapped)) != digest


def test_a_customer_joining_the_book_mid_load_is_read_not_a_failure():
    """A dashboard's book is a subquery in each query: a customer assigned between two of them comes
    back with a key the scope has not mapped yet; the scope looks it up."""
    from accounts.models import Role
    from commissions.book_scope import book_scope
    from tests.builders import make_customer, make_user

    csm = make_user(Role.CSM)
    make_customer("C-EARLY", owner=csm)
    with book_scope([csm.pk], date(2026, 11, 25)) as scope:
        assert set(scope.codes.values()) == {"C-EARLY"}
        late = make_customer("C-LATE", owner=csm)
        table = scope.table("scores", [(late.pk, None)])
    assert list(table["customer_id"]) == ["C-LATE"]
