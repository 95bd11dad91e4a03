"""A plan's credit dates cannot change once a closed quarter of another plan dated its CSMs' deals by them
(DESIGN §3 "Plans": the plan a CSM was on at a deal's earlier date decides its credit date, for every plan
of theirs; commissions/services/plans/crediting.py).

The worked example: E1 on CS-FY22 (every type by booking date), owning C1; from FY23's first day on
T-FY23, which credits expansions by effective date. X9, an expansion booked 2022-01-20 (FY22-Q4) and
effective 2022-02-01 (FY23-Q1), is CS-FY22's to date: FY23-Q1 left it out. FY23-Q1 is then closed."""

import pytest

from commissions.models import Plan
from commissions.services.plans import load_plan, upsert_plan
from core.errors import PeriodClosed
from tests.quarter.conftest import load_worked_example
from tests.trueups.conftest import import_rows

from .test_credit_across_years_runs import HEADER, cco, fy23_plan  # noqa: F401 (cco: a fixture)
from .test_load_plan import calculate_and_close


@pytest.fixture
def closed_fy23_q1(cco, tmp_path):  # noqa: F811
    load_worked_example(cco)
    import_rows("deals", HEADER + "X9,C1,expansion,8000,USD,2022-01-20,2022-02-01\n", tmp_path)
    plan = fy23_plan("{expansion: effective}")
    calculate_and_close("FY23-Q1", plan)
    return plan


def cs_fy22(extra: str = "") -> str:
    return Plan.objects.get(code="CS-FY22").source + extra


@pytest.mark.django_db
def test_credit_dates_a_closed_quarter_of_the_next_year_read_cannot_change(closed_fy23_q1):
    with pytest.raises(PeriodClosed) as refused:
        load_plan(source=cs_fy22("credit_date_by_type: {expansion: effective}\n"))

    assert str(refused.value).startswith(
        "CS-FY22 cannot change its credit dates: closed quarters of other plans dated their CSMs' deals by "
        "them (FY23-Q1 of T-FY23;"
    )
    assert Plan.objects.get(code="CS-FY22").credit_date_by_type == {}


@pytest.mark.django_db
def test_a_change_the_closed_quarter_did_not_read_is_allowed(closed_fy23_q1):
    # Renewals: no deal of E1's was dated across the years by them, and both plans credit them alike.
    assert upsert_plan(source=cs_fy22().replace("goal: 1.10", "goal: 1.20")).status == "updated"
    assert upsert_plan(source=cs_fy22("credit_date_by_type: {renewal: effective}\n")).status == "updated"


@pytest.mark.django_db
def test_the_admin_refuses_a_credit_date_a_closed_quarter_of_another_plan_read(closed_fy23_q1, admin_client):
    from .admin_forms import plan_form

    plan = Plan.objects.get(code="CS-FY22")

    response = admin_client.post(
        f"/admin/commissions/plan/{plan.pk}/change/", plan_form(plan, credit_date="effective")
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "CS-FY22 cannot change its credit dates" in page
    assert "The change moves renewal deals from booked to effective date; expansion deals from" in page
    assert Plan.objects.get(pk=plan.pk).credit_date == "booked"
