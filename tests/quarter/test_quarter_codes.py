"""A quarter comes into being only when a plan of its fiscal year exists; commands that act on a quarter
never create one; a quarter is closed only after its last day (DESIGN §2, §5)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from commissions.models import Period, Plan, Run
from commissions.services import quarter_end
from commissions.services.close import close_period
from commissions.services.periods import find_period, get_period, open_period_for_writing
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from core.errors import AttainError, NotFound

pytestmark = pytest.mark.django_db

NO_PLAN = r"No plan covers {} \(plans exist for FY22\)"


def pin_today(monkeypatch, day: date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def test_a_quarter_of_a_planned_fiscal_year_comes_into_being_for_writing(worked):
    period = open_period_for_writing("FY22-Q3")
    assert (period.code, period.start, period.end) == ("FY22-Q3", date(2021, 8, 1), date(2021, 10, 31))


def test_a_quarter_no_plan_covers_is_refused_and_not_created(worked):
    Plan.objects.create(code="CS-FY27", name="FY27 plan", fiscal_year="FY27", currency="USD")
    with pytest.raises(AttainError, match=r"No plan covers FY99-Q4 \(plans exist for FY22, FY27\)"):
        open_period_for_writing("FY99-Q4")
    assert not Period.objects.filter(code="FY99-Q4").exists()


def test_without_any_plan_the_refusal_says_so(db):
    with pytest.raises(AttainError, match=r"No plan covers FY99-Q4 \(no plan is loaded yet\)"):
        open_period_for_writing("FY99-Q4")


def test_an_existing_quarter_is_returned_even_without_a_plan(db):
    stored = get_period("FY22-Q2")  # a builder's quarter
    assert open_period_for_writing("FY22-Q2") == stored


def test_reading_an_unplanned_quarter_names_the_missing_plan(worked):
    with pytest.raises(NotFound, match=NO_PLAN.format("FY94-Q1")):
        find_period("FY94-Q1")


@pytest.mark.parametrize(
    ("command", "code", "args"),
    [
        ("calculate", "FY94-Q1", []),
        ("close_period", "FY94-Q3", ["--user", "ops@example.com"]),
        ("reopen_period", "FY94-Q4", ["--user", "ops@example.com", "--reason", "a long enough reason"]),
        ("export_payouts", "FY93-Q1", ["--user", "ops@example.com"]),
        ("run_quarter_end", "FY93-Q2", []),
        ("pull_scores", "FY93-Q3", []),
    ],
)
def test_commands_refuse_an_unplanned_quarter_and_create_none(worked, ops, command, code, args):
    with pytest.raises(CommandError, match=NO_PLAN.format(code)):
        call_command(command, code, *args)
    assert not Period.objects.filter(code=code).exists()


@pytest.mark.parametrize("command", ["calculate", "close_period", "export_payouts"])
def test_commands_that_act_on_a_quarter_never_create_it(worked, ops, command):
    args = [] if command == "calculate" else ["--user", "ops@example.com"]
    with pytest.raises(CommandError, match="There is no quarter FY22-Q3 yet"):
        call_command(command, "FY22-Q3", *args)
    assert not Period.objects.filter(code="FY22-Q3").exists()


def test_quarter_end_job_of_an_unplanned_quarter_is_refused_not_completed(worked):
    with pytest.raises(AttainError, match=NO_PLAN.format("FY93-Q2")):
        quarter_end.run_quarter_end(period_code="FY93-Q2")
    with pytest.raises(AttainError, match=NO_PLAN.format("FY93-Q2")):
        quarter_end.enqueue("FY93-Q2")
    assert not Period.objects.filter(code="FY93-Q2").exists()


def test_a_quarter_is_not_closed_before_its_last_day_has_passed(worked, ops, monkeypatch):
    period = get_period("FY22-Q2")
    pull_scores(period=period)
    calculate(period=period, plan=Plan.objects.get(code="CS-FY22"))
    for today in (date(2021, 6, 15), date(2021, 7, 31)):
        pin_today(monkeypatch, today)
        with pytest.raises(AttainError, match="FY22-Q2 ends 2021-07-31: it can be closed from 2021-08-01"):
            close_period(period=period, user=ops)
        assert not Period.objects.get(pk=period.pk).is_closed
    pin_today(monkeypatch, date(2021, 8, 1))
    assert [run.version for run in close_period(period=period, user=ops)] == [1]


def test_the_quarter_under_way_is_refused_by_the_close_command(ops, monkeypatch):
    pin_today(monkeypatch, date(2026, 11, 30))
    Plan.objects.create(code="CS-FY27", name="FY27 plan", fiscal_year="FY27", currency="USD")
    period = get_period("FY27-Q4")
    Run.objects.create(plan=Plan.objects.get(), period=period, version=1, status=Run.Status.SUCCEEDED)
    with pytest.raises(CommandError, match="FY27-Q4 ends 2027-01-31: it can be closed from 2027-02-01"):
        call_command("close_period", "FY27-Q4", "--user", "ops@example.com")
    assert not Period.objects.get(pk=period.pk).is_closed
    assert Decimal(0) == Decimal(Run.objects.filter(is_final=True).count())
