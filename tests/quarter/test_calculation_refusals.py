"""Every calculation path refuses through one service (``runs.require_calculable``) before anything is
written: a plan of another fiscal year (DESIGN §3 "Plans": a plan is calculated only in its own year's
quarters), a quarter that has not started, an adoption plan's quarter under way without a pull (DESIGN §2,
§5). The ``calculate`` command tries every plan of the quarter, calculates those it can and names those it
could not. Quarters are computed from today, as the refusals depend on the date."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import Role
from commissions.models import Assignment, Component, Period, Plan, Run
from commissions.services.calculations import start_calculation
from commissions.services.periods import find_period, get_period
from commissions.services.runs import calculate
from commissions.services.shards import plan_sharded_run
from core.calendar import FiscalQuarter, FiscalYear
from core.errors import AttainError, Conflict, NotFound
from core.fiscal import calendar
from tests.builders import assign_plan, make_user

pytestmark = pytest.mark.django_db


def under_way() -> FiscalQuarter:
    return calendar().period_of(timezone.localdate())


def last_ended() -> FiscalQuarter:
    return calendar().last_ended_before(timezone.localdate())


def year_after(quarter: FiscalQuarter) -> str:
    return FiscalYear(quarter.fy.year + 1).code


def nrr_plan(code: str, fiscal_year: str, employee_id: str) -> Plan:
    """A plan of ``fiscal_year`` paying on NRR only (no adoption component), one CSM on it."""
    plan = Plan.objects.create(code=code, name=code, fiscal_year=fiscal_year, currency="USD")
    Component.objects.create(plan=plan, code="NRR", position=0, metric="nrr", weight=1)
    start = calendar().year_start(FiscalYear.parse(fiscal_year))
    employee = make_user(Role.CSM, employee_id=employee_id)
    Assignment.objects.create(employee=employee, plan=plan, start_date=start, on_target_amount=12000)
    return plan


def sentence(plan: Plan, quarter: str) -> str:
    return f"{plan.code} is a plan of {plan.fiscal_year}: {quarter} is not one of its quarters."


def test_the_command_refuses_a_plan_of_another_fiscal_year_and_writes_no_run(ops):
    quarter = last_ended()
    get_period(quarter.code)
    plan = nrr_plan(f"TNRR-{year_after(quarter)}", year_after(quarter), "E-NEXT-YEAR")
    with pytest.raises(CommandError) as refused:
        call_command("calculate", quarter.code, "--plan", plan.code)
    assert str(refused.value) == sentence(plan, quarter.code)
    assert not Run.objects.exists()


@pytest.mark.parametrize("path", ["calculate", "sharded", "queued"])
def test_every_calculation_path_refuses_a_plan_of_another_fiscal_year(
    ops, path, django_capture_on_commit_callbacks
):
    quarter = last_ended()
    period = get_period(quarter.code)
    plan = assign_plan(
        make_user(Role.CSM, employee_id="E-ADOPT"), code="TNRR-X", fiscal_year=year_after(quarter)
    )
    start = {
        "calculate": lambda: calculate(period=period, plan=plan, user=ops),
        "sharded": lambda: plan_sharded_run(period=period, plan=plan, shards=2, user=ops),
        "queued": lambda: start_calculation(period=period, plan=plan, user=ops),
    }[path]
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(AttainError) as refused,
    ):
        start()
    assert refused.value.message == sentence(plan, quarter.code)
    assert callbacks == [] and not Run.objects.exists()


def test_the_command_calculates_every_plan_it_can_and_names_those_refused(ops):
    quarter = under_way()
    period = get_period(quarter.code)
    fy = quarter.fy.code
    first = period.end + timedelta(days=1)
    adoption = [
        assign_plan(make_user(Role.CSM, employee_id=f"E-{code}"), code=f"{code}-{fy}", fiscal_year=fy)
        for code in ("CD", "CS")
    ]
    nrr = nrr_plan(f"CS-NRR-{fy}", fy, "E-NRR")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("calculate", quarter.code, stdout=out, stderr=err)
    codes = ", ".join(plan.code for plan in adoption)
    assert str(refused.value) == (
        f"2 of 3 plans of {quarter.code} not calculated: {codes} (each one's reason is above)."
    )
    for plan in adoption:
        assert (
            f"{plan.code} not calculated: {quarter.code} is under way (it ends {period.end:%Y-%m-%d}): "
            f"{plan.code} pays on adoption scores, so it is calculated once they are pulled, from "
            f"{first:%Y-%m-%d}, the first day after the quarter ends."
        ) in err.getvalue()
    assert list(Run.objects.values_list("plan__code", "version")) == [(nrr.code, 1)]
    assert f"{nrr.code} {quarter.code} v1:" in out.getvalue()


@pytest.mark.parametrize("shards", ["-3", "65"])
def test_the_command_refuses_a_shard_count_out_of_range(ops, shards):
    quarter = last_ended()
    get_period(quarter.code)
    nrr_plan(f"NRR-{quarter.fy.code}", quarter.fy.code, "E-SHARD")
    with pytest.raises(CommandError, match=f"--shards {shards} is no shard count: give 2 to 64"):
        call_command("calculate", quarter.code, "--shards", shards)
    assert not Run.objects.exists()


def test_calculating_a_quarter_not_started_says_when_it_starts_and_creates_none(ops):
    upcoming = under_way().next()
    nrr_plan(f"NRR-{upcoming.fy.code}", upcoming.fy.code, "E-SOON")
    start, _ = calendar().bounds(upcoming)
    with pytest.raises(CommandError) as refused:
        call_command("calculate", upcoming.code)
    assert str(refused.value) == (
        f"{upcoming.code} has not started (it starts {start:%Y-%m-%d}): a quarter is calculated from its "
        "first day on."
    )
    assert not Period.objects.filter(code=upcoming.code).exists() and not Run.objects.exists()


def test_a_stored_quarter_not_started_is_refused_as_a_conflict(ops):
    upcoming = get_period(under_way().next().code)
    plan = nrr_plan(f"NRR-{upcoming.fiscal_year}", upcoming.fiscal_year, "E-SOON")
    with pytest.raises(Conflict, match=f"{upcoming.code} has not started"):
        calculate(period=upcoming, plan=plan, user=ops)
    assert not Run.objects.exists()


def test_an_adoption_plan_under_way_without_a_pull_is_refused_as_a_conflict(ops):
    quarter = under_way()
    period = get_period(quarter.code)
    plan = assign_plan(make_user(Role.CSM, employee_id="E-NOW"), code="CS-NOW", fiscal_year=quarter.fy.code)
    with pytest.raises(Conflict, match=f"{quarter.code} is under way"):
        start_calculation(period=period, plan=plan, user=ops)
    assert not Run.objects.exists()


def test_reading_a_quarter_with_no_row_says_by_its_dates_why_nothing_is_stored(ops):
    upcoming, current, ended = under_way().next(), under_way(), last_ended().previous()
    for quarter in (upcoming, current, ended):
        Plan.objects.get_or_create(
            code=f"P-{quarter.fy.code}",
            defaults={"name": "p", "fiscal_year": quarter.fy.code, "currency": "USD"},
        )
    # Each says the way on too: the quarter's score pull creates its row (periods.how_a_quarter_starts).
    expected = {
        upcoming: f"{upcoming.code} has not started (it starts {calendar().bounds(upcoming)[0]:%Y-%m-%d}): "
        "nothing was pulled, calculated or filed for it yet. Pulling its scores creates it (the console's "
        f"Pull, pull_scores {upcoming.code} or POST /api/pulls/) from "
        f"{calendar().pull_date(upcoming):%Y-%m-%d}, the first day after it ends.",
        current: f"{current.code} is under way (it ends {calendar().bounds(current)[1]:%Y-%m-%d}): nothing "
        "was pulled, calculated or filed for it yet. Pulling its scores creates it (the console's Pull, "
        f"pull_scores {current.code} or POST /api/pulls/) from {calendar().pull_date(current):%Y-%m-%d}, "
        "the first day after it ends.",
        ended: f"There is no quarter {ended.code} yet: nothing was pulled, calculated or filed for it. "
        f"Pulling its scores creates it (the console's Pull, pull_scores {ended.code} or POST /api/pulls/), "
        f"for every plan of {ended.fy.code}, one without adoption too; then calculate it. "
        f"run_quarter_end {ended.code} does both.",
    }
    for quarter, message in expected.items():
        with pytest.raises(NotFound) as missing:
            find_period(quarter.code)
        assert missing.value.message == message
    assert not Period.objects.exists()


def test_the_command_refuses_an_empty_plan_code_rather_than_calculating_every_plan(ops):
    quarter = calendar().last_ended_before(timezone.localdate())
    assign_plan(make_user(Role.CSM, employee_id="E-EMPTY"), code="CS-EMPTY", fiscal_year=quarter.fy.code)
    get_period(quarter.code)
    with pytest.raises(CommandError, match="No plan named: give a plan's code, or none"):
        call_command("calculate", quarter.code, "--plan", "", "--user", ops.email)
    assert not Run.objects.exists()
