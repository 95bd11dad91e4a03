"""Issue 14, RULES "Holds": a held line (CSM and plan of a quarter) is left out of the payroll export
until released; the true-ups of a held quarter are held with it; holds survive recalculation; a release
is paid in the quarter open when it is released, as a hold release line."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Role, User
from commissions.models import Hold, Plan
from commissions.services.corrections import apply_correction, record_correction
from commissions.services.holds import held_amount, hold_line, release_hold
from commissions.services.ledger import lines_of
from commissions.services.periods import get_period
from commissions.services.runs import calculate
from core.errors import AttainError, NotAllowed
from tests.builders import make_user, sign_off

from .conftest import close_quarter, import_rows


def export(code: str) -> list[str]:
    out = StringIO()
    call_command("export_payouts", code, stdout=out)
    return out.getvalue().splitlines()[1:]


@pytest.fixture
def held_q2(closed_q2, ops):
    e1, plan = User.objects.get(employee_id="E1"), Plan.objects.get(code="CS-FY22")
    return hold_line(period=closed_q2, employee=e1, plan=plan, reason="payout disputed by the CSM", user=ops)


@pytest.mark.django_db
def test_a_held_line_is_left_out_of_the_payroll_export_until_released(held_q2, ops):
    assert export("FY22-Q2") == []
    assert [line.held for line in lines_of(held_q2.period)] == [True]


@pytest.mark.django_db
def test_true_ups_of_a_held_quarter_are_held_with_it_and_a_release_pays_all_in_the_open_quarter(held_q2, ops):
    correction = record_correction(
        period=held_q2.period,
        kind="adjustment",
        rows=[{"customer_id": "C1", "kind": "exception", "value": "1"}],
        reason="year-end exception for C1",
        user=ops,
    )
    apply_correction(correction=correction, user=ops)
    q3 = close_quarter("FY22-Q3", ops)
    assert [(line.type, line.held) for line in lines_of(q3)] == [("commission", False), ("true-up", True)]
    assert all(",true-up," not in row for row in export("FY22-Q3"))

    get_period("FY22-Q4")
    released = release_hold(hold=held_q2, user=ops, reason="dispute settled")
    assert released.released_in.code == "FY22-Q4"
    assert released.released_amount == Decimal("2333.33") + Decimal("166.67")
    assert export("FY22-Q2") == []  # paid by the release, never twice
    q4 = close_quarter("FY22-Q4", ops)
    assert ("hold release", Decimal("2500.00")) in [(line.type, line.amount) for line in lines_of(q4)]


@pytest.mark.django_db
def test_a_hold_survives_recalculation_of_its_open_quarter(worked, ops, tmp_path):
    q2 = get_period("FY22-Q2")
    from commissions.services.pulls import pull_scores

    pull_scores(period=q2, user=ops)
    plan = Plan.objects.get(code="CS-FY22")
    calculate(period=q2, plan=plan, user=ops)
    hold_line(
        period=q2,
        employee=User.objects.get(employee_id="E1"),
        plan=plan,
        reason="leaver: final pay check",
        user=ops,
    )
    import_rows("kpis", "period,employee_id,kpi,value\nFY22-Q2,E1,prs,11\n", tmp_path)
    calculate(period=q2, plan=plan, user=ops)
    from commissions.services.close import close_period

    close_period(period=q2, user=ops)
    sign_off(q2)  # the export waits for finance's sign-off (DESIGN §5)
    assert export("FY22-Q2") == []


@pytest.mark.django_db
def test_only_ops_or_finance_hold_and_a_line_is_held_once(held_q2, closed_q2):
    csm = make_user(Role.CSM, email="someone@example.com")
    e1, plan = User.objects.get(employee_id="E1"), Plan.objects.get(code="CS-FY22")
    with pytest.raises(NotAllowed):
        hold_line(period=closed_q2, employee=e1, plan=plan, reason="not my call to make", user=csm)
    finance = make_user(Role.FINANCE, email="finance@example.com")
    with pytest.raises(AttainError, match="already held"):
        hold_line(period=closed_q2, employee=e1, plan=plan, reason="a second hold on it", user=finance)


@pytest.mark.django_db
def test_a_quarter_whose_payroll_was_exported_is_not_held_since_its_lines_may_be_paid(closed_q2, ops):
    export("FY22-Q2")
    e1, plan = User.objects.get(employee_id="E1"), Plan.objects.get(code="CS-FY22")
    with pytest.raises(
        AttainError, match="FY22-Q2's payroll was exported on .* by a command: its lines may have"
    ):
        hold_line(period=closed_q2, employee=e1, plan=plan, reason="leaver after the payroll ran", user=ops)


@pytest.mark.django_db
def test_a_true_up_in_a_quarter_exported_before_the_hold_stays_paid_there_not_at_the_release(closed_q2, ops):
    e1, plan = User.objects.get(employee_id="E1"), Plan.objects.get(code="CS-FY22")
    correction = record_correction(
        period=closed_q2,
        kind="adjustment",
        rows=[{"customer_id": "C1", "kind": "exception", "value": "1"}],
        reason="year-end exception for C1",
        user=ops,
    )
    apply_correction(correction=correction, user=ops)
    close_quarter("FY22-Q3", ops)
    assert any(",true-up," in row for row in export("FY22-Q3"))  # paid with FY22-Q3's payroll
    get_period("FY22-Q4")
    q2_hold = Hold.objects.create(
        period=closed_q2, employee=e1, plan=plan, reason="late dispute on Q2", held_by=ops
    )
    assert held_amount(q2_hold) == Decimal("2333.33")  # Q2's own line; the true-up left with FY22-Q3


@pytest.mark.django_db
def test_a_line_of_a_plan_the_csm_is_not_on_is_not_held(worked, ops):
    q2 = get_period("FY22-Q2")
    other = Plan.objects.create(code="CS-NRR-FY22", name="NRR only", fiscal_year="FY22", currency="USD")
    with pytest.raises(AttainError, match="E1 has no CS-NRR-FY22 line in FY22-Q2"):
        hold_line(
            period=q2,
            employee=User.objects.get(employee_id="E1"),
            plan=other,
            reason="a pay dispute",
            user=ops,
        )


@pytest.mark.django_db
def test_a_line_of_a_plan_of_another_year_is_refused_with_the_one_sentence(worked, ops):
    q2 = get_period("FY22-Q2")
    later = Plan.objects.create(code="CS-FY23", name="FY23", fiscal_year="FY23", currency="USD")
    with pytest.raises(AttainError, match="^CS-FY23 is a plan of FY23: FY22-Q2 is not one of its quarters.$"):
        hold_line(
            period=q2,
            employee=User.objects.get(employee_id="E1"),
            plan=later,
            reason="a pay dispute",
            user=ops,
        )
    assert not Hold.objects.exists()


@pytest.mark.django_db
def test_a_reason_with_a_control_character_is_refused(worked, ops):
    q2 = get_period("FY22-Q2")
    e1, plan = User.objects.get(employee_id="E1"), Plan.objects.get(code="CS-FY22")
    with pytest.raises(AttainError, match="control character U\\+001B"):
        hold_line(period=q2, employee=e1, plan=plan, reason="dispute \x1b[31m red", user=ops)
