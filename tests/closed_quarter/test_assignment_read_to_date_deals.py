"""A closed quarter reads the assignments that date its CSMs' deals (DESIGN §3 "Plans" and "Frozen and
closed data"; commissions/closed.py): the plan a CSM was on at a deal's earlier date decides its credit
date, so an assignment to a plan of the quarter's year, or of the year before, that credits some deal type
by another date than the CSM's plan in the closed quarter cannot be added or changed — the closed quarter
would credit their deals otherwise, and nobody would pay the difference. An assignment counts within its
plan's fiscal year only: one to last year's plan overlaps no quarter of this year.

The worked example: FY22-Q2 (2021-05-01 … 07-31) closed, E1 on CS-FY22 (every type by booking date)."""

import pytest

from commissions.closed import refusal_for
from commissions.models import Assignment, Plan
from commissions.services.imports import ImportRefused, import_file
from commissions.services.plans import load_plan

HEADER = "employee_id,plan,start_date,end_date,on_target_amount,nrr_goal,kpi_goal\n"
REFUSED = (
    "FY22-Q2 is closed: assignments that overlap it or date its deals cannot change (ops may re-open it, "
    "with a reason)"
)


def fy21_plan(code: str, rules: str) -> Plan:
    return load_plan(
        source=(
            f"code: {code}\nname: {code}\nfiscal_year: FY21\ncurrency: USD\ncredit_date_by_type: {rules}\n"
            "components:\n  - {code: NRR, metric: nrr, weight: 1, goal: 1.10}\n"
        )
    )


def imported(ops, tmp_path, row: str):
    path = tmp_path / "assignments.csv"
    path.write_text(HEADER + row + "\n", encoding="utf-8")
    return import_file(kind="assignments", path=path, user=ops)


@pytest.mark.django_db
def test_last_years_assignment_dating_a_closed_quarters_deals_otherwise_is_refused(closed, ops, tmp_path):
    # T-OLD credits renewals by effective date: with E1 on it until 2021-01-31, a renewal booked then and
    # effective in FY22-Q2 would count there — a change to what the closed quarter paid.
    fy21_plan("T-OLD", "{renewal: effective}")

    with pytest.raises(ImportRefused) as refused:
        imported(ops, tmp_path, "E1,T-OLD,2020-11-01,2021-01-31,1000.00,,")

    assert REFUSED in str(refused.value.errors[0])
    assert not Assignment.objects.filter(plan__code="T-OLD").exists()


@pytest.mark.django_db
def test_last_years_assignment_of_a_plan_that_dates_deals_alike_is_allowed(closed, ops, tmp_path):
    fy21_plan("T-SAME", "{}")  # every type by booking date, as CS-FY22

    imported(ops, tmp_path, "E1,T-SAME,2020-11-01,2021-01-31,1000.00,,")

    assert Assignment.objects.filter(plan__code="T-SAME", employee__employee_id="E1").exists()


@pytest.mark.django_db
def test_an_open_ended_assignment_to_last_years_plan_overlaps_no_quarter_of_this_year(closed, ops, tmp_path):
    # E77, on no plan of FY22: their FY21 assignment without an end is read by no FY22 quarter.
    from accounts.models import Role
    from tests.builders import make_user

    make_user(Role.CSM, employee_id="E77", email="e77@example.com")
    plan = fy21_plan("T-OLD", "{renewal: effective}")

    imported(ops, tmp_path, "E77,T-OLD,2020-11-01,,1000.00,,")

    stored = Assignment.objects.get(plan=plan)
    stored.on_target_amount = "1200.00"
    assert refusal_for(stored) is None


@pytest.mark.django_db
def test_ending_last_years_open_assignment_on_its_years_last_day_changes_nothing_read(closed, ops, tmp_path):
    # Stored before FY22-Q2 closed: E1 on T-OLD (FY21) without an end. Its days count within FY21 only,
    # so ending it on FY21's last day, or later, changes nothing FY22-Q2 read; ending it earlier does.
    from datetime import date

    from accounts.models import User

    plan = fy21_plan("T-OLD", "{renewal: effective}")
    e1 = User.objects.get(employee_id="E1")
    Assignment.objects.create(
        employee=e1, plan=plan, start_date=date(2020, 11, 1), on_target_amount="1000.00"
    )

    imported(ops, tmp_path, "E1,T-OLD,2020-11-01,2021-01-31,1000.00,,")
    imported(ops, tmp_path, "E1,T-OLD,2020-11-01,2021-06-30,1000.00,,")

    assert Assignment.objects.get(plan=plan).end_date == date(2021, 6, 30)
    with pytest.raises(ImportRefused) as refused:
        imported(ops, tmp_path, "E1,T-OLD,2020-11-01,2020-12-31,1000.00,,")
    assert "end_date is stored as 2021-06-30" in str(refused.value.errors[0])


@pytest.mark.django_db
def test_a_refused_change_of_plan_names_the_plans_not_their_keys(closed, ops):
    stored = Assignment.objects.get(employee__employee_id="E1", plan__code="CS-FY22")
    other = fy21_plan("T-OLD", "{}")
    stored.plan = Plan.objects.get(pk=other.pk)

    said = refusal_for(stored)

    assert (
        "; plan is stored as CS-FY22 (FY22, USD), read by FY22-Q2, and cannot become T-OLD (FY21, USD)"
        in said
    )
