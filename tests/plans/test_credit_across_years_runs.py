"""DESIGN §3 "Plans", credit dates per deal type across a fiscal-year boundary, from the database: the
loader reads the person's earlier-year plan's rule for a deal dated in two fiscal years, and the later
year's run credits the deal by it — and says so in the run's warnings.

The worked example (DESIGN §4): E1 on CS-FY22 (credit_date booked, open-ended), owning C1. FY22-Q4 is
2021-11-01 … 2022-01-31, FY23-Q1 2022-02-01 … 2022-04-30."""

from datetime import date

import pytest

from accounts.models import Role, User
from commissions.engine import calculate_quarter
from commissions.loaders import fingerprint, load_quarter
from commissions.models import Assignment, Plan
from commissions.services.periods import get_period
from commissions.services.plans import load_plan
from commissions.services.runs import calculate
from tests.builders import make_user
from tests.quarter.conftest import load_worked_example
from tests.trueups.conftest import import_rows

HEADER = "deal_id,customer_id,type,arr_delta,currency,booked_on,effective_on\n"
CROSSING = "X9,C1,expansion,8000,USD,2022-01-20,2022-02-01\nR9,C1,renewal,5000,USD,2022-01-21,2022-02-02\n"


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, email="cco@example.com")


def fy23_plan(rules: str) -> Plan:
    """An NRR plan of FY23 with ``credit_date_by_type`` ``rules``, E1 on it from FY23's first day."""
    plan = load_plan(
        source=(
            "code: T-FY23\nname: T FY23\nfiscal_year: FY23\ncurrency: USD\n"
            f"credit_date_by_type: {rules}\n"
            "components:\n  - {code: NRR, metric: nrr, weight: 1, goal: 1.10}\n"
        )
    )
    Assignment.objects.create(
        employee=User.objects.get(employee_id="E1"),
        plan=plan,
        start_date=date(2022, 2, 1),
        on_target_amount="1000.00",
    )
    return plan


@pytest.mark.django_db
def test_the_later_years_run_credits_by_the_earlier_plan_and_warns(cco, tmp_path):
    load_worked_example(cco)
    import_rows("deals", HEADER + CROSSING, tmp_path)
    # CS-FY22 credits both when booked (in FY22-Q4); T-FY23 expansions when effective (FY23-Q1): X9 was
    # CS-FY22's, so T-FY23 leaves it out; the renewal agrees (booked by both) and is not FY23's either.
    plan = fy23_plan("{expansion: effective}")
    q4 = calculate_quarter(
        load_quarter(plan=Plan.objects.get(code="CS-FY22"), period=get_period("FY22-Q4"), pull=None)
    )
    assert sorted(q4.deals["deal_id"]) == ["R9", "X9"]

    inputs = load_quarter(plan=plan, period=get_period("FY23-Q1"), pull=None)
    assert inputs.year_start == date(2022, 2, 1)
    assert inputs.prior_rules.to_dict("records") == [
        {
            "employee_id": "E1",
            "plan": "CS-FY22",
            "period": "FY22-Q4",
            "start": date(2021, 11, 1),
            "end": date(2022, 1, 31),
            "type": "expansion",
            "credit_date": "booked",
            "last_before": False,
        }
    ]
    run = calculate(period=get_period("FY23-Q1"), plan=plan).run
    [warning] = [w for w in run.warnings if w["code"] == "credit_across_years"]
    assert warning["employee_id"] == "E1" and warning["customer_id"] == "C1"
    assert warning["message"].startswith(
        "Deal X9 (expansion, booked 2022-01-20, effective 2022-02-01) of E1 is dated in two fiscal years: "
        "CS-FY22 credits expansion deals by booked date, in FY22-Q4; T-FY23 by effective date, in FY23-Q1."
    )
    assert warning["message"].endswith("credited once, in FY22-Q4 under CS-FY22; left out of FY23-Q1.")
    assert calculate_quarter(inputs).deals.empty


@pytest.mark.django_db
def test_a_renewal_neither_plan_would_credit_is_credited_in_the_later_year(cco, tmp_path):
    load_worked_example(cco)
    import_rows("deals", HEADER + CROSSING, tmp_path)
    Plan.objects.filter(code="CS-FY22").update(credit_date_by_type={"renewal": "effective"})
    plan = fy23_plan("{}")  # T-FY23 credits renewals when booked: in FY22, before its year
    q4 = calculate_quarter(
        load_quarter(plan=Plan.objects.get(code="CS-FY22"), period=get_period("FY22-Q4"), pull=None)
    )
    assert sorted(q4.deals["deal_id"]) == ["X9"]  # CS-FY22 waits for R9's start, in FY23
    result = calculate_quarter(load_quarter(plan=plan, period=get_period("FY23-Q1"), pull=None))
    assert list(result.deals["deal_id"]) == ["R9"]
    assert list(result.deals["credited_by"]) == ["effective"]
    [warning] = [w for w in result.warnings if w.code == "credit_across_years"]
    assert warning.message.endswith("credited once, in FY23-Q1 under T-FY23 by its effective date.")


@pytest.mark.django_db
def test_plans_that_agree_read_no_rules_and_keep_their_fingerprint(cco, tmp_path):
    load_worked_example(cco)
    import_rows("deals", HEADER + CROSSING, tmp_path)
    plan = fy23_plan("{}")  # booked, like CS-FY22
    inputs = load_quarter(plan=plan, period=get_period("FY23-Q1"), pull=None)
    assert inputs.prior_rules.empty
    without = type(inputs)(**{**inputs.__dict__, "year_start": None})
    assert fingerprint(inputs) == fingerprint(without)


@pytest.mark.django_db
def test_a_run_recorded_before_gaps_were_ruled_still_reads_as_run_on_these_inputs(cco, tmp_path):
    # Its other plans' rules were hashed without the last_before column: a quarter closed then can still be
    # restated (commissions.loaders.fingerprints).
    from commissions.loaders import fingerprints

    load_worked_example(cco)
    import_rows("deals", HEADER + CROSSING, tmp_path)
    plan = fy23_plan("{expansion: effective}")
    inputs = load_quarter(plan=plan, period=get_period("FY23-Q1"), pull=None)
    recorded = type(inputs)(
        **{**inputs.__dict__, "prior_rules": inputs.prior_rules.drop(columns=["last_before"])}
    )

    assert not inputs.prior_rules.empty
    assert fingerprint(recorded) != fingerprint(inputs)
    assert fingerprint(recorded) in fingerprints(inputs)


@pytest.mark.django_db
def test_a_gap_at_the_year_end_is_decided_by_the_plan_left_and_said_so(cco, tmp_path):
    # E1 leaves CS-FY22 on 2021-12-31, a month before FY22 ends; X9 is booked 2022-01-20, in the gap.
    load_worked_example(cco)
    import_rows("deals", HEADER + CROSSING, tmp_path)
    Assignment.objects.filter(plan__code="CS-FY22").update(end_date=date(2021, 12, 31))
    plan = fy23_plan("{expansion: effective}")

    result = calculate_quarter(load_quarter(plan=plan, period=get_period("FY23-Q1"), pull=None))

    assert "X9" not in set(result.deals["deal_id"])  # CS-FY22's booking date: FY22-Q4
    [warning] = [w for w in result.warnings if w.code == "credit_across_years"]
    assert warning.message.startswith(
        "Deal X9 (expansion, booked 2022-01-20, effective 2022-02-01) of E1 is dated in two fiscal years (on "
        "2022-01-20 E1 was on no plan; CS-FY22 is the one they were on last): CS-FY22 credits expansion "
        "deals by booked date"
    )
