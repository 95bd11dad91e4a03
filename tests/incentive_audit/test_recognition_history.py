"""The audit trail lists contests' events and winners, the wall's and the nudges' settings as changed, and
the nudges sent with the month decided (docs/design.md §11.5)."""

from datetime import date
from decimal import Decimal

from accounts.models import Role
from commissions.services.person_metrics import values_from
from recognition.services.contests import add_event, finish_contest
from recognition.services.nudges import save_config, send_nudges
from recognition.services.wall import set_needs_attention
from recognition.tasks import send_nudge_email
from tests.builders import make_user
from tests.contests.conftest import active_contest

from .conftest import as_, change, trail


def test_contest_events_and_winners_are_listed(ops, csm):
    other = make_user(Role.CSM, email="other@example.com")
    with as_(ops):
        contest = active_contest(ops, [csm, other])
        add_event(contest=contest, user=ops, employee=other, day=date(2021, 5, 3), points="-5", reason="Slip")
        finish_contest(contest=contest, user=ops, on=date(2021, 6, 1))

    [event] = trail(object_type="contest_event")
    [winner] = trail(object_type="contest_winner")

    assert event.object_label == "clean-data-may · other@example.com · 2021-05-03"
    assert change(event, "points")[1] in ("-5", "-5.00")
    assert winner.object_label == "clean-data-may · csm@example.com"
    assert change(winner, "prize_share")[1].startswith("100.00")


def test_wall_and_nudge_settings_and_the_nudges_sent_are_listed(cco, monkeypatch):
    monkeypatch.setattr(send_nudge_email, "delay", lambda *args: send_nudge_email(*args))
    low, high = make_user(Role.CSM, email="low@example.com"), make_user(Role.CSM, email="high@example.com")
    with as_(cco):
        set_needs_attention(user=cco, enabled=True, metric="login_rate")
        save_config(
            user=cco,
            code="logins",
            metric="login_rate",
            subject="Your $metric",
            message="Hello $name: $value. $task",
            task_title="Show a feature",
        )
    send_nudges(
        date(2021, 5, 1),
        metrics=values_from(
            [(low.pk, date(2021, 5, 1), Decimal(40)), (high.pk, date(2021, 5, 1), Decimal(90))]
        ),
    )

    wall = trail(object_type="wall_setting", person="cco@")[0]  # the newest: switched on
    configs = [e for e in trail(object_type="nudge_config") if e.who == "cco@example.com"]
    nudges = trail(object_type="nudge")

    assert wall.object_label == "wall of fame"
    assert change(wall, "needs_attention")[1] == "yes"
    assert change(wall, "attention_metric")[1] == "login_rate"
    assert configs and configs[0].object_label == "logins"
    assert any(e.object_label == "logins · 2021-05" and change(e, "nudged") == ("", "1") for e in nudges)
    assert any(e.object_type == "Nudge" and "low@example.com" in e.object_label for e in nudges)
    assert not any("high@example.com" in e.object_label for e in nudges)
