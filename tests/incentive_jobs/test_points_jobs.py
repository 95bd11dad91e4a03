"""The nightly points jobs: earning the month just ended from the stored person metrics, and writing off
what is past its last day — each a second time writing nothing (docs/design.md §11.4)."""

from datetime import date

from accounts.models import Role
from incentives.models import PointsEntry
from incentives.services.points import balance_of
from incentives.tasks import earn_monthly_points, expire_old_points
from tests.builders import make_user
from tests.points.conftest import logins_rule

from .conftest import metric


def ledger():
    return list(
        PointsEntry.objects.order_by("pk").values_list("employee__employee_id", "kind", "points", "on")
    )


def test_the_month_just_ended_is_earned_once_from_the_stored_metrics(ops):
    logins_rule(ops, points=10, threshold="90", start=date(2021, 1, 1))
    keen, close, short = (make_user(Role.CSM, employee_id=e) for e in ("K-1", "K-2", "K-3"))
    metric(keen, date(2021, 5, 1), "96", month=True)  # a month's own row: 96
    metric(close, date(2021, 5, 3), "85")  # mean of 85 and 95 = 90: at the threshold, earns
    metric(close, date(2021, 5, 20), "95")
    metric(short, date(2021, 5, 3), "89.9999")  # below, by a hair
    metric(short, date(2021, 6, 1), "100")  # June: not the month just ended

    first = earn_monthly_points(today="2021-06-01")
    again = earn_monthly_points(today="2021-06-15")

    assert first == {"month": "2021-05", "lots": 2, "points": 20, "already": 0}
    assert again == {"month": "2021-05", "lots": 0, "points": 0, "already": 2}
    assert ledger() == [
        ("K-1", "earned", 10, date(2021, 5, 31)),
        ("K-2", "earned", 10, date(2021, 5, 31)),
    ]


def test_a_row_imported_late_in_the_next_month_still_earns_on_the_next_run(ops):
    logins_rule(ops, start=date(2021, 1, 1))
    early, late = make_user(Role.CSM, employee_id="E-1"), make_user(Role.CSM, employee_id="L-1")
    metric(early, date(2021, 5, 1), "95", month=True)
    earn_monthly_points(today="2021-06-01")

    metric(late, date(2021, 5, 1), "91", month=True)
    result = earn_monthly_points(today="2021-06-02")

    assert result == {"month": "2021-05", "lots": 1, "points": 10, "already": 1}
    assert [row[0] for row in ledger()] == ["E-1", "L-1"]


def test_points_expire_the_day_after_their_last_day_once(ops):
    # 10 points of January 2025, 12 months: still there all of 2026-01-31, gone on 2026-02-01.
    logins_rule(ops, points=10, start=date(2025, 1, 1))
    person = make_user(Role.CSM, employee_id="X-1")
    metric(person, date(2025, 1, 1), "95", month=True)
    earn_monthly_points(today="2025-02-01")

    assert expire_old_points(today="2026-01-31") == {"day": "2026-01-31", "lots": 0, "points": 0}
    assert expire_old_points(today="2026-02-01") == {"day": "2026-02-01", "lots": 1, "points": 10}
    assert expire_old_points(today="2026-02-01") == {"day": "2026-02-01", "lots": 0, "points": 0}
    assert expire_old_points(today="2026-03-01") == {"day": "2026-03-01", "lots": 0, "points": 0}

    assert ledger() == [
        ("X-1", "earned", 10, date(2025, 1, 31)),
        ("X-1", "expired", -10, date(2026, 2, 1)),
    ]
    assert balance_of(person, date(2026, 2, 1)).balance == 0
