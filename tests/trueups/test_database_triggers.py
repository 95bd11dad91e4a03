"""PostgreSQL triggers keep what a closed quarter paid as it was, raw SQL included (issue 14): its payable
lines, the true-ups paid in it, and an applied correction never change (commissions/frozen.py)."""

import pytest
from django.db import DatabaseError, connection, transaction

from commissions.models import PayoutLine, TrueUp
from commissions.services.corrections import apply_correction, record_correction

from .conftest import close_quarter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the closed-quarter triggers are PostgreSQL only (SQLite relies on the services)")


def refused(sql: str, params=()) -> str:
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(caught.value)


@pytest.fixture
def paid(closed_q2, ops):
    correction = record_correction(
        period=closed_q2,
        kind="adjustment",
        rows=[{"customer_id": "C1", "kind": "exception", "value": "1"}],
        reason="year-end exception for C1",
        user=ops,
    )
    apply_correction(correction=correction, user=ops)
    close_quarter("FY22-Q3", ops)
    return correction


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE commissions_payoutline SET amount = amount * 2",
        "DELETE FROM commissions_payoutline",
        "UPDATE commissions_trueup SET amount = 1",
        "DELETE FROM commissions_trueup",
        "UPDATE commissions_correction SET reason = 'changed afterwards'",
        "DELETE FROM commissions_correction",
    ],
)
def test_what_a_closed_quarter_paid_cannot_change_below_the_orm(paid, sql):
    assert "quarter is closed" in refused(sql)
    assert PayoutLine.objects.filter(period__code="FY22-Q3").count() == 2


def test_no_true_up_is_written_into_a_closed_quarter(paid):
    trueup = TrueUp.objects.get()
    columns = "correction_id, restatement_id, restates_id, paid_in_id, plan_id, employee_id"
    assert "quarter is closed" in refused(
        f"INSERT INTO commissions_trueup ({columns}, component, amount, currency, created_at) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s, %s, 'KPI', 1, 'USD', NOW())",
        [
            trueup.correction_id,
            trueup.restatement_id,
            trueup.restates_id,
            trueup.paid_in_id,
            trueup.plan_id,
            trueup.employee_id,
        ],
    )
