"""Customers below X % utilisation, the seat-weighted average and customers whose utilisation rose by
more than 10 points (docs/design.md §10, docs/kpis.md), at their edges."""

from decimal import Decimal

from adoption.kpis import KpiRules

from .helpers import kpis_of, usage, utilisation


def test_exactly_60_percent_is_not_below_and_just_under_is():
    result = kpis_of([*utilisation(1, 60, 100), *utilisation(2, 3, 5), *utilisation(3, 599, 1000)])

    assert result.util_below == 1  # only 59.9 %
    assert result.with_utilisation == 3


def test_the_threshold_is_a_setting_and_below_stays_strict():
    rows = [*utilisation(1, 50, 100), *utilisation(2, 49, 100)]

    assert kpis_of(rows, rules=KpiRules(utilisation_threshold=Decimal("0.5"))).util_below == 1
    assert kpis_of(rows, rules=KpiRules(utilisation_threshold=Decimal("0.51"))).util_below == 2


def test_a_customer_with_no_seats_or_no_rows_has_no_utilisation_and_is_not_counted_below():
    rows = [
        *utilisation(1, 0, 0),  # seats 0
        (2, 0, "active_users", 5),  # no seats row
        (3, 0, "licensed_seats", 10),  # no active users row
        *utilisation(4, 1, 10),
    ]
    result = kpis_of(rows, customers=[1, 2, 3, 4, 5])  # 5 has no usage at all

    assert (result.customers, result.with_utilisation, result.util_below) == (5, 1, 1)
    assert result.avg_utilisation == Decimal("0.100000")


def test_average_utilisation_is_seat_weighted_a_ratio_of_sums_not_a_mean_of_ratios():
    result = kpis_of([*utilisation(1, 1, 10), *utilisation(2, 90, 100), *utilisation(3, 5, 0)])

    # (1 + 90) ÷ (10 + 100) = 0.8272727… → 0.827273 (the mean of ratios would be 0.5)
    assert result.avg_utilisation == Decimal("0.827273")
    assert str(result.avg_utilisation) == "0.827273"


def test_more_active_users_than_seats_counts_as_full_utilisation():
    result = kpis_of([*utilisation(1, 150, 100), *utilisation(2, 0, 100)])

    assert result.avg_utilisation == Decimal("0.500000")


def test_no_customer_with_a_utilisation_gives_no_average():
    assert kpis_of([*utilisation(1, 5, 0)]).avg_utilisation is None


def test_exactly_10_points_more_than_d_minus_30_is_not_a_rise_and_just_over_is():
    rows = [
        *utilisation(1, 50, 100, ago=30),
        *utilisation(1, 60, 100),  # +10 points exactly
        *utilisation(2, 1, 2, ago=30),
        *utilisation(2, 601, 1000),  # +10.1 points
        *utilisation(3, 40, 100, ago=30),
        *utilisation(3, 3, 5),  # 40 % → 60 %: +20 points
    ]

    assert kpis_of(rows).util_rising == 2


def test_the_rise_compares_with_d_minus_30_exactly_not_another_day():
    rows = [*utilisation(1, 10, 100, ago=29), *utilisation(1, 10, 100, ago=31), *utilisation(1, 90, 100)]

    # No utilisation on D − 30: the customer is not judged, and with no one else the count has no value.
    assert kpis_of(rows).util_rising is None
    assert kpis_of([*rows, *utilisation(2, 10, 100, ago=30), *utilisation(2, 10, 100)]).util_rising == 0


def test_a_rise_needs_a_utilisation_on_both_days():
    rows = [
        *utilisation(1, 0, 0, ago=30),  # no seats on D − 30
        *utilisation(1, 90, 100),
        *utilisation(2, 10, 100, ago=30),
        *utilisation(2, 90, 0),  # no seats on D
    ]

    result = kpis_of(rows)
    assert (result.util_rising, result.with_rise) == (None, 0)  # no one measured on both days: no value
    both = kpis_of([*rows, *utilisation(3, 50, 100, ago=30), *utilisation(3, 60, 100)])  # exactly +10
    assert (both.util_rising, both.with_rise) == (0, 1)


def test_a_fall_is_never_a_rise():
    assert kpis_of([*utilisation(1, 90, 100, ago=30), *utilisation(1, 10, 100)]).util_rising == 0


def test_the_rise_points_and_days_are_settings():
    rows = [*utilisation(1, 50, 100, ago=7), *utilisation(1, 56, 100)]

    assert kpis_of(rows, rules=KpiRules(rise_points=Decimal("5"), rise_days=7)).util_rising == 1
    assert kpis_of(rows, rules=KpiRules(rise_points=Decimal("6"), rise_days=7)).util_rising == 0


def test_utilisation_reads_the_day_itself_not_the_days_around_it():
    result = kpis_of([*utilisation(1, 10, 100, ago=1)], customers=[1])

    assert (result.with_utilisation, result.avg_utilisation) == (0, None)
    assert usage().empty


def test_billions_of_seats_are_compared_exactly_beyond_int64_products():
    seats = 3_000_000_000
    rows = [*utilisation(1, seats // 2, seats, ago=30), *utilisation(1, seats * 6 // 10, seats)]
    rows += [*utilisation(2, seats // 2, seats, ago=30), *utilisation(2, seats * 6 // 10 + 1, seats)]

    result = kpis_of(rows)

    assert result.util_rising == 1  # +10 points exactly for 1, just over for 2
    assert result.util_below == 0 and result.avg_utilisation == Decimal("0.600000")
