"""QBR held this quarter for customers past onboarding: coverage = covered ÷ eligible (docs/design.md
§10, docs/kpis.md), from the ``activities`` import, at its edges."""

from datetime import date
from decimal import Decimal

import pytest

from adoption.kpis import portfolio_kpis

from .helpers import DAY, QUARTER_START, activities, kpis_of, usage


def coverage(acts, customers=(1, 2, 3, 4)):
    return kpis_of([], customers=list(customers), acts=acts)


def test_a_customer_whose_onboarding_is_not_completed_is_not_eligible_even_with_a_qbr():
    result = coverage(
        activities(
            (1, date(2026, 1, 10), "onboarding_completed"),
            (1, date(2026, 5, 1), "qbr"),
            (2, date(2026, 5, 1), "qbr"),  # never onboarded
            (3, date(2026, 5, 1), "key_user_left"),
        )
    )

    assert (result.qbr_eligible, result.qbr_covered, result.qbr_coverage) == (1, 1, Decimal("1.000000"))


def test_onboarding_completed_after_the_day_is_not_yet_past_onboarding():
    result = coverage(
        activities((1, date(2026, 7, 1), "onboarding_completed"), (2, DAY, "onboarding_completed"))
    )

    assert (result.qbr_eligible, result.qbr_covered) == (1, 0)
    assert result.qbr_coverage == Decimal("0.000000")


def test_a_qbr_counts_from_the_quarters_first_day_to_the_day_both_included():
    onboarded = [(c, date(2025, 12, 1), "onboarding_completed") for c in (1, 2, 3, 4)]
    result = coverage(
        activities(
            *onboarded,
            (1, QUARTER_START, "qbr"),
            (2, DAY, "qbr"),
            (3, date(2026, 3, 31), "qbr"),  # the quarter before
            (4, date(2026, 7, 1), "qbr"),  # after the day
        )
    )

    # 2 of 4 eligible: 0.5
    assert (result.qbr_eligible, result.qbr_covered, result.qbr_coverage) == (4, 2, Decimal("0.500000"))


def test_coverage_is_covered_over_eligible_half_up():
    onboarded = [(c, date(2025, 12, 1), "onboarding_completed") for c in (1, 2, 3)]
    result = coverage(activities(*onboarded, (1, date(2026, 5, 2), "qbr"), (2, date(2026, 6, 2), "qbr")))

    assert result.qbr_coverage == Decimal("0.666667")


def test_no_customer_past_onboarding_gives_no_coverage():
    assert coverage(activities((1, date(2026, 5, 1), "qbr"))).qbr_coverage is None


def test_a_quarter_starting_after_the_day_is_refused():
    with pytest.raises(ValueError, match="after the day"):
        kpis_of([], customers=[1], quarter_start=date(2026, 7, 1))


def test_each_portfolio_counts_its_own_members_and_a_customer_may_be_in_several():
    acts = activities(
        (1, date(2025, 12, 1), "onboarding_completed"),
        (2, date(2025, 12, 1), "onboarding_completed"),
        (1, date(2026, 5, 1), "qbr"),
    )
    result = portfolio_kpis(
        day=DAY,
        usage=usage(),
        activities=acts,
        portfolios={"csm-a": [1], "csm-b": [2, 2], "company": [1, 2], "empty": []},
        quarter_start=QUARTER_START,
    )

    assert list(result) == ["csm-a", "csm-b", "company", "empty"]
    assert [result[k].qbr_coverage for k in result] == [
        Decimal("1.000000"),
        Decimal("0.000000"),
        Decimal("0.500000"),
        None,
    ]
    assert [result[k].customers for k in result] == [1, 1, 2, 0]
    assert result["empty"].weekly_active_trend == (None,) * 12  # no member: no value, not 0
