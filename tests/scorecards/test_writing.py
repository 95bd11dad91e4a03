"""Storing a day's scores on PostgreSQL (docs/design.md §9.5): a day not computed yet is copied straight
into the table; a day computed before, or stored by another run meanwhile, is upserted — either way
the same rows. CI runs these (DATABASE_URL set); on the SQLite default they are skipped."""

from __future__ import annotations

import pytest
from django.conf import settings

from adoption.models import DailyScore
from adoption.scorecards import computing
from adoption.scorecards.computing import compute_day
from adoption.scorecards.loading import load_scorecard

from .conftest import CORE_YAML, DAY, SMB_YAML, add_usage

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="needs PostgreSQL"
    ),
    pytest.mark.django_db,
]


def stored() -> list[tuple]:
    rows = DailyScore.objects.order_by("scorecard_id", "customer_id")
    return list(rows.values_list("customer_id", "version_id", "score", "partial", "criteria"))


@pytest.fixture
def loaded(world):
    load_scorecard(CORE_YAML, user=None)
    load_scorecard(SMB_YAML, user=None)
    return world


def test_a_new_day_copied_into_the_table_reads_back_as_computed(loaded):
    compute_day(DAY)
    copied = stored()
    DailyScore.objects.all().delete()
    compute_day(DAY)

    assert stored() == copied
    assert {row[0] for row in copied} == {c.pk for c in loaded.values()}


def test_rows_stored_meanwhile_by_another_run_are_upserted_not_refused(loaded, monkeypatch):
    compute_day(DAY)
    add_usage(loaded["ent_c"], DAY, active_users=10, licensed_seats=10)
    # As if another run stored the day between our check and our copy: the copy meets the unique key.
    monkeypatch.setattr(computing, "_stored_before", lambda *args: False)
    compute_day(DAY)

    ent_c = DailyScore.objects.get(day=DAY, customer=loaded["ent_c"])
    assert ent_c.score is not None and ent_c.score > 0  # the new computation, not the first one
    assert DailyScore.objects.count() == 4
