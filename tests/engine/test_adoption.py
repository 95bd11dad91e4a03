"""DESIGN §4.3 Adoption: per-customer r, who counts, held harmless, adjustments and the weighted mean A."""

from datetime import date, timedelta
from decimal import Decimal as D

from commissions.engine import calculate_quarter

from .builders import (
    Q2_END,
    adjustment,
    adoption_only,
    customer,
    customer_line,
    deal,
    line,
    quarter,
    thirds_plan,
    total,
    warnings_of,
)


def r_of(c: dict, **plan_overrides) -> D:
    result = calculate_quarter(quarter(customers=[c], plan_spec=adoption_only(**plan_overrides)))
    return customer_line(result, c["customer_id"])["r"]


def adoption_of(customers, *, plan_spec=None, **kwargs):
    """(A or None, result) for E1 under an uncapped adoption-only plan unless told otherwise."""
    result = calculate_quarter(quarter(customers=customers, plan_spec=plan_spec or adoption_only(), **kwargs))
    adoption = line(result, "ADOPTION")
    return (adoption["metric_value"] if adoption["applies"] else None), result


def counted(result, customer_id: str) -> bool:
    return bool(customer_line(result, customer_id)["counted"])


# --- r for a customer with a target ---


def test_progress_formula():
    assert r_of(customer("C1", baseline=40, target=60, score=55)) == D("0.75")
    assert r_of(customer("C1", baseline=40, target=60, score=40)) == D(0)
    assert r_of(customer("C1", baseline=40, target=60, score=60)) == D(1)
    assert r_of(customer("C1", baseline=30, target=60, score=40)) == D(10) / D(30)


def test_target_not_above_baseline_gives_one_if_met_else_zero():
    assert r_of(customer("C1", baseline=60, target=60, score=60)) == D(1)
    assert r_of(customer("C1", baseline=60, target=60, score=59)) == D(0)
    assert r_of(customer("C1", baseline=60, target=60, score=95)) == D(1)  # not (a − b)/(t − b)
    assert r_of(customer("C1", baseline=70, target=65, score=66)) == D(1)
    assert r_of(customer("C1", baseline=70, target=65, score=64)) == D(0)


def test_ratio_formula():
    assert r_of(customer("C1", baseline=40, target=80, score=60), formula="ratio") == D("0.75")
    # The baseline plays no part in ratio.
    assert r_of(customer("C1", baseline=70, target=80, score=60), formula="ratio") == D("0.75")
    assert r_of(customer("C1", baseline=10, target=30, score=10), formula="ratio") == D(1) / D(3)


def test_r_is_clamped_to_customer_cap():
    assert r_of(customer("C1", baseline=40, target=60, score=70)) == D("1.5")  # 1.5 exactly: the default cap
    assert r_of(customer("C1", baseline=40, target=60, score=80)) == D("1.5")  # 2.0 → 1.5
    assert r_of(customer("C1", baseline=40, target=60, score=80), customer_cap=D("1.2")) == D("1.2")
    assert r_of(customer("C1", baseline=40, target=60, score=64), customer_cap=D("1.2")) == D("1.2")
    assert r_of(customer("C1", baseline=0, target=40, score=100), formula="ratio") == D("1.5")


def test_r_is_never_negative():
    c = customer("C1", baseline=40, target=60, score=10)
    assert r_of(c) == D(0)
    assert r_of(c, customer_cap=D("2")) == D(0)
    a, result = adoption_of([c])
    assert counted(result, "C1")
    assert a == D(0)


def test_missing_score_gives_zero_with_warning():
    a, result = adoption_of([customer("C1", score=None), customer("C2", score=60, arr=100000)])
    assert customer_line(result, "C1")["r"] == D(0)
    assert counted(result, "C1")
    assert a == D("0.5")  # (0 × 100000 + 1 × 100000) / 200000
    [warning] = warnings_of(result, "missing_score")
    assert warning.customer_id == "C1"
    assert "C1" in warning.message


# --- held harmless: new or newly expanded customers ---

NEW = date(2021, 6, 15)


def test_new_customer_below_target_is_held_harmless():
    new = customer("C3", start_date=NEW, baseline=30, target=50, score=45, arr=900000)
    a, result = adoption_of([customer("C1", score=55), new])
    assert customer_line(result, "C3")["r"] == D("0.75")  # computed, shown, but not counted
    assert not counted(result, "C3")
    assert customer_line(result, "C3")["reason"].startswith("held harmless")
    assert a == D("0.75")  # C1 alone


def test_new_customer_at_or_above_target_counts():
    at_target = customer("C3", start_date=NEW, baseline=30, target=50, score=50, arr=100000)
    a, result = adoption_of([customer("C1", score=50), at_target])
    assert counted(result, "C3")
    assert a == D("0.75")  # (0.5 + 1) / 2
    above = customer("C3", start_date=NEW, baseline=30, target=50, score=60, arr=100000)
    a, result = adoption_of([customer("C1", score=50), above])
    assert counted(result, "C3")
    assert a == D(1)  # (0.5 + 1.5) / 2


def test_new_customer_with_no_score_is_held_harmless():
    a, result = adoption_of([customer("C1", score=55), customer("C3", start_date=NEW, score=None)])
    assert not counted(result, "C3")
    assert a == D("0.75")


def test_newly_expanded_customer_below_target_is_held_harmless():
    expanded = customer("C2", score=50)
    expansion = deal("D1", "C2", "expansion", 10000, booked_on=date(2021, 7, 1))
    a, result = adoption_of([customer("C1", score=55), expanded], deals=[expansion])
    assert not counted(result, "C2")
    assert customer_line(result, "C2")["reason"].startswith("held harmless")
    assert a == D("0.75")


def test_newly_expanded_customer_at_target_counts():
    expanded = customer("C2", score=60)
    expansion = deal("D1", "C2", "expansion", 10000, booked_on=date(2021, 7, 1))
    a, result = adoption_of([customer("C1", score=50), expanded], deals=[expansion])
    assert counted(result, "C2")
    assert a == D("0.75")


def test_expansion_outside_window_does_not_protect():
    # end − 90 days = 2021-05-02: an expansion credited on or before it is not "newly expanded".
    for booked in (date(2021, 5, 2), date(2021, 3, 1), date(2021, 8, 1)):
        expansion = deal("D1", "C2", "expansion", 10000, booked_on=booked)
        a, result = adoption_of([customer("C1", score=55), customer("C2", score=50)], deals=[expansion])
        assert counted(result, "C2"), booked
        assert a == D("0.625"), booked


def test_only_expansion_deals_make_a_customer_newly_expanded():
    deals = [
        deal("D1", "C2", "renewal", 5000, booked_on=date(2021, 7, 1)),
        deal("D2", "C2", "contraction", -5000, booked_on=date(2021, 7, 2)),
        deal("D3", "C2", "churn", -50000, booked_on=date(2021, 7, 3)),
    ]
    _, result = adoption_of([customer("C2", score=50)], deals=deals)
    assert counted(result, "C2")


def test_newly_expanded_uses_the_plans_credit_date():
    # Booked before the window, effective inside it.
    expansion = deal(
        "D1", "C2", "expansion", 10000, booked_on=date(2021, 3, 1), effective_on=date(2021, 6, 1)
    )
    customers = [customer("C1", score=55), customer("C2", score=50)]
    _, booked = adoption_of(customers, deals=[expansion], plan_spec=adoption_only(credit_date="booked"))
    _, effective = adoption_of(customers, deals=[expansion], plan_spec=adoption_only(credit_date="effective"))
    assert counted(booked, "C2")
    assert not counted(effective, "C2")
    # And the other way round: booked inside the window, effective after the quarter.
    expansion = deal(
        "D1", "C2", "expansion", 10000, booked_on=date(2021, 6, 1), effective_on=date(2021, 9, 1)
    )
    _, booked = adoption_of(customers, deals=[expansion], plan_spec=adoption_only(credit_date="booked"))
    _, effective = adoption_of(customers, deals=[expansion], plan_spec=adoption_only(credit_date="effective"))
    assert not counted(booked, "C2")
    assert counted(effective, "C2")


def test_window_boundary():
    window_start = Q2_END - timedelta(days=90)
    assert window_start == date(2021, 5, 2)
    old = customer("C1", score=55)

    def held(start: date, **plan_overrides) -> bool:
        new = customer("C3", start_date=start, score=45)
        _, result = adoption_of([old, new], plan_spec=adoption_only(**plan_overrides))
        return not counted(result, "C3")

    assert not held(window_start)  # start_date == end − window: NOT new
    assert held(window_start + timedelta(days=1))  # end − window + 1 day: new
    assert held(Q2_END)  # start_date == end: new
    assert not held(Q2_END + timedelta(days=1))  # after the quarter: not start_date ≤ end
    # The window is the plan's.
    assert held(date(2021, 7, 2), new_customer_window_days=30)
    assert not held(date(2021, 7, 1), new_customer_window_days=30)


def test_held_harmless_leaves_a_new_customer_out_even_when_it_would_raise_a():
    # DESIGN §4.3 says "left out when r < 1" without comparing to the rest of the book: a new customer
    # doing better than the others, but below 1, is still left out.
    a, _ = adoption_of([customer("C1", score=44), customer("C3", start_date=NEW, score=58)])
    assert a == D("0.2")


# --- no target assigned ---


def test_no_target_improved_counts_with_r_one():
    a, result = adoption_of([customer("C2", baseline=70, target=None, score=71)])
    assert counted(result, "C2")
    assert customer_line(result, "C2")["r"] == D(1)
    assert a == D(1)


def test_no_target_not_improved_is_left_out():
    for score in (70, 50, None):
        a, result = adoption_of(
            [customer("C1", score=55), customer("C2", baseline=70, target=None, score=score, arr=900000)]
        )
        assert not counted(result, "C2"), score
        assert a == D("0.75"), score


def test_new_customer_without_target_that_improved_counts():
    # Held harmless is about customers with a target; "credit for improvement" gives r = 1 anyway.
    _, result = adoption_of([customer("C2", start_date=NEW, baseline=70, target=None, score=75)])
    assert counted(result, "C2")


def test_customer_not_in_snapshot_is_left_out_with_warning():
    a, result = adoption_of(
        [customer("C1", score=55), customer("C9", baseline=None, target=None, arr=900000)]
    )
    assert not counted(result, "C9")
    assert a == D("0.75")
    [warning] = warnings_of(result, "not_in_snapshot")
    assert warning.customer_id == "C9"
    assert "C9" in warning.message


# --- exceptions and extra credit ---


def test_exception_sets_r_and_counts_customer():
    customers = [customer("C1", score=44), customer("C2", score=60)]
    a, result = adoption_of(customers, adjustments=[adjustment("C1", "exception", "0.9")])
    assert customer_line(result, "C1")["r"] == D("0.9")
    assert a == D("0.95")


def test_exception_counts_a_customer_the_rules_left_out():
    cases = {
        "held harmless": customer("C3", start_date=NEW, score=45),
        "not improved": customer("C3", target=None, baseline=70, score=60),
        "not in snapshot": customer("C3", baseline=None),
    }
    for why, c in cases.items():
        a, result = adoption_of([c], adjustments=[adjustment("C3", "exception", "0.8")])
        assert counted(result, "C3"), why
        assert a == D("0.8"), why


def test_exception_is_not_clamped():
    a, _ = adoption_of([customer("C1", score=55)], adjustments=[adjustment("C1", "exception", "2.5")])
    assert a == D("2.5")


def test_extra_credit_adds_points_to_r_unclamped():
    a, result = adoption_of([customer("C1", score=55)], adjustments=[adjustment("C1", "extra_credit", "0.5")])
    assert a == D("1.25")
    # Already at the customer cap: extra credit goes above it.
    a, result = adoption_of([customer("C1", score=90)], adjustments=[adjustment("C1", "extra_credit", "1")])
    assert customer_line(result, "C1")["r"] == D("2.5")
    assert a == D("2.5")


def test_extra_credit_on_held_harmless_customer_enters_with_its_r():
    new = customer("C3", start_date=NEW, baseline=30, target=50, score=40)  # r = 0.5, held harmless
    a, result = adoption_of([new], adjustments=[adjustment("C3", "extra_credit", "0.3")])
    assert counted(result, "C3")
    assert customer_line(result, "C3")["r"] == D("0.8")
    assert a == D("0.8")


def test_extra_credit_on_left_out_customer_enters_from_zero():
    cases = {
        "not improved": customer("C3", target=None, baseline=70, score=65),
        "no target, no score": customer("C3", target=None, baseline=70, score=None),
        "not in snapshot": customer("C3", baseline=None),
    }
    for why, c in cases.items():
        a, result = adoption_of([c], adjustments=[adjustment("C3", "extra_credit", "0.4")])
        assert counted(result, "C3"), why
        assert customer_line(result, "C3")["r"] == D("0.4"), why
        assert a == D("0.4"), why


def test_extra_credit_on_customer_with_no_score_adds_to_zero():
    a, _ = adoption_of([customer("C1", score=None)], adjustments=[adjustment("C1", "extra_credit", "0.25")])
    assert a == D("0.25")


def test_exception_then_extra_credit():
    adjustments = [adjustment("C1", "extra_credit", "0.3"), adjustment("C1", "exception", "0.9")]
    a, result = adoption_of([customer("C1", score=44)], adjustments=adjustments)
    assert customer_line(result, "C1")["r"] == D("1.2")  # 0.9 granted, then + 0.3, whatever the row order
    assert a == D("1.2")


def test_adjustments_of_other_customers_do_not_apply():
    a, _ = adoption_of([customer("C1", score=55)], adjustments=[adjustment("C2", "exception", "1.5")])
    assert a == D("0.75")


# --- weighting and A ---


def test_arr_weighting_uses_arr_at_quarter_end_converted():
    c1 = customer("C1", score=55, arr=100000)  # r = 0.75
    c2 = customer("C2", score=60, arr=10, currency="EUR")  # r = 1, EUR
    arr = [
        {
            "customer_id": "C2",
            "as_of": date(2021, 7, 31),
            "arr": D(50000),
            "currency": "EUR",
        },  # last day: used
        {
            "customer_id": "C1",
            "as_of": date(2021, 8, 1),
            "arr": D(900000),
            "currency": "USD",
        },  # after: ignored
    ]
    a, result = adoption_of([c1, c2], arr=arr, fx={"EUR": "1.2"})
    assert customer_line(result, "C2")["weight"] == D(60000)  # 50000 EUR × 1.2 / 1 (USD is the base)
    assert customer_line(result, "C1")["weight"] == D(100000)
    assert a == (D(100000) * D("0.75") + D(60000)) / D(160000)


def test_equal_weighting():
    customers = [
        customer("C1", score=55, arr=100000),
        customer("C2", score=60, arr=1),
        customer("C3", arr=None),
    ]
    a, result = adoption_of(customers, plan_spec=adoption_only(weighting="equal"))
    assert a == (D("0.75") + D(1) + D("0.5")) / 3
    assert not warnings_of(result, "missing_arr")


def test_counted_customer_without_arr_weighs_zero_with_warning():
    a, result = adoption_of([customer("C1", score=44, arr=None), customer("C2", score=55, arr=100000)])
    assert counted(result, "C1")
    assert customer_line(result, "C1")["weight"] == D(0)
    assert a == D("0.75")
    [warning] = warnings_of(result, "missing_arr")
    assert warning.customer_id == "C1"
    assert "C1" in warning.message


def test_arr_only_after_quarter_end_is_no_arr():
    c1 = customer("C1", score=44, arr=100000, arr_as_of=date(2021, 8, 1))
    a, result = adoption_of([c1, customer("C2", score=55)])
    assert a == D("0.75")
    assert warnings_of(result, "missing_arr")


def test_adoption_does_not_apply_when_no_weight():
    a, result = adoption_of([customer("C1", score=55, arr=None)])
    assert a is None
    assert line(result, "ADOPTION")["payout"] == D("0.00")


def test_adoption_does_not_apply_when_nothing_counts():
    customers = [
        customer("C1", start_date=NEW, score=45),  # held harmless
        customer("C2", target=None, baseline=70, score=70),  # no target, not improved
        customer("C3", baseline=None),  # not in snapshot
    ]
    # NRR: start ARR 300000 and +30000 → 1.10, attainment 1; KPI 10/10: f = 1 for both.
    result = calculate_quarter(
        quarter(customers=customers, deals=[deal("D1", "C1", "renewal", 30000, booked_on=date(2021, 6, 1))])
    )
    adoption = line(result, "ADOPTION")
    assert adoption["applies"] is False
    assert adoption["metric_value"] is None
    assert adoption["payout"] == D("0.00")
    assert adoption["share"] == D(0)
    assert line(result, "NRR")["share"] == D("0.5")
    assert line(result, "NRR")["payout"] == D("1500.00")
    assert line(result, "KPI")["payout"] == D("1500.00")
    assert total(result) == D("3000.00")


def test_an_empty_book_has_no_adoption():
    result = calculate_quarter(quarter(customers=[], plan_spec=thirds_plan()))
    assert line(result, "ADOPTION")["applies"] is False
    assert line(result, "NRR")["applies"] is False
    assert line(result, "KPI")["payout"] == D("3000.00")
