"""PostgreSQL triggers keep a closed quarter's runs, results, payouts, pulls and period row as they were,
raw SQL included; re-open is the only way back (commissions/frozen.py, DESIGN §5 "Quarter close")."""

import pytest
from django.db import DatabaseError, connection, transaction

from commissions.models import (
    ComponentResult,
    CustomerResult,
    Payout,
    Period,
    PeriodEvent,
    Plan,
    PulledScore,
    Run,
    ScorePull,
)
from commissions.services.close import close_period, reopen_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "the closed-quarter triggers are PostgreSQL only (SQLite relies on the services and admin)"
        )


def execute(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def refused(sql: str, params=()) -> str:
    with pytest.raises(DatabaseError) as caught:
        execute(sql, params)
    return str(caught.value)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE commissions_payout SET amount = amount * 2",
        "DELETE FROM commissions_payout",
        "UPDATE commissions_componentresult SET payout = 0",
        "DELETE FROM commissions_componentresult",
        "UPDATE commissions_customerresult SET r = 1",
        "DELETE FROM commissions_customerresult",
        "UPDATE commissions_run SET is_final = false",
        "DELETE FROM commissions_run",
        "UPDATE commissions_pulledscore SET score = 100",
        "DELETE FROM commissions_pulledscore",
        "UPDATE commissions_scorepull SET customers = 0",
        "DELETE FROM commissions_scorepull",
    ],
)
def test_raw_sql_cannot_change_a_closed_quarters_runs_results_payouts_or_pulls(closed, sql):
    assert "quarter is closed" in refused(sql)


def test_orm_updates_are_refused_too(closed):
    with pytest.raises(DatabaseError, match="quarter is closed"), transaction.atomic():
        Payout.objects.update(amount=0)
    assert str(Payout.objects.get().amount) == "2333.33"


def test_closed_period_row_changes_only_through_reopen(closed):
    assert "only its re-open" in refused(
        "UPDATE commissions_period SET status = 'open', closed_at = NULL, closed_by_id = NULL"
    )
    assert "only its re-open" in refused("UPDATE commissions_period SET closed_at = now()")
    assert "only its re-open" in refused("DELETE FROM commissions_period")
    # The setting alone does not close-edit: it lets the period be re-opened, nothing else.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('attain.reopen', 'on', true)")
        cursor.execute("UPDATE commissions_period SET closed_at = now()")


def test_reopen_is_recorded_and_then_the_rows_change_again(closed, ops):
    reopen_period(period=closed, user=ops, reason="KPI feed was late for EMEA")
    assert PeriodEvent.objects.filter(
        action="reopened", user=ops, reason="KPI feed was late for EMEA"
    ).exists()
    execute("UPDATE commissions_payout SET amount = 1")
    execute("UPDATE commissions_pulledscore SET score = 1")
    assert str(Payout.objects.get().amount) == "1.00"


def test_reopen_leaves_no_door_open_for_the_rest_of_its_transaction(closed, ops):
    # Tests run in one transaction: re-open, close again, and the period row is frozen again.
    reopen_period(period=closed, user=ops, reason="KPI feed was late for EMEA")
    close_period(period=closed, user=ops)
    assert "only its re-open" in refused("UPDATE commissions_period SET status = 'open'")


def test_closing_still_marks_runs_final_and_a_second_close_replaces_the_final_run(closed, ops):
    reopen_period(period=closed, user=ops, reason="A late deal changes the NRR")
    execute("UPDATE adoption_arrrecord SET arr = arr + 1 WHERE as_of = '2021-04-01'")
    pull_scores(period=closed, user=ops)
    calculate(period=closed, plan=Plan.objects.get(code="CS-FY22"))
    close_period(period=closed, user=ops)
    assert list(Run.objects.order_by("version").values_list("version", "is_final")) == [(1, False), (2, True)]
    assert Period.objects.get(pk=closed.pk).is_closed
    assert "quarter is closed" in refused("UPDATE commissions_run SET is_final = true WHERE version = 1")


def test_rows_of_an_open_quarter_are_not_frozen(closed):
    assert CustomerResult.objects.exists() and ComponentResult.objects.exists()
    assert ScorePull.objects.count() == 1 and PulledScore.objects.exists()
    Period.objects.create(code="FY22-Q3", start="2021-08-01", end="2021-10-31")
    execute("UPDATE commissions_period SET status = 'open' WHERE code = 'FY22-Q3'")
