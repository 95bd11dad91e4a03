"""DESIGN §3 "Plans", credit dates per deal type around a move between plans within a fiscal year: a CSM
who leaves one plan for another mid-year has a deal dated before and after the move credited once — the
plan they were on at its earlier date decides, as across a fiscal-year boundary.

The worked example (DESIGN §4): E1 on CS-FY22 (credit_date booked), owning C1; here E1 leaves CS-FY22 on
2021-07-31 for T-MOVE from 2021-08-01. FY22-Q2 is 2021-05-01 … 2021-07-31, FY22-Q3 2021-08-01 … 10-31."""

import html
from datetime import date, timedelta

import pytest

from accounts.models import Role, User
from commissions.engine import calculate_quarter
from commissions.loaders import fingerprint, load_quarter
from commissions.models import Assignment, Plan
from commissions.services.periods import get_period
from commissions.services.plans import load_plan
from tests.builders import make_user
from tests.quarter.conftest import load_worked_example
from tests.trueups.conftest import import_rows

HEADER = "deal_id,customer_id,type,arr_delta,currency,booked_on,effective_on\n"
AROUND_THE_MOVE = (
    "X7,C1,expansion,8000,USD,2021-07-20,2021-08-10\nR7,C1,renewal,5000,USD,2021-07-21,2021-08-11\n"
)


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, email="cco@example.com")


def moved_to(rules: str, on: date = date(2021, 8, 1)) -> Plan:
    """E1 leaves CS-FY22 the day before ``on`` for T-MOVE (FY22, NRR only, ``credit_date_by_type``
    ``rules``), from ``on``."""
    plan = load_plan(
        source=(
            "code: T-MOVE\nname: T move\nfiscal_year: FY22\ncurrency: USD\n"
            f"credit_date_by_type: {rules}\n"
            "components:\n  - {code: NRR, metric: nrr, weight: 1, goal: 1.10}\n"
        )
    )
    e1 = User.objects.get(employee_id="E1")
    Assignment.objects.filter(employee=e1, plan__code="CS-FY22").update(end_date=on - timedelta(days=1))
    Assignment.objects.create(employee=e1, plan=plan, start_date=on, on_target_amount="1000.00")
    return plan


def credited(plan: Plan, code: str):
    return calculate_quarter(load_quarter(plan=plan, period=get_period(code), pull=None))


@pytest.mark.django_db
def test_an_expansion_credited_by_the_plan_left_is_not_credited_again_by_the_plan_joined(cco, tmp_path):
    load_worked_example(cco)
    import_rows("deals", HEADER + AROUND_THE_MOVE, tmp_path)
    plan = moved_to("{expansion: effective}")
    before = credited(Plan.objects.get(code="CS-FY22"), "FY22-Q2")
    assert {"R7", "X7"} <= set(before.deals["deal_id"])  # CS-FY22 credits both when booked, in FY22-Q2

    after = credited(plan, "FY22-Q3")

    assert "X7" not in set(after.deals["deal_id"])
    [warning] = [w for w in after.warnings if w.code == "credit_across_plans"]
    assert warning.message == (
        "Deal X7 (expansion, booked 2021-07-20, effective 2021-08-10) of E1: on 2021-07-20, its earlier "
        "date, E1 was on CS-FY22, not on T-MOVE. CS-FY22 credits expansion deals by booked date, T-MOVE by "
        "effective date; CS-FY22 decides which date credits it for every plan of E1's, so it counts in one "
        "quarter only: left out of FY22-Q3: it counts in the quarter of its booked date, 2021-07-20 (before "
        "FY22-Q3)."
    )


@pytest.mark.django_db
def test_a_renewal_neither_plan_would_credit_is_credited_once_by_the_plan_joined(cco, tmp_path):
    load_worked_example(cco)
    import_rows("deals", HEADER + AROUND_THE_MOVE, tmp_path)
    Plan.objects.filter(code="CS-FY22").update(credit_date_by_type={"renewal": "effective"})
    plan = moved_to("{}")  # T-MOVE credits renewals when booked: before E1 joined it
    assert "R7" not in set(credited(Plan.objects.get(code="CS-FY22"), "FY22-Q2").deals["deal_id"])

    after = credited(plan, "FY22-Q3")

    deals = after.deals.set_index("deal_id")
    assert deals.loc["R7", "credited_by"] == "effective" and deals.loc["R7", "credit_date"] == date(
        2021, 8, 11
    )
    [warning] = [w for w in after.warnings if w.code == "credit_across_plans"]
    assert warning.message.endswith("credited in FY22-Q3 by its effective date, 2021-08-11.")


@pytest.mark.django_db
def test_plans_that_agree_around_a_move_read_no_rules_and_keep_their_fingerprint(cco, tmp_path):
    load_worked_example(cco)
    import_rows("deals", HEADER + AROUND_THE_MOVE, tmp_path)
    plan = moved_to("{}")  # booked, like CS-FY22
    inputs = load_quarter(plan=plan, period=get_period("FY22-Q3"), pull=None)
    assert inputs.prior_rules.empty
    without = type(inputs)(**{**inputs.__dict__, "year_start": None})
    assert fingerprint(inputs) == fingerprint(without)


@pytest.mark.django_db
def test_a_deal_both_plans_credit_in_the_quarter_they_share_is_not_warned_about(cco, tmp_path):
    # Booked 2021-08-20 on CS-FY22, effective 2021-09-10 on T-MOVE: both dates in FY22-Q3, which both
    # plans pay part of; each credits it there, and no warning says otherwise.
    load_worked_example(cco)
    import_rows("deals", HEADER + "R9,C1,renewal,5000,USD,2021-08-20,2021-09-10\n", tmp_path)
    plan = moved_to("{renewal: effective}", on=date(2021, 9, 1))

    for each in (Plan.objects.get(code="CS-FY22"), plan):
        result = credited(each, "FY22-Q3")
        assert "R9" in set(result.deals["deal_id"])
        assert [w for w in result.warnings if w.code == "credit_across_plans"] == []


@pytest.mark.django_db
def test_a_deal_booked_after_the_move_is_left_out_of_the_plan_left_when_the_plan_joined_credits_it_later(
    cco, tmp_path
):
    # E1 moves on 2021-09-01, mid FY22-Q3, which both plans pay part of. R8 is booked on T-MOVE's side,
    # 2021-09-15, and effective in FY22-Q4: T-MOVE credits renewals by effective date, in FY22-Q4, so
    # CS-FY22 (by booking) does not credit it in FY22-Q3 too.
    load_worked_example(cco)
    import_rows("deals", HEADER + "R8,C1,renewal,5000,USD,2021-09-15,2021-11-05\n", tmp_path)
    plan = moved_to("{renewal: effective}", on=date(2021, 9, 1))

    left = credited(Plan.objects.get(code="CS-FY22"), "FY22-Q3")
    joined = credited(plan, "FY22-Q4")

    assert "R8" not in set(left.deals["deal_id"])
    assert "R8" in set(joined.deals["deal_id"])
    [warning] = [w for w in left.warnings if w.code == "credit_across_plans"]
    assert warning.message == (
        "Deal R8 (renewal, booked 2021-09-15, effective 2021-11-05) of E1: on 2021-09-15, its earlier "
        "date, E1 was on T-MOVE, not on CS-FY22. T-MOVE credits renewal deals by effective date, CS-FY22 by "
        "booked date; T-MOVE decides which date credits it for every plan of E1's, so it counts in one "
        "quarter only: left out of FY22-Q3: it counts in the quarter of its effective date, 2021-11-05 "
        "(after FY22-Q3)."
    )


@pytest.mark.django_db
def test_a_deal_dated_wholly_before_the_move_counts_by_the_plan_left_in_the_plan_joined(cco, tmp_path):
    # R6 is booked in FY22-Q2 and effective 2021-08-15, both before E1 joins T-MOVE on 2021-09-01: CS-FY22
    # credits it when booked, in FY22-Q2; T-MOVE's part of FY22-Q3 does not count it again by its
    # effective date.
    load_worked_example(cco)
    import_rows("deals", HEADER + "R6,C1,renewal,5000,USD,2021-07-10,2021-08-15\n", tmp_path)
    plan = moved_to("{renewal: effective}", on=date(2021, 9, 1))
    assert "R6" in set(credited(Plan.objects.get(code="CS-FY22"), "FY22-Q2").deals["deal_id"])

    joined = credited(plan, "FY22-Q3")

    assert "R6" not in set(joined.deals["deal_id"])
    [warning] = [w for w in joined.warnings if w.code == "credit_across_plans"]
    assert warning.message.endswith(
        "left out of FY22-Q3: it counts in the quarter of its booked date, 2021-07-10 (before FY22-Q3)."
    )


@pytest.mark.django_db
def test_a_leaver_without_another_plan_keeps_the_plans_own_dates(cco, tmp_path):
    # E1 leaves CS-FY22 on 2021-08-31 and joins no plan: a deal booked after that counts by CS-FY22's rule.
    load_worked_example(cco)
    import_rows("deals", HEADER + "R5,C1,renewal,5000,USD,2021-09-15,2021-11-05\n", tmp_path)
    Assignment.objects.filter(employee__employee_id="E1", plan__code="CS-FY22").update(
        end_date=date(2021, 8, 31)
    )

    result = credited(Plan.objects.get(code="CS-FY22"), "FY22-Q3")

    assert "R5" in set(result.deals["deal_id"])
    assert [w for w in result.warnings if w.code.startswith("credit_across")] == []


def moved_with_a_gap(rules: str) -> Plan:
    """E1 leaves CS-FY22 on 2021-08-31 and, after a gap, joins T-MOVE (``rules``) on 2021-09-10."""
    plan = moved_to(rules, on=date(2021, 9, 10))
    Assignment.objects.filter(employee__employee_id="E1", plan__code="CS-FY22").update(
        end_date=date(2021, 8, 31)
    )
    return plan


@pytest.mark.django_db
def test_in_a_gap_between_two_plans_the_plan_left_decides_so_a_deal_is_credited_once(cco, tmp_path):
    # G1 is booked 2021-09-05, in E1's gap, and effective 2021-11-15 (FY22-Q4). The plan E1 was on last,
    # CS-FY22 (expansions by booking), decides: CS-FY22 credits it in FY22-Q3, T-MOVE (by effective date)
    # not again in FY22-Q4. G2, a renewal T-MOVE credits by booking and CS-FY22 by effective date, counts
    # in FY22-Q4 under T-MOVE — neither twice nor never, in different quarters.
    load_worked_example(cco)
    Plan.objects.filter(code="CS-FY22").update(credit_date_by_type={"renewal": "effective"})
    rows = "G1,C1,expansion,1000,USD,2021-09-05,2021-11-15\nG2,C1,renewal,2000,USD,2021-09-06,2021-11-16\n"
    import_rows("deals", HEADER + rows, tmp_path)
    plan = moved_with_a_gap("{expansion: effective}")

    left = credited(Plan.objects.get(code="CS-FY22"), "FY22-Q3")
    joined_q3, joined_q4 = credited(plan, "FY22-Q3"), credited(plan, "FY22-Q4")

    assert "G1" in set(left.deals["deal_id"]) and "G2" not in set(left.deals["deal_id"])
    assert "G1" not in set(joined_q4.deals["deal_id"]) and "G2" in set(joined_q4.deals["deal_id"])
    # FY22-Q3 is shared: T-MOVE pays its days of it and counts G1 there too, as CS-FY22 does.
    assert "G1" in set(joined_q3.deals["deal_id"]) and "G2" not in set(joined_q3.deals["deal_id"])
    [warning] = [w for w in joined_q4.warnings if w.code == "credit_across_plans" and "G1" in w.message]
    assert warning.message == (
        "Deal G1 (expansion, booked 2021-09-05, effective 2021-11-15) of E1: on 2021-09-05, its earlier "
        "date, E1 was on no plan; the plan they were on last before it was CS-FY22. CS-FY22 credits "
        "expansion deals by booked date, T-MOVE by effective date; CS-FY22 decides which date credits it for "
        "every plan of E1's, so it counts in one quarter only: left out of FY22-Q4: it counts in the quarter "
        "of its booked date, 2021-09-05 (before FY22-Q4)."
    )


@pytest.mark.django_db
def test_a_plan_of_another_year_does_not_decide_a_deal_dated_in_this_one(cco, tmp_path):
    # E1 is on an FY21 plan without an end: its days past FY21 are no days on it, so it decides nothing
    # of a deal dated in FY22 (DESIGN §3 "Plans": a plan's assignment counts within its fiscal year).
    load_worked_example(cco)
    old = load_plan(
        source=(
            "code: T-OLD\nname: T old\nfiscal_year: FY21\ncurrency: USD\ncredit_date: effective\n"
            "components:\n  - {code: NRR, metric: nrr, weight: 1, goal: 1.10}\n"
        )
    )
    e1 = User.objects.get(employee_id="E1")
    Assignment.objects.create(employee=e1, plan=old, start_date=date(2020, 2, 1), on_target_amount="1000.00")
    Assignment.objects.filter(employee=e1, plan__code="CS-FY22").update(start_date=date(2021, 8, 1))
    import_rows("deals", HEADER + "X9,C1,expansion,1000,USD,2021-07-05,2021-08-15\n", tmp_path)

    inputs = load_quarter(plan=Plan.objects.get(code="CS-FY22"), period=get_period("FY22-Q3"), pull=None)

    assert "T-OLD" not in set(inputs.prior_rules["plan"])
    assert "X9" not in set(calculate_quarter(inputs).deals["deal_id"])  # booked before E1 joined: own rule


@pytest.mark.django_db
def test_the_statement_says_which_plans_rule_dated_a_deal_and_why(cco, tmp_path, client):
    # R8 as above: CS-FY22's statement of FY22-Q3 leaves it out and says why. R4, dated before the move,
    # counts in T-MOVE's part of FY22-Q3 by CS-FY22's booking date, not T-MOVE's own effective date for
    # renewals: its row says so.
    from commissions.services.pulls import pull_scores
    from commissions.services.runs import calculate

    load_worked_example(cco)
    rows = "R8,C1,renewal,5000,USD,2021-09-15,2021-11-05\nR4,C1,renewal,3000,USD,2021-08-05,2021-08-25\n"
    import_rows("deals", HEADER + rows, tmp_path)
    plan = moved_to("{renewal: effective}", on=date(2021, 9, 1))
    ops = make_user(Role.OPS, email="ops@example.com")
    pull_scores(period=get_period("FY22-Q3"), user=ops)
    left = calculate(period=get_period("FY22-Q3"), plan=Plan.objects.get(code="CS-FY22"), user=ops).run
    joined = calculate(period=get_period("FY22-Q3"), plan=plan, user=ops).run
    client.force_login(ops)

    page = client.get(f"/my/E1/statements/{left.pk}/").content.decode()
    assert "Deals dated around a change of plan" in page
    assert "Deal R8 (renewal, booked 2021-09-15, effective 2021-11-05) of E1" in page
    assert "left out of FY22-Q3: it counts in the quarter of its effective date, 2021-11-05" in page

    page = html.unescape(client.get(f"/my/E1/statements/{joined.pk}/").content.decode())
    assert "Booking date (CS-FY22's rule)" in page  # R4, dated by CS-FY22 though it counts under T-MOVE


@pytest.mark.django_db
def test_a_day_on_the_plan_in_another_quarter_is_a_day_on_it_not_a_gap(cco, tmp_path):
    # E1: CS-FY22 (renewals by effective date) until 2021-06-30, T-MOVE (by booking) in July, then again
    # from 2021-08-16. R3, booked 2021-07-10 — on T-MOVE — counts by its booking date in FY22-Q2 (both
    # plans pay part of it), never again in FY22-Q3 by T-MOVE's later assignment.
    load_worked_example(cco)
    Plan.objects.filter(code="CS-FY22").update(credit_date_by_type={"renewal": "effective"})
    import_rows("deals", HEADER + "R3,C1,renewal,1000,USD,2021-07-10,2021-09-01\n", tmp_path)
    plan = moved_to("{}", on=date(2021, 7, 1))
    Assignment.objects.filter(plan=plan).update(end_date=date(2021, 7, 31))
    e1 = User.objects.get(employee_id="E1")
    Assignment.objects.create(employee=e1, plan=plan, start_date=date(2021, 8, 16), on_target_amount="1000")

    q2 = {each.code: credited(each, "FY22-Q2") for each in (Plan.objects.get(code="CS-FY22"), plan)}
    q3 = credited(plan, "FY22-Q3")

    assert all("R3" in set(result.deals["deal_id"]) for result in q2.values())
    assert "R3" not in set(q3.deals["deal_id"])
    assert [w for w in q3.warnings if "R3" in w.message] == []
