"""What a new user's trial of the segments and plays found, each example held as a test (docs/design.md
§10.5, §10.6, docs/segments.md): bounded params, a day evaluated again acting for nobody, rules fixed once
evaluated, tasks due from the day they appear, out-of-range days, and every problem of a file at once."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import Role
from adoption.models import Play, PlayNotification, PlayTask, Segment, SegmentEvaluation
from adoption.portfolio.plays import play_effect
from adoption.portfolio.segment_loading import load_segments
from adoption.portfolio.segment_rules import SegmentParamsError, validate_params
from adoption.portfolio.segments import evaluate_day
from adoption.tasks import send_play_notification
from core.errors import AttainError
from tests.builders import make_user
from tests.webhooks.conftest import make_endpoint
from webhooks.models import WebhookDelivery

from .conftest import day, set_utilisation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_settings")]


@pytest.fixture(autouse=True)
def mails_in_process(monkeypatch):
    monkeypatch.setattr(send_play_notification, "delay", lambda *args: send_play_notification(*args))


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def evaluate(on):
        with django_capture_on_commit_callbacks(execute=True):
            return evaluate_day(on)

    return evaluate


# 1. A huge param is refused naming it; a bad segment stored before never crashes the day.


@pytest.mark.parametrize(
    ("rule", "params", "message"),
    [
        (
            "low_engagement_after_onboarding",
            {"days": 99999999999},
            "low_engagement_after_onboarding: days must be a whole number from 0 to 3,650, not 99999999999",
        ),
        ("key_user_left", {"days": 1000000}, "key_user_left: days must be a whole number from 1 to 3,650"),
        ("key_user_left", {"days": 3651}, "days must be a whole number from 1 to 3,650, not 3651"),
        ("top_usage", {"top": 1_000_001}, "top_usage: top must be a whole number from 1 to 1,000,000"),
    ],
)
def test_a_whole_number_param_above_its_bound_is_refused_naming_it(rule, params, message):
    with pytest.raises(SegmentParamsError, match=message):
        validate_params(rule, params)


def test_the_bounds_themselves_are_accepted():
    assert validate_params("key_user_left", {"days": 3650})["days"] == 3650
    assert validate_params("low_engagement_after_onboarding", {"days": 3650})["days"] == 3650
    assert validate_params("top_usage", {"top": 1_000_000})["top"] == 1_000_000


def test_load_segments_refuses_a_huge_days_naming_segment_and_param(people):
    text = """\
segments:
  - {code: late, name: Late, rule: low_engagement_after_onboarding, params: {days: 99999999999}}
"""
    with pytest.raises(AttainError, match=r"segments\[0\] \(late\)\.params: .*days must be a whole number"):
        load_segments(text, user=people.ops)
    assert not Segment.objects.exists()


def test_a_stored_segment_with_a_huge_param_stops_the_day_with_a_clear_error_naming_it(customers, low):
    Segment.objects.create(code="left", name="Left", rule="key_user_left", params={"days": 1000000})
    set_utilisation(customers.c1, day(0), 50)

    with pytest.raises(CommandError, match=r"Segment left: key_user_left: days must be a whole number"):
        call_command("evaluate_segments", "--day", day(0).isoformat(), stdout=StringIO())
    assert not SegmentEvaluation.objects.exists()  # one transaction: nothing of the day written


def test_a_play_due_or_recovery_days_above_ten_years_is_refused(people):
    text = """\
segments:
  - code: low
    name: Low
    rule: low_utilisation
    plays:
      - {code: p, name: P, tasks: [{title: Call, due_days: 3651}], recovery_days: 3651}
"""
    with pytest.raises(AttainError) as refused:
        load_segments(text, user=people.ops)
    assert "segments[0] (low).plays[0].tasks[0].due_days must be a whole number of days from 0 to 3,650" in (
        str(refused.value)
    )
    assert "segments[0] (low).plays[0].recovery_days must be a whole number of days from 1 to 3,650" in (
        str(refused.value)
    )


# 2. The same day again sends nothing new, whatever changed meanwhile.


def test_a_day_evaluated_again_after_adding_an_endpoint_records_no_delivery(customers, low, run, queued):
    set_utilisation(customers.c1, day(0), 50)
    run(day(0))
    make_endpoint("http://127.0.0.1:9/hook", "segment.entered", "segment.left")

    again = run(day(0))

    assert again.deliveries == 0 and WebhookDelivery.objects.count() == 0


def test_a_day_evaluated_again_after_giving_an_account_executive_mails_nobody(people, customers, low, run):
    set_utilisation(customers.c3, day(0), 10)  # Initech: no account executive yet
    run(day(0))
    assert PlayNotification.objects.count() == 0
    customers.c3.ae_employee = people.ae
    customers.c3.save()
    mail.outbox.clear()

    again = run(day(0))

    assert (again.notifications, PlayNotification.objects.count(), len(mail.outbox)) == (0, 0, 0)


def test_a_play_added_after_its_day_makes_no_task_when_the_day_runs_again(customers, run):
    segment = Segment.objects.create(code="low2", name="Low 2", rule="low_utilisation")
    set_utilisation(customers.c1, day(0), 50)
    run(day(0))
    Play.objects.create(segment=segment, code="p2", name="P2", tasks=[{"title": "Call", "due_days": 0}])

    assert run(day(0)).tasks == 0 and not PlayTask.objects.exists()


def test_a_segment_new_on_a_day_run_again_acts_only_for_itself(customers, low, run, queued):
    set_utilisation(customers.c1, day(0), 50)
    run(day(0))  # low_util: C1 entered, its play made 2 tasks
    make_endpoint("http://127.0.0.1:9/hook", "segment.entered")
    Segment.objects.create(code="low_b", name="Low B", rule="low_utilisation")

    again = run(day(0))

    assert again.deliveries == 1  # low_b's entries only; low_util was evaluated before
    assert WebhookDelivery.objects.get().payload["data"]["segment"]["code"] == "low_b"
    assert again.tasks == 0 and PlayTask.objects.count() == 2


# 4. An evaluated segment's rule and params are fixed.

LOW60 = """\
segments:
  - code: low60
    name: Low 60
    rule: low_utilisation
    params: {threshold: 0.6}
"""


def test_changing_the_rule_of_an_evaluated_segment_is_refused_saying_what_to_do(people, customers, run):
    load_segments(LOW60, user=people.ops)
    set_utilisation(customers.c1, day(0), 50)
    run(day(0))
    changed = LOW60.replace("rule: low_utilisation", "rule: top_usage").replace("threshold: 0.6", "top: 3")

    with pytest.raises(AttainError) as refused:
        load_segments(changed, user=people.ops)

    message = str(refused.value)
    assert (
        "Segment low60 has been evaluated (last on 2026-06-01): its rule and params cannot change" in message
    )
    assert "Create a segment with a new code for the new rule and deactivate low60 (active: false)" in message
    assert Segment.objects.get(code="low60").rule == "low_utilisation"


def test_changing_only_the_params_of_an_evaluated_segment_is_refused(people, customers, run):
    load_segments(LOW60, user=people.ops)
    run(day(0))
    with pytest.raises(AttainError, match=r"low60 has been evaluated"):
        load_segments(LOW60.replace("0.6", "0.5"), user=people.ops)


def test_name_description_and_active_of_an_evaluated_segment_may_change(people, customers, run):
    load_segments(LOW60, user=people.ops)
    run(day(0))
    renamed = LOW60.replace(
        "name: Low 60", "name: Under 60 %\n    description: Seats idle\n    active: false"
    )

    assert load_segments(renamed, user=people.ops).updated == ["low60"]
    # the same params written another way are the same params
    assert load_segments(renamed.replace("0.6", '"0.60"'), user=people.ops).updated == ["low60"]
    segment = Segment.objects.get(code="low60")
    assert (segment.name, segment.description, segment.active) == ("Under 60 %", "Seats idle", False)


def test_a_segment_never_evaluated_may_change_its_rule(people):
    load_segments(LOW60, user=people.ops)
    changed = LOW60.replace("rule: low_utilisation", "rule: top_usage").replace("threshold: 0.6", "top: 3")

    assert load_segments(changed, user=people.ops).updated == ["low60"]


def test_the_admin_refuses_changing_the_rule_of_an_evaluated_segment(client, customers, low, run):
    run(day(0))
    client.force_login(make_user(Role.ADMIN, geo="", email="admin@example.com"))
    data = {
        "code": "low_util",
        "name": "Low utilisation",
        "description": "",
        "rule": "top_usage",
        "params": '{"top": 3}',
        "active": "on",
        "plays-TOTAL_FORMS": "1",
        "plays-INITIAL_FORMS": "1",
        "plays-0-id": low.plays.get().pk,
        "plays-0-segment": low.pk,
        "plays-0-code": "low_util_outreach",
        "plays-0-name": "Win the users back",
        "plays-0-recovery_days": "10",
        "plays-0-notify_ae": "on",
        "plays-0-active": "on",
    }

    refused = client.post(reverse("admin:adoption_segment_change", args=[low.pk]), data)
    renamed = client.post(
        reverse("admin:adoption_segment_change", args=[low.pk]),
        {**data, "rule": "low_utilisation", "params": "{}", "name": "Low use"},
    )

    assert refused.status_code == 200
    assert "Segment low_util has been evaluated" in refused.content.decode()
    assert renamed.status_code == 302
    assert Segment.objects.get().rule == "low_utilisation" and Segment.objects.get().name == "Low use"


# 5. A task appears the day after the evaluated day; its due days count from then.


def test_a_task_of_0_days_is_due_the_day_it_appears_not_before(customers, run):
    segment = Segment.objects.create(code="low2", name="Low 2", rule="low_utilisation")
    Play.objects.create(segment=segment, code="p2", name="P2", tasks=[{"title": "Call", "due_days": 0}])
    set_utilisation(customers.c1, day(0), 50)

    run(day(0))

    task = PlayTask.objects.get()
    assert (task.created_on, task.due_on) == (day(1), day(1))


# 6. Days at the calendar's edges are clear errors.


def test_a_year_1_day_is_refused_as_out_of_range(low):
    with pytest.raises(
        CommandError, match=r"0001-01-01 is out of range: segments are evaluated for days from"
    ):
        call_command("evaluate_segments", "--day", "0001-01-01", stdout=StringIO())


def test_the_effect_of_a_play_near_the_calendars_first_day_measures_nothing(low):
    play = low.plays.get()
    effect = play_effect(play, date.min + timedelta(days=3))
    assert (effect.measured, effect.share) == (0, None)


# 10. Every problem of a file at once; an empty file or list says so.


def test_load_segments_reports_every_problem_of_the_file_at_once(people):
    text = """\
segments:
  - {code: a, name: A, rule: low_utilisation, params: {threshold: 2}}
  - {code: b, name: B, rule: nope}
  - code: c
    name: C
    rule: key_user_left
    colour: red
    plays: [{code: cp, name: CP, tasks: [{title: Call, due_days: -1}], notify_ae: maybe}]
"""
    with pytest.raises(AttainError) as refused:
        load_segments(text, user=people.ops)

    message = str(refused.value)
    assert message.startswith("The segments file has 5 problems; nothing was loaded:\n")
    for problem in (
        "- segments[0] (a).params: low_utilisation: threshold must be a ratio from 0 to 1",
        "- segments[1] (b).rule: unknown rule 'nope'",
        "- segments[2] (c): unknown key colour",
        "- segments[2] (c).plays[0].tasks[0].due_days must be a whole number of days from 0 to 3,650",
        "- segments[2] (c).plays[0].notify_ae must be true or false, not 'maybe'",
    ):
        assert problem in message
    assert not Segment.objects.exists()


def test_an_empty_file_is_a_clear_error_and_an_empty_list_says_nothing_was_loaded(people, tmp_path):
    empty, none = tmp_path / "empty.yaml", tmp_path / "none.yaml"
    empty.write_text("", encoding="utf-8")
    none.write_text("segments: []\n", encoding="utf-8")
    out = StringIO()

    with pytest.raises(CommandError, match=r"The segments file is empty: it must hold `segments:`"):
        call_command("load_segments", str(empty))
    call_command("load_segments", str(none), stdout=out)

    assert out.getvalue() == f"{none} lists no segments (segments: []): nothing was created or changed.\n"


def test_a_new_segment_with_a_play_notes_its_first_evaluation_makes_tasks_for_every_member(people, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        LOW60 + "    plays: [{code: call, name: Call, tasks: [{title: Call, due_days: 2}]}]\n",
        encoding="utf-8",
    )
    out = StringIO()

    call_command("load_segments", str(path), stdout=out)
    call_command("load_segments", str(path), stdout=out)

    note = (
        "Note: low60 is new and has a play: its first evaluation makes the play's tasks for every customer "
        "that meets its rule that day.\n"
    )
    assert out.getvalue().count(note) == 1  # said when created, not when loaded again


# 11. The documented file loads as documented.


def test_the_example_file_of_docs_segments_md_loads(people):
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "segments.md").read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]

    loaded = load_segments(example, user=people.ops)

    assert loaded.created == ["low60", "low60_outreach"]
    play = Play.objects.get(code="low60_outreach")
    assert (play.recovery_days, play.notify_ae, len(play.tasks)) == (30, True, 2)
    assert Segment.objects.get(code="low60").params == {"threshold": 0.6}
