"""The month-end nudges (docs/design.md §11.5): the bottom 5% e-mailed once, recorded, a rerun sends
nothing, a config switched off sends nothing."""

from datetime import date
from decimal import Decimal

import pytest

from commissions.services.person_metrics import values_from
from core.errors import NotAllowed
from recognition.errors import RecognitionInvalid
from recognition.models import Nudge, NudgeMonth
from recognition.services.nudges import save_config, send_nudges, switch

from .conftest import csms

D = Decimal
MAY = date(2021, 5, 1)


def test_bottom_5_percent_of_21_gets_two_emails_and_tasks(
    db, config, mailoutbox, django_capture_on_commit_callbacks
):
    people = csms(22)
    # 21 with a value (mean of May's days), the last without: k = ceil(1.05) = 2.
    rows = [(p.pk, date(2021, 5, 10), D(50 + i)) for i, p in enumerate(people[:21])]
    rows.append((people[0].pk, date(2021, 5, 20), D(40)))  # people[0]: mean (50 + 40) / 2 = 45
    with django_capture_on_commit_callbacks(execute=True):
        run = send_nudges(MAY, metrics=values_from(rows))
    nudges = list(Nudge.objects.order_by("rank"))
    assert [(n.employee, n.value, n.rank, n.of) for n in nudges] == [
        (people[0], D(45), 1, 21),
        (people[1], D(51), 2, 21),
    ]
    assert run.without_value["logins"] == [people[21].pk]
    assert sorted(m.to[0] for m in mailoutbox) == sorted([people[0].email, people[1].email])
    first = next(m for m in mailoutbox if m.to == [people[0].email])
    assert first.subject == "Your login_rate in 2021-05"
    assert "was 45. Task: Prepare a 5-minute demo of a feature" in first.body
    assert all(n.emailed_at for n in Nudge.objects.all())
    assert Nudge.objects.get(employee=people[0]).task == "Prepare a 5-minute demo of a feature"


def test_people_without_a_value_are_never_nudged(db, config, mailoutbox, django_capture_on_commit_callbacks):
    people = csms(3)
    with django_capture_on_commit_callbacks(execute=True):
        run = send_nudges(MAY, metrics=values_from([(people[0].pk, MAY, D(80))]))
    assert [n.employee for n in Nudge.objects.all()] == [people[0]]
    assert sorted(run.without_value["logins"]) == sorted([people[1].pk, people[2].pk])
    assert [m.to for m in mailoutbox] == [[people[0].email]]


def test_ties_at_the_cut_off_are_all_nudged(db, config, mailoutbox, django_capture_on_commit_callbacks):
    people = csms(20)  # k = 1, but two share the lowest value
    rows = [(p.pk, MAY, D(70 + i)) for i, p in enumerate(people)]
    rows[5] = (people[5].pk, MAY, D(70))
    with django_capture_on_commit_callbacks(execute=True):
        send_nudges(MAY, metrics=values_from(rows))
    assert sorted((n.employee.pk, n.rank) for n in Nudge.objects.all()) == sorted(
        [(people[0].pk, 1), (people[5].pk, 1)]
    )
    assert len(mailoutbox) == 2


def test_the_monthly_job_is_idempotent_a_rerun_sends_nothing(
    db, config, mailoutbox, django_capture_on_commit_callbacks
):
    people = csms(2)
    source = values_from([(people[0].pk, MAY, D(10)), (people[1].pk, MAY, D(90))])
    with django_capture_on_commit_callbacks(execute=True):
        first = send_nudges(MAY, metrics=source)
    with django_capture_on_commit_callbacks(execute=True):
        again = send_nudges(date(2021, 5, 31), metrics=source)
    assert first.sent == 1 and again.sent == 0
    assert again.skipped == {"logins": "already sent"}
    assert Nudge.objects.count() == 1 and NudgeMonth.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_config_switched_off_sends_nothing(db, cco, config, mailoutbox, django_capture_on_commit_callbacks):
    people = csms(2)
    switch(user=cco, code="logins", enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        run = send_nudges(MAY, metrics=values_from([(people[0].pk, MAY, D(10))]))
    assert run.sent == 0 and run.skipped == {"logins": "switched off"}
    assert not Nudge.objects.exists() and not NudgeMonth.objects.exists()
    assert mailoutbox == []


def test_only_the_cco_edits_the_text_and_ops_sends(db, ops, config):
    people = csms(1)
    with pytest.raises(NotAllowed):
        save_config(user=ops, code="logins", message="Hi")
    with pytest.raises(NotAllowed):
        send_nudges(MAY, user=people[0], metrics=values_from([]))
    assert send_nudges(MAY, user=ops, metrics=values_from([])).sent == 0


def test_a_message_with_an_unknown_placeholder_is_refused(db, cco, config):
    with pytest.raises(RecognitionInvalid, match="placeholder"):
        save_config(user=cco, code="logins", message="Hello $nmae")


def test_the_persons_page_shows_their_task(db, config, client, django_capture_on_commit_callbacks):
    people = csms(2)
    with django_capture_on_commit_callbacks(execute=True):
        send_nudges(MAY, metrics=values_from([(people[0].pk, MAY, D(10)), (people[1].pk, MAY, D(90))]))
    client.force_login(people[0])
    assert "Prepare a 5-minute demo of a feature" in client.get("/recognition/").content.decode()
    client.force_login(people[1])
    assert "Prepare a 5-minute demo" not in client.get("/recognition/").content.decode()
