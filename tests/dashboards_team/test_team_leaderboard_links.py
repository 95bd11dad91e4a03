"""A Geo VP opens a CSM's quarter and statements from the team's leaderboard: each name is a link."""

import pytest

from dashboards.team.selectors import Leaderboard
from dashboards.team.views import leaderboard_table

pytestmark = pytest.mark.django_db


def test_each_name_on_the_leaderboard_links_to_the_csms_quarter():
    board = Leaderboard(components=[])
    board.rows.append({"csm": "Erin One", "employee_id": "E1", "plan": "CS-FY22", "currency": "USD"})

    table = leaderboard_table(board)

    [row] = table.rows
    assert table.links == {"csm": "url"} and row["url"] == "/my/E1/"


def test_the_leaderboard_title_says_what_it_ranks_by():
    table = leaderboard_table(Leaderboard(components=[]))

    # selectors.leaderboard ranks by payout ÷ on-target amount (tests/dashboards_team), and the title says so.
    assert table.title == "Leaderboard by projected payout ÷ on-target amount, this quarter"
