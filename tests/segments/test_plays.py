"""Plays (docs/design.md §10.6): entering a segment makes each task once for the customer's CSM that day,
the account executive is told once, and the daily job run twice makes nothing new."""

from datetime import date

import pytest

from adoption.models import Ownership, Play, PlayNotification, PlayTask
from adoption.portfolio.segments import evaluate_day
from adoption.tasks import send_play_notification
from core.errors import AttainError

from .conftest import day, set_utilisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mails_in_process(monkeypatch):
    """The real e-mail task, called synchronously: independent of CELERY_TASK_ALWAYS_EAGER and REDIS_URL."""
    monkeypatch.setattr(send_play_notification, "delay", lambda *args: send_play_notification(*args))


@pytest.fixture
def run(django_capture_on_commit_callbacks, mailoutbox):
    """``run(day)``: the daily job of ``day``, with what it queues on commit (the e-mails) carried out."""

    def evaluate(on):
        with django_capture_on_commit_callbacks(execute=True):
            return evaluate_day(on)

    return evaluate


def tasks() -> list[tuple[str, str, str, date, date]]:
    return [
        (t.customer.customer_id, t.assignee.email, t.title, t.created_on, t.due_on)
        for t in PlayTask.objects.select_related("customer", "assignee").order_by(
            "customer__customer_id", "position"
        )
    ]


def test_entering_makes_each_task_for_the_customers_csm_appearing_the_next_day_due_after_its_days(
    customers, low, run
):
    """The daily job evaluates yesterday: a task appears the day after the evaluated day and its
    due_days count from then (docs/design.md §10.6)."""
    set_utilisation(customers.c1, day(0), 50)
    set_utilisation(customers.c3, day(0), 10)

    done = run(day(0))

    assert tasks() == [
        ("C1", "ann@example.com", "Call the sponsor", day(1), day(4)),
        ("C1", "ann@example.com", "Run a training", day(1), day(15)),
        ("C3", "eve@example.com", "Call the sponsor", day(1), day(4)),
        ("C3", "eve@example.com", "Run a training", day(1), day(15)),
    ]
    assert (done.tasks, done.unassigned) == (4, 0)
    assert set(PlayTask.objects.values_list("status", flat=True)) == {"open"}


def test_the_task_goes_to_the_csm_owning_the_customer_on_the_day_it_entered(customers, low, people, run):
    Ownership.objects.create(customer=customers.c1, employee=people.bob, start_date=day(1))
    set_utilisation(customers.c1, day(0), 70)
    run(day(0))
    set_utilisation(customers.c1, day(1), 50)

    run(day(1))

    assert {email for _, email, *_ in tasks()} == {"bob@example.com"}


def test_running_the_daily_job_again_makes_no_duplicate_task_notification_or_mail(
    customers, low, mailoutbox, run
):
    set_utilisation(customers.c1, day(0), 50)
    first = run(day(0))

    second = run(day(0))

    assert (first.tasks, first.notifications) == (2, 1)
    assert (second.tasks, second.notifications) == (0, 0)
    assert PlayTask.objects.count() == 2
    assert PlayNotification.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_customer_nobody_owns_gets_no_task_and_is_counted(customers, low, run):
    set_utilisation(customers.c4, day(0), 10)

    done = run(day(0))

    assert (done.tasks, done.unassigned) == (0, 1)
    assert not PlayTask.objects.exists()


def test_the_account_executive_gets_one_mail_naming_customer_segment_and_tasks(
    customers, low, people, mailoutbox, run
):
    set_utilisation(customers.c1, day(0), 50)
    set_utilisation(customers.c2, day(0), 50)  # no account executive: no mail

    done = run(day(0))

    (mail,) = mailoutbox
    assert mail.to == ["ae@example.com"]
    assert mail.subject == "Attain: Acme (C1) entered Low utilisation"
    assert "entered the segment Low utilisation on 2026-06-01" in mail.body
    assert "Call the sponsor (Ann Amer, due 2026-06-05)" in mail.body
    assert "/segments/low_util/" in mail.body
    (notification,) = PlayNotification.objects.all()
    assert (notification.recipient, notification.membership.customer) == (people.ae, customers.c1)
    assert done.notifications == 1


def test_no_mail_without_notify_ae_or_to_an_inactive_account_executive(
    customers, low, people, mailoutbox, run
):
    people.ae.is_active = False
    people.ae.save()
    set_utilisation(customers.c1, day(0), 50)
    run(day(0))
    Play.objects.update(notify_ae=False)
    people.ae.is_active = True
    people.ae.save()
    set_utilisation(customers.c1, day(1), 70)
    run(day(1))
    set_utilisation(customers.c1, day(2), 50)  # enters again, but the play no longer notifies

    run(day(2))

    assert mailoutbox == [] and not PlayNotification.objects.exists()
    assert PlayTask.objects.count() == 4  # two per entry


def test_a_re_entry_is_a_new_membership_with_its_own_tasks(customers, low, run):
    set_utilisation(customers.c1, day(0), 50)
    run(day(0))
    set_utilisation(customers.c1, day(1), 90)
    run(day(1))
    set_utilisation(customers.c1, day(2), 50)

    run(day(2))

    assert [created for _, _, _, created, _ in tasks()] == [day(1), day(3), day(1), day(3)]


def test_an_inactive_play_makes_nothing(customers, low, run):
    Play.objects.update(active=False)
    set_utilisation(customers.c1, day(0), 50)

    assert run(day(0)).tasks == 0


def test_a_play_with_bad_tasks_refuses_the_day_and_nothing_is_written(customers, low, run):
    Play.objects.update(tasks=[{"title": "Call", "due_days": -1}])
    set_utilisation(customers.c1, day(0), 50)

    with pytest.raises(
        AttainError, match=r"tasks\[0\].due_days must be a whole number of days from 0 to 3,650, not -1"
    ):
        run(day(0))
    assert not PlayTask.objects.exists()
    assert not low.memberships.exists()  # the day's evaluation rolled back with it
