"""Daily scores computed from the database and stored (docs/design.md §9.3–§9.5), on the small world of
conftest.py. Each expected score is worked by hand in the test's comments."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from adoption.models import DailyScore
from adoption.scorecards.computing import compute_day, compute_days
from adoption.scorecards.loading import load_scorecard
from adoption.tasks import compute_daily_scores
from core.errors import AttainError

from .conftest import CORE_YAML, DAY, SMB_YAML, add_usage, scorecard_yaml

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(world):
    load_scorecard(CORE_YAML, user=None)
    load_scorecard(SMB_YAML, user=None)
    return world


def scores(day: date, code: str) -> dict[str, Decimal | None]:
    rows = DailyScore.objects.filter(day=day, scorecard__code=code).select_related("customer")
    return {row.customer.customer_id: row.score for row in rows}


def stored(code: str) -> list[tuple]:
    rows = DailyScore.objects.filter(scorecard__code=code).order_by("day", "customer_id")
    return list(rows.values_list("day", "customer_id", "version_id", "score", "partial", "criteria"))


def test_a_day_is_scored_for_the_customers_of_each_scorecards_segments(loaded):
    computed = compute_day(DAY)

    assert computed.rows == {"core": 3, "smb": 1}
    # ENT-A: utilisation Σmin(active, seats) / Σseats = (5 + 10 + 8) / 30 = 0.766667 → 76.67 points;
    # SSO met → 100; score (3 × 76.67 + 1 × 100) / 4 = 82.5025 → 82.50.
    # ENT-B: 4 / 20 = 0.2 → 20 points; SSO lost on the day → 0; (3 × 20 + 0) / 4 = 15.00.
    # ENT-C: no usage → missing: zero; no milestone → 0.00.
    assert scores(DAY, "core") == {
        "ENT-A": Decimal("82.50"),
        "ENT-B": Decimal("15.00"),
        "ENT-C": Decimal("0.00"),
    }
    # SMB-A: DAU/MAU over 2 days (3 + 4) / (10 + 10) = 0.35 → the band up to 0.5 → 60.
    assert scores(DAY, "smb") == {"SMB-A": Decimal("60.00")}


def test_each_criterion_is_stored_with_its_value_points_and_decision(loaded):
    compute_day(DAY, scorecards=["core"])

    row = DailyScore.objects.get(day=DAY, customer=loaded["ent_a"])
    assert row.version.label == "scorecard core v1" and row.partial is False
    assert row.criteria["util"] == {
        "value": "0.766667",
        "raw": "0.833333",  # uncapped: (5 + 12 + 8) / 30
        "points": "76.67",
        "weight": 3,
        "decision": "measured",
        "band": "",
        "measured_on": "2026-06-30",
    }
    assert row.criteria["sso"]["decision"] == "met" and row.criteria["sso"]["points"] == "100"
    assert (
        DailyScore.objects.get(day=DAY, customer=loaded["ent_c"]).criteria["util"]["decision"]
        == "missing: zero"
    )


def test_computing_a_day_again_gives_the_same_rows(loaded):
    compute_day(DAY)
    first = stored("core") + stored("smb")
    compute_day(DAY)

    assert stored("core") + stored("smb") == first
    assert DailyScore.objects.count() == 4


def test_a_changed_input_is_taken_up_by_the_next_computation_of_the_day(loaded):
    compute_day(DAY, scorecards=["core"])
    add_usage(loaded["ent_c"], DAY, active_users=10, licensed_seats=10)
    compute_day(DAY, scorecards=["core"])

    # ENT-C: 10 / 10 → 100 points × 3, no SSO: 300 / 4 = 75.00.
    assert scores(DAY, "core")["ENT-C"] == Decimal("75.00")


def test_a_backfill_carries_the_last_known_value_within_its_days_then_excludes(loaded):
    compute_days(DAY + timedelta(days=1), DAY + timedelta(days=5), scorecards=["smb"])

    day = {n: scores(DAY + timedelta(days=n), "smb")["SMB-A"] for n in range(1, 6)}
    # DAY+1: window DAY..DAY+1 holds DAY's 4 / 10 = 0.4 → 60. DAY+2 to DAY+4: no usage in the window;
    # the value measured on DAY+1 is within 3 days (day 3 included) → 60. DAY+5: 4 days → excluded, and
    # the only criterion excluded leaves no score.
    assert day == {
        1: Decimal("60.00"),
        2: Decimal("60.00"),
        3: Decimal("60.00"),
        4: Decimal("60.00"),
        5: None,
    }
    carried = DailyScore.objects.get(day=DAY + timedelta(days=4), customer=loaded["smb"])
    assert carried.criteria["dau"]["decision"] == "missing: last known"
    assert carried.criteria["dau"]["measured_on"] == (DAY + timedelta(days=1)).isoformat()
    assert DailyScore.objects.get(day=DAY + timedelta(days=5), customer=loaded["smb"]).partial is True


def test_last_known_reads_the_stored_scores_of_days_computed_before(loaded):
    compute_day(DAY + timedelta(days=1), scorecards=["smb"])
    compute_day(DAY + timedelta(days=3), scorecards=["smb"])

    row = DailyScore.objects.get(day=DAY + timedelta(days=3), customer=loaded["smb"])
    assert row.score == Decimal("60.00") and row.criteria["dau"]["decision"] == "missing: last known"


def test_each_day_is_scored_by_the_version_in_force_unless_a_backfill_names_one(loaded):
    # Version 2 from DAY weighs utilisation 1 instead of 3: ENT-A (76.67 + 100) / 2 = 88.335 → 88.34.
    load_scorecard(
        scorecard_yaml(CORE_YAML, version="2", effective_from=DAY.isoformat()).replace(
            "weight: 3", "weight: 1"
        ),
        user=None,
    )
    compute_days(DAY - timedelta(days=1), DAY, scorecards=["core"])

    before = DailyScore.objects.get(day=DAY - timedelta(days=1), customer=loaded["ent_a"])
    on = DailyScore.objects.get(day=DAY, customer=loaded["ent_a"])
    assert (before.version.version, on.version.version) == (1, 2)
    assert on.score == Decimal("88.34")

    compute_day(DAY, scorecards=["core"], version=1)
    on.refresh_from_db()
    assert (on.version.version, on.score) == (1, Decimal("82.50"))


def test_a_day_before_the_first_version_is_not_scored(loaded):
    assert compute_day(date(2025, 12, 31)).rows == {"core": 0, "smb": 0}
    assert not DailyScore.objects.exists()


def test_a_customer_range_scores_only_its_customers(loaded):
    ent_a = loaded["ent_a"].pk
    compute_day(DAY, scorecards=["core"], customer_range=(ent_a, ent_a))

    assert scores(DAY, "core") == {"ENT-A": Decimal("82.50")}


def test_small_customer_blocks_give_the_rows_one_block_gives(loaded):
    compute_days(DAY - timedelta(days=2), DAY)
    whole = stored("core") + stored("smb")
    DailyScore.objects.all().delete()
    compute_days(DAY - timedelta(days=2), DAY, block=1)

    assert stored("core") + stored("smb") == whole


def test_the_command_backfills_a_range(loaded):
    out = StringIO()
    call_command("compute_scores", "2026-06-28", "2026-06-30", "--scorecard", "core", stdout=out)

    written = DailyScore.objects.count()
    assert (
        f"Computed 3 days from 2026-06-28 to 2026-06-30: {written} scores written by core v1."
        in out.getvalue()
    )
    assert sorted(set(DailyScore.objects.values_list("day", flat=True))) == [
        date(2026, 6, 28),
        date(2026, 6, 29),
        date(2026, 6, 30),
    ]
    with pytest.raises(CommandError, match="A version is named for one scorecard"):
        call_command("compute_scores", "2026-06-28", "2026-06-30", "--version", "1", stdout=out)
    with pytest.raises(CommandError, match="FROM is an ISO date such as 2026-04-01, not June"):
        call_command("compute_scores", "June", "2026-06-30", stdout=out)


def test_one_day_is_one_day_and_the_versions_that_scored_are_named(loaded):
    load_scorecard(scorecard_yaml(CORE_YAML, version="2", effective_from="2026-06-30"), user=None)
    out = StringIO()
    call_command("compute_scores", "2026-06-30", "2026-06-30", "--scorecard", "core", stdout=out)
    call_command("compute_scores", "2026-06-29", "2026-06-30", "--scorecard", "core", stdout=out)

    one = DailyScore.objects.filter(day=DAY).count()
    assert f"Computed 1 day from 2026-06-30 to 2026-06-30: {one} scores written by core v2." in out.getvalue()
    assert "Computed 2 days from 2026-06-29 to 2026-06-30" in out.getvalue()
    assert "written by core v1, v2." in out.getvalue()


def test_days_no_scorecard_is_in_force_on_are_said_not_counted(loaded):
    out = StringIO()
    call_command("compute_scores", "2025-12-01", "2025-12-03", stdout=out)

    assert out.getvalue().strip() == (
        "No scorecard is in force on the 3 days from 2025-12-01 to 2025-12-03: nothing was computed."
    )
    assert not DailyScore.objects.exists()


def test_the_command_names_only_the_date_at_fault_and_refuses_from_after_to(loaded):
    with pytest.raises(CommandError, match=r"^FROM is an ISO date such as 2026-04-01, not 2026-12-40\.$"):
        call_command("compute_scores", "2026-12-40", "2026-06-30", stdout=StringIO())
    with pytest.raises(CommandError, match=r"^TO is an ISO date such as 2026-04-01, not 2026-06-31\.$"):
        call_command("compute_scores", "2026-06-01", "2026-06-31", stdout=StringIO())
    with pytest.raises(
        CommandError, match="FROM 2026-06-30 is after TO 2026-06-28: give the earlier day first"
    ):
        call_command("compute_scores", "2026-06-30", "2026-06-28", stdout=StringIO())


def test_a_day_after_yesterday_is_refused_by_the_service_naming_it(loaded):
    yesterday = timezone.now().date() - timedelta(days=1)
    today = yesterday + timedelta(days=1)

    with pytest.raises(
        AttainError, match=f"^{today} has not ended: scores are computed for days up to yesterday"
    ):
        compute_days(yesterday, today + timedelta(days=5))
    future = today + timedelta(days=30)
    with pytest.raises(CommandError, match=f"^{future} has not ended"):
        call_command("compute_scores", future.isoformat(), (future + timedelta(days=1)).isoformat())
    with pytest.raises(CommandError, match=f"^{future} has not ended"):
        call_command("compute_scores", future.isoformat(), future.isoformat(), "--shards", "4")
    assert not DailyScore.objects.filter(day__gte=today).exists()


def test_the_daily_job_refuses_a_today_whose_yesterday_has_not_ended(loaded):
    future = timezone.now().date() + timedelta(days=3)

    with pytest.raises(AttainError, match=f"^{future - timedelta(days=1)} has not ended"):
        compute_daily_scores.run(today=future.isoformat())
    assert not DailyScore.objects.exists()
