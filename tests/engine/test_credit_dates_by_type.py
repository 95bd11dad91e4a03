"""Issue 20, design.md §3 "Plans" / §4.4: a plan's ``credit_date`` is the default for every deal type and
``credit_date_by_type`` names the date (booked or effective) that credits one type. A deal whose two dates
fall in different quarters is credited once, in the quarter its type's rule names; held harmless ("newly
expanded") goes by the expansion's own credit date."""

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from commissions.engine import calculate_quarter
from commissions.engine.tables import credit_field

from .builders import adoption_only, customer, deal, line, nrr_only, quarter
from .test_adoption import adoption_of, counted

# FY22-Q2 of the builders runs 2021-05-01 .. 2021-07-31; FY22-Q3 starts 2021-08-01.
Q2_LAST, Q3_FIRST = date(2021, 7, 31), date(2021, 8, 1)
Q2 = {"period": "FY22-Q2", "start": date(2021, 5, 1), "end": Q2_LAST}
Q3 = {"period": "FY22-Q3", "start": Q3_FIRST, "end": date(2021, 10, 31)}

RENEWAL_EFFECTIVE = (("churn", "effective"), ("renewal", "effective"))


def credited(plan_spec, deals, period) -> list[str]:
    """The deal ids the quarter ``period`` credits to E1's NRR."""
    inputs = quarter(customers=[customer("C1")], deals=deals, plan_spec=plan_spec, **period)
    return sorted(calculate_quarter(inputs).deals["deal_id"])


def test_a_type_without_a_rule_follows_the_plans_default():
    spec = replace(nrr_only(), credit_date_by_type=RENEWAL_EFFECTIVE)
    assert credit_field(spec, "expansion") == "booked_on"
    assert credit_field(spec, "contraction") == "booked_on"
    assert credit_field(spec, "renewal") == "effective_on"
    assert credit_field(spec, "churn") == "effective_on"
    effective = replace(spec, credit_date="effective", credit_date_by_type=())
    assert {credit_field(effective, kind) for kind in ("expansion", "renewal", "churn")} == {"effective_on"}


def test_renewal_signed_in_q2_starting_in_q3_counts_in_q3_only():
    # Booked on Q2's last day, effective on Q3's first: the renewal rule says effective → Q3, once.
    renewal = deal("R1", "C1", "renewal", 6000, booked_on=Q2_LAST, effective_on=Q3_FIRST)
    spec = replace(nrr_only(), credit_date_by_type=RENEWAL_EFFECTIVE)
    assert credited(spec, [renewal], Q2) == []
    assert credited(spec, [renewal], Q3) == ["R1"]


def test_expansion_counts_when_booked_while_renewals_wait_for_their_start():
    # The same two dates on an expansion and a renewal: each type credited by its own rule.
    expansion = deal("X1", "C1", "expansion", 4000, booked_on=Q2_LAST, effective_on=Q3_FIRST)
    renewal = deal("R1", "C1", "renewal", 6000, booked_on=Q2_LAST, effective_on=Q3_FIRST)
    spec = replace(nrr_only(), credit_date_by_type=RENEWAL_EFFECTIVE)
    assert credited(spec, [expansion, renewal], Q2) == ["X1"]
    assert credited(spec, [expansion, renewal], Q3) == ["R1"]


def test_each_credited_deal_says_which_date_credited_it():
    deals = [
        deal("X1", "C1", "expansion", 4000, booked_on=date(2021, 6, 1), effective_on=date(2021, 6, 20)),
        deal("C9", "C1", "churn", -1000, booked_on=date(2021, 4, 20), effective_on=date(2021, 5, 1)),
    ]
    inputs = quarter(
        customers=[customer("C1")],
        deals=deals,
        plan_spec=replace(nrr_only(), credit_date_by_type=RENEWAL_EFFECTIVE),
    )
    rows = calculate_quarter(inputs).deals.set_index("deal_id")
    assert rows.loc["X1", "credited_by"] == "booked"
    assert rows.loc["X1", "credit_date"] == date(2021, 6, 1)
    assert rows.loc["C9", "credited_by"] == "effective"
    assert rows.loc["C9", "credit_date"] == date(2021, 5, 1)  # booked before the quarter, effective on day 1


def test_nrr_delta_sums_the_deals_each_type_credits():
    # Start ARR 100,000 (the builders' default). Q2 credits X1 (+4,000 booked in Q2) and the churn C9
    # (−1,000 effective in Q2, booked in Q1); the renewal R1 (booked in Q2, effective in Q3) waits.
    deals = [
        deal("X1", "C1", "expansion", 4000, booked_on=date(2021, 6, 1), effective_on=Q3_FIRST),
        deal("C9", "C1", "churn", -1000, booked_on=date(2021, 4, 20), effective_on=date(2021, 5, 1)),
        deal("R1", "C1", "renewal", 2500, booked_on=date(2021, 7, 1), effective_on=Q3_FIRST),
    ]
    inputs = quarter(
        customers=[customer("C1")],
        deals=deals,
        plan_spec=replace(nrr_only(), credit_date_by_type=RENEWAL_EFFECTIVE),
    )
    assert line(calculate_quarter(inputs), "NRR")["detail"]["delta"] == D(3000)


@pytest.mark.parametrize(
    ("by_type", "protected"),
    [
        ((), False),  # booked 2021-04-01, before the window starting 2021-05-02: not newly expanded
        ((("expansion", "effective"),), True),  # effective 2021-07-15, inside the window
    ],
)
def test_newly_expanded_uses_the_expansions_own_credit_date(by_type, protected):
    expansion = deal(
        "X1", "C2", "expansion", 10000, booked_on=date(2021, 4, 1), effective_on=date(2021, 7, 15)
    )
    spec = replace(adoption_only(), credit_date_by_type=by_type)
    _, result = adoption_of(
        [customer("C1", score=55), customer("C2", score=50)], deals=[expansion], plan_spec=spec
    )
    assert counted(result, "C2") is not protected


def test_a_plan_without_rules_per_type_keeps_its_fingerprint_text():
    # The run's fingerprint hashes the plan's repr: plans that do not use the option keep their text.
    assert "credit_date_by_type" not in repr(nrr_only())
    assert "credit_date_by_type=(('renewal', 'effective'),)" in repr(
        replace(nrr_only(), credit_date_by_type=(("renewal", "effective"),))
    )
