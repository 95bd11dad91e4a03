"""A play's measured effect (docs/design.md §10.6): among the memberships it ran on that entered at least
N days before the day (or already left), the share that left within N days of entering, day N included."""

from datetime import timedelta
from decimal import Decimal

import pytest

from adoption.models import Play, PlayTask, SegmentMembership
from adoption.portfolio.plays import play_effect
from tests.builders import make_customer

from .conftest import DAY

pytestmark = pytest.mark.django_db


def on(n: int):
    return DAY + timedelta(days=n)


@pytest.fixture
def play(people, low):
    return Play.objects.get(code="low_util_outreach")  # recovery_days 10


def ran_on(play, people, entered: int, left: int | None, *, with_task: bool = True) -> SegmentMembership:
    customer = make_customer(owner=people.ann)
    membership = SegmentMembership.objects.create(
        segment=play.segment,
        customer=customer,
        entered_on=on(entered),
        left_on=None if left is None else on(left),
    )
    if with_task:
        PlayTask.objects.create(
            play=play,
            membership=membership,
            position=0,
            customer=customer,
            assignee=people.ann,
            title="Call the sponsor",
            created_on=on(entered),
            due_on=on(entered + 3),
        )
    return membership


def test_the_share_that_left_within_the_recovery_days_day_n_included(play, people):
    ran_on(play, people, 0, 10)  # left on day 10 after entering: recovered
    ran_on(play, people, 0, 11)  # day 11: too late
    ran_on(play, people, 0, None)  # still a member after 20 days
    ran_on(play, people, 5, 6)  # left the day after entering: recovered
    ran_on(play, people, 12, None)  # entered 8 days before the day: not measured yet
    ran_on(play, people, 12, 15)  # left already: measured, recovered
    ran_on(play, people, 0, 3, with_task=False)  # the play never ran on it

    effect = play_effect(play, on(20))

    assert (effect.measured, effect.recovered) == (5, 3)
    assert effect.share == Decimal("0.600000")


def test_a_membership_entered_exactly_n_days_before_is_measured(play, people):
    ran_on(play, people, 10, None)

    assert play_effect(play, on(20)).measured == 1
    assert play_effect(play, on(19)).measured == 0


def test_a_leave_after_the_day_is_not_counted_yet(play, people):
    ran_on(play, people, 0, 8)

    early = play_effect(play, on(7))
    late = play_effect(play, on(10))

    assert (early.measured, early.recovered, early.share) == (0, 0, None)
    assert (late.measured, late.recovered, late.share) == (1, 1, Decimal("1.000000"))


def test_the_share_is_a_ratio_of_exact_decimals(play, people):
    for left in (5, None, None):
        ran_on(play, people, 0, left)

    assert play_effect(play, on(30)).share == Decimal("0.333333")


def test_nothing_measured_gives_no_share(play):
    effect = play_effect(play, on(30))

    assert (effect.measured, effect.recovered, effect.share) == (0, 0, None)
