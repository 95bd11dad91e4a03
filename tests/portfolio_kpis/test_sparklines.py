"""The tiles' sparklines read the stored days as computed: a day whose count had no customer measured is
stored without a value and drawn as a gap said "no value", never as 0 (docs/design.md §10.2, §10.7)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from adoption.portfolio.kpi_days import compute_kpi_days
from dashboards.portfolio import csm_board, trend_days

from .conftest import DAY, TODAY

pytestmark = pytest.mark.django_db


def test_a_count_computed_without_a_value_is_a_gap_said_no_value(world):
    # alice's book (c1, c2) has seats on DAY only within these weeks: DAY − 7 has no utilisation.
    compute_kpi_days(DAY - timedelta(days=7), DAY - timedelta(days=7), today=TODAY)
    compute_kpi_days(DAY, DAY, today=TODAY)

    tiles = {tile.code: tile for tile in csm_board(world["alice"]).tiles}

    below = tiles["util_below_60"]
    assert [(value, text) for _, value, text in below.trend][-3:] == [
        (None, "not stored"),
        (None, "no value"),
        (1, "1"),
    ]
    assert below.sparkline.lines == () and len(below.sparkline.dots) == 1  # never drawn as 0
    # weekly_active reads active_users rows, which c1 has in each of the 4 weeks before DAY − 7 (DAY − 7,
    # − 14, − 21, − 30): a value on both days.
    assert [text for _, _, text in tiles["weekly_active"].trend][-2:] == ["1", "1"]


def test_a_sparkline_near_the_calendars_first_day_leaves_out_the_weeks_before_it():
    assert trend_days(date(1, 1, 15), 12) == [date(1, 1, 1), date(1, 1, 8), date(1, 1, 15)]
