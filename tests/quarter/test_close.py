"""Quarter close and re-open (DESIGN §5 "Quarter close", §3 "Frozen and closed data")."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role
from commissions.models import KpiActual, Payout, Period, PeriodEvent, Plan, Run
from commissions.services.close import close_period, reopen_period
from commissions.services.imports import ImportRefused, import_file
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from core.errors import AttainError, NotAllowed, PeriodClosed
from tests.builders import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def calculated(worked):
    period = get_period("FY22-Q2")
    pull_scores(period=period)
    calculate(period=period, plan=Plan.objects.get(code="CS-FY22"))
    return period


def test_close_marks_latest_successful_run_final_and_records_who(calculated, ops):
    runs = close_period(period=calculated, user=ops)
    calculated.refresh_from_db()
    assert calculated.is_closed and calculated.closed_by == ops
    assert [r.version for r in runs] == [1] and Run.objects.get().is_final
    event = PeriodEvent.objects.get()
    assert event.action == "closed" and event.user == ops and event.final_runs[0]["version"] == 1


@pytest.mark.parametrize("role", [Role.CSM, Role.CCO, Role.FINANCE, Role.CSVP])
def test_only_ops_closes(calculated, role):
    with pytest.raises(NotAllowed, match="closing a quarter needs the ops role"):
        close_period(period=calculated, user=make_user(role))
    assert not Period.objects.get(pk=calculated.pk).is_closed


def test_close_refuses_without_a_successful_run_of_every_plan(worked, ops):
    period = get_period("FY22-Q2")
    with pytest.raises(AttainError, match="no successful run of CS-FY22"):
        close_period(period=period, user=ops)


def test_closed_quarter_refuses_pull_calculate_and_second_close(calculated, ops):
    close_period(period=calculated, user=ops)
    with pytest.raises(PeriodClosed, match="FY22-Q2 is closed: cannot pull scores"):
        pull_scores(period=calculated)
    with pytest.raises(PeriodClosed, match="cannot calculate CS-FY22"):
        calculate(period=calculated, plan=Plan.objects.get())
    with pytest.raises(PeriodClosed, match="already closed"):
        close_period(period=calculated, user=ops)


def test_closed_quarter_refuses_imports_that_change_its_kpis_fx_and_deals(calculated, ops, csv_file):
    close_period(period=calculated, user=ops)
    with pytest.raises(ImportRefused) as caught:
        import_file(kind="kpis", path=csv_file("period,employee_id,kpi,value\nFY22-Q2,E1,prs,20\n"))
    assert [(e.line, e.column, e.reason.split(":")[0]) for e in caught.value.errors] == [
        (2, "period", "FY22-Q2 is closed")
    ]
    with pytest.raises(ImportRefused, match="FY22-Q2 is closed"):
        import_file(kind="fx", path=csv_file("period,currency,rate\nFY22-Q2,EUR,1.2\n"))
    deal = "deal_id,customer_id,type,arr_delta,currency,booked_on,effective_on\n{}\n"
    with pytest.raises(
        ImportRefused,
        match=r"a deal dated in a closed quarter \(booked or effective\) cannot change: FY22-Q2 is closed",
    ):
        import_file(kind="deals", path=csv_file(deal.format("D2,C1,churn,-100,USD,2021-07-01,2021-09-01")))
    # The same deal unchanged is no change at all; a deal of an open quarter still imports.
    unchanged = import_file(
        kind="deals", path=csv_file(deal.format("D1,C2,expansion,7500,USD,2021-06-01,2021-06-01"))
    )
    assert unchanged.unchanged == 1
    assert (
        import_file(
            kind="deals", path=csv_file(deal.format("D3,C1,churn,-5,USD,2021-08-02,2021-08-02"))
        ).created
        == 1
    )
    assert KpiActual.objects.get().value == 12


def test_reopen_needs_a_reason_is_recorded_and_keeps_the_closed_run(calculated, ops):
    close_period(period=calculated, user=ops)
    with pytest.raises(AttainError, match="needs a reason"):
        reopen_period(period=calculated, user=ops, reason="")
    reopen_period(period=calculated, user=ops, reason="KPI feed was late for EMEA")
    assert not Period.objects.get(pk=calculated.pk).is_closed
    event = PeriodEvent.objects.filter(action="reopened").get()
    assert event.reason == "KPI feed was late for EMEA" and event.user == ops
    run = Run.objects.get()
    assert run.is_final and run.status == "succeeded"
    assert str(Payout.objects.get(run=run).amount) == "2333.33"


def test_close_command_refuses_unknown_user_and_prints_reason(calculated):
    with pytest.raises(CommandError, match="No user with e-mail nobody@example.com"):
        call_command("close_period", "FY22-Q2", "--user", "nobody@example.com", stdout=StringIO())


def test_export_refuses_an_open_quarter(calculated):
    with pytest.raises(CommandError, match="FY22-Q2 is not closed"):
        call_command("export_payouts", "FY22-Q2", stdout=StringIO())
