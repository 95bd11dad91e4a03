"""DESIGN §3 "Plans", credit dates per deal type, across a fiscal-year boundary: plans belong to one
fiscal year, so a deal booked in one year and effective in the next would be credited twice or never
when the person's two plans credit its type by different dates. The earlier year's plan decides the date;
the later year's quarter warns, naming the deal, the CSM, both plans and the quarters."""

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

from commissions.engine import calculate_quarter

from .builders import customer, deal, line, nrr_only, quarter, table, warnings_of

# With February as the first month: FY27-Q4 is 2026-11-01 … 2027-01-31, FY28-Q1 2027-02-01 … 2027-04-30.
Q4_FY27 = {"period": "FY27-Q4", "start": date(2026, 11, 1), "end": date(2027, 1, 31)}
Q1_FY28 = {"period": "FY28-Q1", "start": date(2027, 2, 1), "end": date(2027, 4, 30)}
BOOKED, EFFECTIVE = date(2027, 1, 20), date(2027, 2, 1)


def fy27(**rules):
    return replace(nrr_only(), code="T-FY27", credit_date_by_type=tuple(sorted(rules.items())))


def fy28(**rules):
    return replace(nrr_only(), code="T-FY28", credit_date_by_type=tuple(sorted(rules.items())))


def prior(kind: str, when: str, plan: str = "T-FY27") -> dict:
    """E1's FY27 plan on FY27-Q4 credits ``kind`` by ``when``, as the loader reads it."""
    return {
        "employee_id": "E1",
        "plan": plan,
        "period": "FY27-Q4",
        "start": date(2026, 11, 1),
        "end": date(2027, 1, 31),
        "type": kind,
        "credit_date": when,
    }


def run(spec, deals, period, prior_rules=()):
    year_start = date(2027, 2, 1) if period is Q1_FY28 else date(2026, 2, 1)
    inputs = quarter(
        customers=[customer("C1")],
        deals=deals,
        plan_spec=spec,
        year_start=year_start,
        prior_rules=table("prior_rules", list(prior_rules)),
        **period,
    )
    return calculate_quarter(inputs)


def credited(result) -> list[str]:
    return sorted(result.deals["deal_id"])


def test_an_expansion_booked_by_fy27_and_effective_by_fy28_is_credited_once_in_fy27_q4():
    # T-FY27 credits expansions when booked (FY27-Q4), T-FY28 when effective (FY28-Q1): without the rule
    # both quarters would count the +10,000.
    expansion = deal("X1", "C1", "expansion", 10000, booked_on=BOOKED, effective_on=EFFECTIVE)
    q4 = run(fy27(), [expansion], Q4_FY27)
    assert credited(q4) == ["X1"]
    assert line(q4, "NRR")["metric_value"] == D("1.1")  # (100,000 + 10,000) / 100,000

    unaware = run(fy28(expansion="effective"), [expansion], Q1_FY28)
    assert credited(unaware) == ["X1"]  # what the later year did alone: twice

    q1 = run(fy28(expansion="effective"), [expansion], Q1_FY28, [prior("expansion", "booked")])
    assert credited(q1) == []
    assert line(q1, "NRR")["metric_value"] == D(1)  # 100,000 / 100,000: nothing credited
    (warning,) = warnings_of(q1, "credit_across_years")
    assert (warning.employee_id, warning.customer_id) == ("E1", "C1")
    assert warning.message == (
        "Deal X1 (expansion, booked 2027-01-20, effective 2027-02-01) of E1 is dated in two fiscal years: "
        "T-FY27 credits expansion deals by booked date, in FY27-Q4; T-FY28 by effective date, in FY28-Q1. "
        "The earlier year's plan decides: credited once, in FY27-Q4 under T-FY27; "
        "left out of FY28-Q1."
    )


def test_a_renewal_effective_by_fy27_and_booked_by_fy28_is_credited_once_in_fy28_q1():
    # T-FY27 credits renewals when effective (in FY28-Q1, after its year), T-FY28 when booked (in FY27-Q4,
    # before its year): without the rule no quarter would count the +6,000.
    renewal = deal("R1", "C1", "renewal", 6000, booked_on=BOOKED, effective_on=EFFECTIVE)
    q4 = run(fy27(renewal="effective"), [renewal], Q4_FY27)
    assert credited(q4) == []

    assert credited(run(fy28(), [renewal], Q1_FY28)) == []  # what the later year did alone: never

    q1 = run(fy28(), [renewal], Q1_FY28, [prior("renewal", "effective")])
    assert credited(q1) == ["R1"]
    assert q1.deals.iloc[0]["credited_by"] == "effective"
    assert q1.deals.iloc[0]["credit_date"] == EFFECTIVE
    assert line(q1, "NRR")["metric_value"] == D("1.06")  # (100,000 + 6,000) / 100,000
    (warning,) = warnings_of(q1, "credit_across_years")
    assert warning.message == (
        "Deal R1 (renewal, booked 2027-01-20, effective 2027-02-01) of E1 is dated in two fiscal years: "
        "T-FY27 credits renewal deals by effective date, in FY28-Q1 (after its year); T-FY28 by booked "
        "date, in FY27-Q4 (before its year). The earlier year's plan decides: "
        "credited once, in FY28-Q1 under T-FY28 by its effective date."
    )


def test_plans_that_agree_change_nothing_and_warn_nothing():
    renewal = deal("R1", "C1", "renewal", 6000, booked_on=BOOKED, effective_on=EFFECTIVE)
    q1 = run(fy28(renewal="effective"), [renewal], Q1_FY28, [prior("renewal", "effective")])
    assert credited(q1) == ["R1"] and warnings_of(q1, "credit_across_years") == []


def test_a_deal_dated_in_one_year_follows_its_own_plan():
    # Both dates in FY28: the FY27 plan has no say, even with a rule for the type.
    inside = deal("R2", "C1", "renewal", 6000, booked_on=date(2027, 2, 3), effective_on=date(2027, 3, 1))
    q1 = run(fy28(), [inside], Q1_FY28, [prior("renewal", "effective")])
    assert credited(q1) == ["R2"] and q1.deals.iloc[0]["credited_by"] == "booked"
    assert warnings_of(q1, "credit_across_years") == []


def test_of_two_earlier_plans_the_one_crediting_in_its_own_year_wins():
    # E1 was on two FY27 plans in FY27-Q4: one credited the expansion when booked, so FY28 does not again.
    expansion = deal("X1", "C1", "expansion", 10000, booked_on=BOOKED, effective_on=EFFECTIVE)
    rules = [prior("expansion", "effective", plan="A-FY27"), prior("expansion", "booked", plan="B-FY27")]
    q1 = run(fy28(expansion="effective"), [expansion], Q1_FY28, rules)
    assert credited(q1) == []
    assert "credited once, in FY27-Q4 under B-FY27" in warnings_of(q1, "credit_across_years")[0].message
