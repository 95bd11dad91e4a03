"""Completing a play's task with a note (docs/design.md §10.6): the assignee, their Geo VP, ops, the CCO or
an admin may; another CSM, another geo's VP and finance may not; a task is completed once."""

import pytest

from accounts.models import Role
from adoption.models import PlayTask
from adoption.portfolio.plays import MAX_NOTE, complete_task
from adoption.portfolio.segments import evaluate_day
from core.errors import AttainError, Conflict, NotAllowed
from tests.builders import make_user

from .conftest import day, set_utilisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(customers, low) -> PlayTask:
    """Ann's first task about C1 (AMER)."""
    set_utilisation(customers.c1, day(0), 50)
    evaluate_day(day(0))
    return PlayTask.objects.select_related("assignee").get(customer=customers.c1, position=0)


@pytest.mark.parametrize("who", ["ann", "vp_amer", "ops", "cco"])
def test_the_assignee_their_geo_vp_ops_and_the_cco_complete_a_task(people, task, who):
    person = getattr(people, who)

    done = complete_task(task=task, user=person, note="  Called Jo; training booked for Monday.  ")

    assert (done.status, done.completed_by, done.note) == (
        "done",
        person,
        "Called Jo; training booked for Monday.",
    )
    assert done.completed_at is not None


def test_an_admin_completes_a_task(task):
    admin = make_user(Role.ADMIN, geo="")

    assert complete_task(task=task, user=admin, note="Closed for the CSM on leave.").status == "done"


@pytest.mark.parametrize(
    ("who", "reason"),
    [
        ("bob", "bob@example.com may not complete task #"),
        ("eve", "eve@example.com may not complete task #"),
        ("vp_emea", "vp.emea@example.com may not complete task #"),
        ("finance", "fin@example.com may not complete task #"),
        ("ae", "ae@example.com may not complete task #"),
    ],
)
def test_another_csm_another_geos_vp_and_finance_may_not(people, task, who, reason):
    with pytest.raises(NotAllowed, match=reason):
        complete_task(task=task, user=getattr(people, who), note="Done.")

    task.refresh_from_db()
    assert task.status == "open"


def test_the_system_does_not_complete_tasks(task):
    with pytest.raises(NotAllowed, match=r"is completed by a person, not by the system"):
        complete_task(task=task, user=None, note="Done.")


def test_completing_twice_is_refused_naming_when_and_by_whom(people, task):
    complete_task(task=task, user=people.ann, note="Called.")

    with pytest.raises(
        Conflict, match=r"Task #\d+ was already completed on .* by ann@example.com: a task is completed once"
    ):
        complete_task(task=task, user=people.vp_amer, note="Called again.")
    task.refresh_from_db()
    assert (task.completed_by, task.note) == (people.ann, "Called.")


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("", r"A note is required to complete task #\d+: say what was done"),
        ("   ", r"A note is required"),
        ("x" * (MAX_NOTE + 1), r"The note of task #\d+ is 2,001 characters: at most 2,000"),
    ],
)
def test_a_note_is_required_and_at_most_2000_characters(people, task, note, message):
    with pytest.raises(AttainError, match=message):
        complete_task(task=task, user=people.ann, note=note)
    task.refresh_from_db()
    assert task.status == "open"


def test_a_note_of_exactly_2000_characters_is_kept(people, task):
    assert len(complete_task(task=task, user=people.ann, note="x" * MAX_NOTE).note) == MAX_NOTE
