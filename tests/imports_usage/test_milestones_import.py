"""The milestones import (DESIGN §3 ``milestones``, §9.4): a customer's criterion achieved on a day and
maybe lost later; the natural key is (customer_id, criterion, achieved_on)."""

from datetime import date

import pytest

from adoption.models import MilestoneRecord

from .conftest import MILESTONES, lines

pytestmark = pytest.mark.django_db


def stored() -> set[tuple]:
    return set(
        MilestoneRecord.objects.values_list("customer__customer_id", "criterion", "achieved_on", "lost_on")
    )


def test_milestones_are_upserted_on_customer_criterion_and_achieved_on(customers, run_import):
    first = run_import(
        "milestones",
        lines(MILESTONES, "C1,sso_integrated,2026-01-10,", "C2,sso_integrated,2026-01-12,2026-03-01"),
    )
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    lost = run_import(
        "milestones",
        lines(
            MILESTONES, "C1,sso_integrated,2026-01-10,2026-04-01", "C2,sso_integrated,2026-01-12,2026-03-01"
        ),
    )
    assert (lost.created, lost.updated, lost.unchanged) == (0, 1, 1)
    assert stored() == {
        ("C1", "sso_integrated", date(2026, 1, 10), date(2026, 4, 1)),
        ("C2", "sso_integrated", date(2026, 1, 12), date(2026, 3, 1)),
    }


def test_lost_on_before_or_on_achieved_on_is_refused(customers, refusal):
    errors = refusal(
        "milestones",
        lines(
            MILESTONES, "C1,sso_integrated,2026-01-10,2026-01-09", "C2,sso_integrated,2026-01-10,2026-01-10"
        ),
    )
    assert errors == [
        (2, "lost_on", "2026-01-09", "lost_on must be after achieved_on 2026-01-10"),
        (3, "lost_on", "2026-01-10", "lost_on must be after achieved_on 2026-01-10"),
    ]
    assert not MilestoneRecord.objects.exists()


def test_a_milestone_dated_after_today_is_refused_as_a_typo(customers, refusal):
    from django.utils import timezone

    today = timezone.localdate()
    errors = refusal("milestones", lines(MILESTONES, "C1,sso_integrated,2030-01-01,"))
    assert errors == [
        (
            2,
            "achieved_on",
            "2030-01-01",
            f"achieved_on 2030-01-01 is after today ({today}): import what has happened",
        )
    ]
    assert not MilestoneRecord.objects.exists()


def test_a_milestone_file_is_refused_whole_for_an_unknown_customer_or_a_repeated_key(customers, refusal):
    errors = refusal(
        "milestones",
        lines(
            MILESTONES,
            "C1,sso_integrated,2026-01-10,",
            "C9,sso_integrated,2026-01-10,",
            "C1,sso_integrated,2026-01-10,2026-02-01",
        ),
    )
    assert errors == [
        (3, "customer_id", "C9", "unknown customer 'C9': not in the database"),
        (
            4,
            "customer_id",
            "C1",
            "duplicate customer_id/criterion/achieved_on C1, sso_integrated, 2026-01-10: already on line 2",
        ),
    ]
    assert not MilestoneRecord.objects.exists()


def test_a_milestone_achieved_again_after_it_was_lost_is_a_second_row(customers, run_import):
    run_import(
        "milestones",
        lines(MILESTONES, "C1,sso_integrated,2026-01-10,2026-02-01", "C1,sso_integrated,2026-03-01,"),
    )
    assert MilestoneRecord.objects.count() == 2
