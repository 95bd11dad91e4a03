"""Contest ranking and prize split (docs/design.md §11.5; RULES "Contests")."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from commissions.services.person_metrics import values_from
from core.errors import NotAllowed
from recognition.errors import ContestFrozen, RecognitionInvalid, WrongStatus
from recognition.models import ContestWinner
from recognition.ranking import competition_ranks, split_prize
from recognition.services.contests import add_event, events_from_metric, finish_contest, standings
from tests.builders import make_user

from .conftest import END, active_contest

D = Decimal


def test_competition_ranking_gives_tied_people_one_rank_and_skips_the_next():
    assert competition_ranks({"a": D(95), "b": D(100), "c": D(100), "d": D(90)}) == {
        "b": 1,
        "c": 1,
        "a": 3,
        "d": 4,
    }


@pytest.mark.parametrize(
    ("prize", "k", "shares"),
    [
        ("100.00", 3, ["33.34", "33.33", "33.33"]),
        ("200.00", 3, ["66.67", "66.67", "66.66"]),
        ("0.05", 3, ["0.02", "0.02", "0.01"]),
        ("50.00", 2, ["25.00", "25.00"]),
        ("99.99", 1, ["99.99"]),
    ],
)
def test_prize_split_sums_to_the_cent_with_left_cents_in_employee_id_order(prize, k, shares):
    split = split_prize(D(prize), list(range(k)))
    assert [split[i] for i in range(k)] == [D(s) for s in shares]
    assert sum(split.values()) == D(prize)


def test_a_tie_ranks_1_1_3_and_the_tied_winners_share_the_prize(db, ops):
    ann, bob, cat = (make_user(Role.CSM, employee_id=e) for e in ("E1", "E2", "E3"))
    contest = active_contest(ops, [ann, bob, cat], prize="100.00")
    add_event(contest=contest, user=ops, employee=cat, day=date(2021, 5, 3), points=D(-5), reason="slip")
    add_event(contest=contest, user=ops, employee=bob, day=date(2021, 5, 4), points=D(-5), reason="slip")
    add_event(contest=contest, user=ops, employee=bob, day=date(2021, 5, 5), points=D(5), reason="fixed")

    rows = standings(contest)
    assert [(r.employee.employee_id, r.score, r.rank) for r in rows] == [
        ("E1", D(100), 1),
        ("E2", D(100), 1),
        ("E3", D(95), 3),
    ]

    winners = finish_contest(contest=contest, user=ops, on=END)
    assert [(w.employee.employee_id, w.score, w.prize_share) for w in winners] == [
        ("E1", D(100), D("50.00")),
        ("E2", D(100), D("50.00")),
    ]


def test_three_tied_winners_share_100_to_the_cent_the_left_cent_to_the_lowest_employee_id(db, ops):
    people = [make_user(Role.CSM, employee_id=e) for e in ("E3", "E1", "E2")]
    contest = active_contest(ops, people, prize="100.00")
    finish_contest(contest=contest, user=ops, on=END)
    rows = ContestWinner.objects.filter(contest=contest).order_by("employee__employee_id")
    assert [(w.employee.employee_id, w.prize_share) for w in rows] == [
        ("E1", D("33.34")),
        ("E2", D("33.33")),
        ("E3", D("33.33")),
    ]
    assert sum(w.prize_share for w in rows) == D("100.00")


def test_finish_is_idempotent_and_writes_the_winners_once(db, ops):
    ann, bob = make_user(Role.CSM), make_user(Role.CSM)
    contest = active_contest(ops, [ann, bob])
    add_event(contest=contest, user=ops, employee=bob, day=date(2021, 5, 3), points=D(-5), reason="slip")
    first = finish_contest(contest=contest, user=ops, on=END)
    again = finish_contest(contest=contest, user=ops, on=END)
    assert [w.pk for w in again] == [w.pk for w in first]
    assert ContestWinner.objects.filter(contest=contest).count() == 1
    assert first[0].employee == ann and first[0].prize_share == D("100.00")


def test_a_finished_contest_is_frozen(db, ops):
    ann = make_user(Role.CSM)
    contest = active_contest(ops, [ann])
    finish_contest(contest=contest, user=ops, on=END)
    with pytest.raises(ContestFrozen):
        add_event(contest=contest, user=ops, employee=ann, day=date(2021, 5, 3), points=D(-5), reason="slip")
    with pytest.raises(ContestFrozen):
        events_from_metric(
            contest=contest,
            user=ops,
            metric="demerits",
            points_per_unit=D(-5),
            metrics=values_from([(ann.pk, date(2021, 5, 3), D(1))]),
        )


def test_a_contest_does_not_finish_before_its_end(db, ops):
    contest = active_contest(ops, [make_user(Role.CSM)])
    with pytest.raises(WrongStatus):
        finish_contest(contest=contest, user=ops, on=date(2021, 5, 30))


def test_demerits_become_events_of_count_times_points_once(db, ops):
    ann, bob = make_user(Role.CSM), make_user(Role.CSM)
    contest = active_contest(ops, [ann, bob])
    source = values_from(
        [
            (ann.pk, date(2021, 5, 3), D(2)),
            (bob.pk, date(2021, 5, 3), D(0)),
            (bob.pk, date(2021, 5, 4), D(1)),
            (bob.pk, date(2021, 6, 1), D(9)),  # after the contest
        ]
    )
    written = events_from_metric(
        contest=contest, user=ops, metric="demerits", points_per_unit=D(-5), metrics=source
    )
    assert sorted((e.employee_id, e.points) for e in written) == sorted([(ann.pk, D(-10)), (bob.pk, D(-5))])
    assert (
        events_from_metric(
            contest=contest, user=ops, metric="demerits", points_per_unit=D(-5), metrics=source
        )
        == []
    )
    assert [(r.employee, r.score, r.rank) for r in standings(contest)] == [(bob, D(95), 1), (ann, D(90), 2)]


def test_events_only_for_participants_within_the_dates(db, ops):
    ann, outsider = make_user(Role.CSM), make_user(Role.CSM)
    contest = active_contest(ops, [ann])
    with pytest.raises(RecognitionInvalid, match="does not take part"):
        add_event(contest=contest, user=ops, employee=outsider, day=date(2021, 5, 3), points=D(1), reason="x")
    with pytest.raises(RecognitionInvalid, match="outside the contest"):
        add_event(contest=contest, user=ops, employee=ann, day=date(2021, 6, 3), points=D(1), reason="x")


def test_a_csm_may_not_enter_events(db, ops):
    ann = make_user(Role.CSM)
    contest = active_contest(ops, [ann])
    with pytest.raises(NotAllowed):
        add_event(contest=contest, user=ann, employee=ann, day=date(2021, 5, 3), points=D(5), reason="me")


def test_an_event_on_a_day_of_a_closed_quarter_is_refused(db, ops):
    from django.utils import timezone

    from commissions.models import Period
    from core.fiscal import calendar

    ann = make_user(Role.CSM)
    contest = active_contest(ops, [ann])
    quarter = calendar().period_of(date(2021, 5, 3))
    Period.objects.create(
        code=quarter.code,
        start=date(2021, 5, 1),  # FY22-Q2 (fiscal year from February)
        end=date(2021, 7, 31),
        status="closed",
        closed_at=timezone.now(),
        closed_by=ops,
    )
    with pytest.raises(ContestFrozen, match=quarter.code):
        add_event(contest=contest, user=ops, employee=ann, day=date(2021, 5, 3), points=D(-5), reason="slip")
    source = values_from([(ann.pk, date(2021, 5, 3), D(1))])
    assert (
        events_from_metric(
            contest=contest, user=ops, metric="demerits", points_per_unit=D(-5), metrics=source
        )
        == []
    )
