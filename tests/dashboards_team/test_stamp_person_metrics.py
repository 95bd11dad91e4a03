"""A cached projection follows the imported person metrics its plan's escalators read (docs/design.md
§11.2; dashboards/stamp.py): a changed ``PersonMetric`` changes the inputs stamp, whichever way it is
written, so the dashboards never show a projection computed from the metric's old value.

CS-ESC (FY22, USD) pays E1 (OTI 3000.00 a quarter) on two imported KPIs of weight 1: PRS (goal 10) and
QBRS (goal 10, cap 1.0); its escalator quality multiplies QBRS by 1.10 when E1's data_quality in FY22-Q2
averages at least 95. E1 reaches both goals: 1500.00 + 1500.00, QBRS escalated to 1650.00 while the mean
of her rows 94.5 and 95.5 is 95.0; with 95.5 lowered to 95.4999 the mean is 94.99995 and QBRS is 1500.00.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection

from accounts.models import Role
from commissions.models import KpiActual, PersonMetric
from commissions.services.periods import get_period
from commissions.services.plans import load_plan
from dashboards import stamp
from dashboards.projection import project
from tests.builders import make_user

pytestmark = pytest.mark.django_db
D = Decimal

PLAN = """\
code: CS-ESC
name: Escalated
fiscal_year: FY22
currency: USD
components:
  - {code: PRS, metric: kpi, kpi: prs, weight: 1, goal: 10}
  - {code: QBRS, metric: kpi, kpi: qbrs, weight: 1, goal: 10, cap: 1.0}
escalators:
  - {code: quality, metric: data_quality, at_least: 95, multiplier: 1.10, applies_to: QBRS}
"""


@pytest.fixture
def e1():
    cache.clear()  # no projection of an earlier test is served
    e1 = make_user(Role.CSM, employee_id="E1", name="Erin One")
    plan = load_plan(source=PLAN)
    plan.assignments.create(employee=e1, start_date=date(2021, 2, 1), on_target_amount=D("3000.00"))
    KpiActual.objects.create(period="FY22-Q2", employee=e1, kpi="prs", value=10)
    KpiActual.objects.create(period="FY22-Q2", employee=e1, kpi="qbrs", value=15)
    for day, value in ((date(2021, 5, 1), "94.5"), (date(2021, 6, 1), "95.5")):
        PersonMetric.objects.create(employee=e1, date=day, metric="data_quality", period="month", value=value)
    return e1


def qbrs(e1) -> Decimal:
    """QBRS's projected payout of E1 in FY22-Q2, through the cache."""
    (projection,) = project(get_period("FY22-Q2"), [e1.pk])
    lines = projection.result.components
    return D(str(lines[lines["component"] == "QBRS"]["payout"].iloc[0]))


def test_the_person_metrics_table_is_an_input_of_the_stamp():
    assert (PersonMetric._meta.db_table, None) in stamp.input_tables()


def test_a_metric_changed_through_the_orm_shows_at_once(e1):
    assert qbrs(e1) == D("1650.00")
    first = stamp.inputs_stamp()
    assert qbrs(e1) == D("1650.00") and stamp.inputs_stamp() == first  # served from the cache

    row = PersonMetric.objects.get(date=date(2021, 6, 1))
    row.value = D("95.4999")
    row.save()

    assert stamp.inputs_stamp() != first
    assert qbrs(e1) == D("1500.00")


def test_a_metric_changed_with_a_bulk_update_shows_at_once(e1):
    assert qbrs(e1) == D("1650.00")
    PersonMetric.objects.filter(date=date(2021, 6, 1)).update(value=D("95.4999"))
    assert qbrs(e1) == D("1500.00")


def test_a_metric_changed_with_raw_sql_shows_at_once(e1):
    # An operator fixing a row in psql, below the ORM: the database trigger still stamps it.
    assert qbrs(e1) == D("1650.00")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {PersonMetric._meta.db_table} SET value = %s WHERE date = %s",  # noqa: S608
            [D("95.4999"), date(2021, 6, 1)],
        )
    assert qbrs(e1) == D("1500.00")


def test_a_metric_row_deleted_or_imported_shows_at_once(e1):
    assert qbrs(e1) == D("1650.00")
    PersonMetric.objects.filter(date=date(2021, 6, 1)).delete()  # 94.5 alone: below the bar
    assert qbrs(e1) == D("1500.00")
    PersonMetric.objects.create(employee=e1, date=date(2021, 7, 1), metric="data_quality", value=D(100))
    assert qbrs(e1) == D("1650.00")  # mean of 94.5 and 100 = 97.25
