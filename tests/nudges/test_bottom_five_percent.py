"""The bottom 5% (RULES "Bottom 5%"; docs/design.md §11.5): ceil(5% × n), at least 1 when n ≥ 1, ties at
the cut-off included, people without a value apart and never nudged."""

from decimal import Decimal

import pytest

from recognition.ranking import bottom_count, bottom_five_percent

D = Decimal


@pytest.mark.parametrize(("n", "k"), [(0, 0), (1, 1), (19, 1), (20, 1), (21, 2), (40, 2), (41, 3), (100, 5)])
def test_bottom_count_is_ceil_of_5_percent_and_at_least_1(n, k):
    assert bottom_count(n) == k


@pytest.mark.parametrize(("n", "k"), [(1, 1), (19, 1), (20, 1), (21, 2), (40, 2)])
def test_distinct_values_pick_exactly_the_k_lowest(n, k):
    values = {i: D(i) for i in range(n)}
    picked, without = bottom_five_percent(values)
    assert picked == {i: i + 1 for i in range(k)}
    assert without == []


def test_everyone_tied_at_the_cut_off_is_included():
    # n = 21 -> k = 2; the 2nd lowest value (50) is shared by three people: all are picked, ranked 2.
    values = {i: D(60 + i) for i in range(17)} | {"low": D(10), "t1": D(50), "t2": D(50), "t3": D(50)}
    picked, _ = bottom_five_percent(values)
    assert picked == {"low": 1, "t1": 2, "t2": 2, "t3": 2}


def test_people_without_a_value_are_listed_apart_and_not_counted_in_n():
    # 20 with a value -> k = 1 (the 21 people with a None would have made it 2).
    values = {i: D(i) for i in range(20)} | {"none": None}
    picked, without = bottom_five_percent(values)
    assert picked == {0: 1}
    assert without == ["none"]


def test_nobody_with_a_value_picks_nobody():
    assert bottom_five_percent({"a": None}) == ({}, ["a"])
