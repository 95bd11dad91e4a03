"""Evaluating segments day by day (docs/design.md §10.5): members enter and leave with their days, may
enter again, each day is recorded once, days go forward, and a day not ended is refused."""

from datetime import date

import pytest

from adoption.models import Segment, SegmentEvaluation, SegmentMembership
from adoption.portfolio.segments import evaluate_segments
from core.errors import AttainError

from .conftest import day, set_utilisation

pytestmark = pytest.mark.django_db


def history(segment) -> list[tuple[str, date, date | None]]:
    return [
        (m.customer.customer_id, m.entered_on, m.left_on)
        for m in SegmentMembership.objects.filter(segment=segment)
        .select_related("customer")
        .order_by("customer__customer_id", "entered_on")
    ]


def test_customers_enter_leave_and_enter_again_with_their_days(customers, low):
    c1, c2 = customers.c1, customers.c2
    set_utilisation(c1, day(0), 50)  # low
    set_utilisation(c2, day(0), 60)  # exactly 60 %: not low
    evaluate_segments(day(0))
    set_utilisation(c1, day(1), 59)
    set_utilisation(c2, day(1), 10)
    evaluate_segments(day(1))
    set_utilisation(c1, day(2), 60)  # recovered: leaves
    set_utilisation(c2, day(2), 10)
    evaluate_segments(day(2))
    set_utilisation(c1, day(5), 1)  # low again three days later: a second membership
    # c2 has no usage on day 5: no utilisation, so not a member (missing, not zero)
    result = evaluate_segments(day(5))

    assert history(low) == [
        ("C1", day(0), day(2)),
        ("C1", day(5), None),
        ("C2", day(1), day(5)),
    ]
    evaluations = SegmentEvaluation.objects.filter(segment=low).order_by("day")
    assert [(e.day, e.members, e.entered, e.left) for e in evaluations] == [
        (day(0), 1, 1, 0),
        (day(1), 2, 1, 0),
        (day(2), 1, 0, 1),
        (day(5), 1, 1, 1),
    ]
    (only,) = result.segments
    assert (only.code, only.members, only.entered, only.left, only.already) == ("low_util", 1, 1, 1, False)


def test_evaluating_the_same_day_again_changes_nothing(customers, low):
    set_utilisation(customers.c1, day(0), 50)
    evaluate_segments(day(0))
    set_utilisation(customers.c2, day(0), 10)  # data changed since: the day stays as evaluated

    again = evaluate_segments(day(0))

    assert history(low) == [("C1", day(0), None)]
    assert SegmentEvaluation.objects.filter(segment=low).count() == 1
    assert [(s.members, s.entered, s.already) for s in again.segments] == [(1, 1, True)]


def test_a_day_before_the_last_evaluated_day_is_refused_naming_both_days(customers, low):
    evaluate_segments(day(3))

    with pytest.raises(
        AttainError, match=r"Segment low_util was last evaluated on 2026-06-04; 2026-06-02 is before"
    ):
        evaluate_segments(day(1))
    assert SegmentEvaluation.objects.count() == 1


def test_a_day_after_yesterday_is_refused_naming_it(customers, low):
    with pytest.raises(AttainError, match=r"2026-06-10 has not ended: .* up to yesterday, 2026-06-09"):
        evaluate_segments(date(2026, 6, 10), today=date(2026, 6, 10))
    evaluate_segments(date(2026, 6, 9), today=date(2026, 6, 10))  # yesterday is fine


def test_inactive_segments_are_not_evaluated_and_a_new_one_starts_on_its_first_day(customers, low):
    low.active = False
    low.save()
    top = Segment.objects.create(code="top", name="Top", rule="top_usage", params={"top": 1})
    set_utilisation(customers.c1, day(0), 50)
    set_utilisation(customers.c3, day(0), 70)

    result = evaluate_segments(day(0))

    assert [s.code for s in result.segments] == ["top"]
    assert history(top) == [("C3", day(0), None)]
    assert not SegmentMembership.objects.filter(segment=low).exists()


def test_only_the_segments_named_are_evaluated_and_an_unknown_code_is_refused(customers, low):
    Segment.objects.create(code="top", name="Top", rule="top_usage")

    evaluate_segments(day(0), codes=["top"])
    assert list(SegmentEvaluation.objects.values_list("segment__code", flat=True)) == ["top"]
    with pytest.raises(AttainError, match=r"No active segment nope \(the active segments: low_util, top\)"):
        evaluate_segments(day(0), codes=["nope"])


def test_a_segment_with_bad_params_refuses_the_day_and_nothing_is_written(customers, low):
    Segment.objects.create(code="zz_bad", name="Bad", rule="low_utilisation", params={"treshold": "0.5"})
    set_utilisation(customers.c1, day(0), 50)

    with pytest.raises(AttainError, match=r"Segment zz_bad: low_utilisation: unknown param treshold"):
        evaluate_segments(day(0))
    assert not SegmentMembership.objects.exists() and not SegmentEvaluation.objects.exists()
