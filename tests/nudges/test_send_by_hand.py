"""The month-end nudges sent by hand (docs/incentives.md "Nudges for the bottom 5%"): the ``send_nudges``
command and the "Send last month's nudges" button of ops and the CCO, both over
``recognition.services.nudges.send_nudges``: the month just ended by default, a month not over refused,
once only (a rerun sends nothing and says so), how many were sent and every refused config named."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Role
from commissions.models import PersonMetric
from recognition.errors import RecognitionInvalid
from recognition.models import Nudge, NudgeConfig, NudgeMonth
from recognition.services.nudges import send_nudges
from tests.builders import make_user

from .conftest import csms

URL = "/recognition/nudges/"
SEND = "/recognition/nudges/months/send/"
JUNE_1ST = date(2021, 6, 1)  # "today" of these tests: May 2021 is the month just ended


@pytest.fixture
def on_june_1st(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: JUNE_1ST)


@pytest.fixture
def may_values(db):
    """Two CSMs' login rates of May 2021: 40 and 90 — ceil(5% × 2) = 1 nudge, the 40."""
    low, high = csms(2)
    PersonMetric.objects.bulk_create(
        [
            PersonMetric(employee=low, date=date(2021, 5, 3), metric="login_rate", value=Decimal(40)),
            PersonMetric(employee=high, date=date(2021, 5, 3), metric="login_rate", value=Decimal(90)),
        ]
    )
    return low, high


def _legacy_config_on_attainment() -> NudgeConfig:
    """A config stored before metrics were checked: its metric cannot be read."""
    return NudgeConfig.objects.create(
        code="attained", metric="attainment", subject="s", message="m", task_title="t"
    )


def _message(response) -> str:
    return response.content.decode()


# --- the service ------------------------------------------------------------------------------------------


def test_a_month_not_over_is_refused_and_nothing_is_sent(config, may_values):
    with pytest.raises(RecognitionInvalid, match=r"2021-05 is not over yet \(it ends on 2021-05-31\)"):
        send_nudges(date(2021, 5, 1), today=date(2021, 5, 31))
    assert not Nudge.objects.exists() and not NudgeMonth.objects.exists()
    assert send_nudges(date(2021, 5, 1), today=JUNE_1ST).sent == 1  # the 1st: May is over


def test_the_cco_may_send_the_nudges_by_hand_as_ops_may(cco, ops, config):
    assert send_nudges(date(2021, 5, 1), user=cco).sent == 0  # no value: nothing sent, but allowed
    assert send_nudges(date(2021, 5, 1), user=ops).sent == 0


# --- the button on /recognition/nudges/ -----------------------------------------------------------------


def test_send_last_months_nudges_button_sends_once_and_a_rerun_says_it_sent_nothing(
    client, cco, ops, config, may_values, on_june_1st, mailoutbox, django_capture_on_commit_callbacks
):
    low, _ = may_values
    client.force_login(cco)
    page = _message(client.get(URL))
    assert "Send last month's nudges" in page and "2021-05" in page

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(SEND, follow=True)
    assert first.redirect_chain == [(URL, 302)]
    assert "Sent 1 nudge for 2021-05 (logins 1)." in _message(first)
    assert list(Nudge.objects.values_list("employee", "month")) == [(low.pk, date(2021, 5, 1))]
    assert [m.to for m in mailoutbox] == [[low.email]]

    client.force_login(ops)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(SEND, follow=True)
    assert "No nudge sent for 2021-05. Sent already, so nothing again: logins." in _message(again)
    assert Nudge.objects.count() == 1 and NudgeMonth.objects.count() == 1
    assert len(mailoutbox) == 1


def test_send_last_months_nudges_names_a_refused_config_and_the_others_send(
    client, ops, config, may_values, on_june_1st
):
    _legacy_config_on_attainment()
    client.force_login(ops)
    html = _message(client.post(SEND, follow=True))
    assert "Sent 1 nudge for 2021-05 (logins 1)." in html
    assert "Refused attained, nothing sent: attainment is a quarter&#x27;s attainment" in html
    assert list(NudgeMonth.objects.values_list("config__code", flat=True)) == ["logins"]


def test_send_last_months_nudges_is_only_for_ops_and_the_cco(client, config, may_values, on_june_1st):
    for role in (Role.FINANCE, Role.ADMIN, Role.CSVP, Role.CSM):
        client.force_login(make_user(role))
        assert client.post(SEND).status_code == 403, role
    assert not Nudge.objects.exists()
    client.force_login(make_user(Role.CCO))
    assert client.get(SEND).status_code == 405  # a button, never a link


def test_the_button_is_not_shown_to_whoever_may_not_send(client, config, monkeypatch):
    monkeypatch.setattr("accounts.access.may_send_nudges", lambda person: False)
    client.force_login(make_user(Role.OPS))
    assert "Send last month's nudges" not in _message(client.get(URL))


# --- the command ----------------------------------------------------------------------------------------


def test_send_nudges_command_sends_last_month_by_default_and_a_rerun_sends_nothing(
    capsys, config, may_values, on_june_1st, mailoutbox, django_capture_on_commit_callbacks
):
    low, _ = may_values
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_nudges")
    assert "Sent 1 nudge for 2021-05 (logins 1)." in capsys.readouterr().out
    assert [m.to for m in mailoutbox] == [[low.email]]

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_nudges", "--month", "2021-05")
    assert "No nudge sent for 2021-05. Sent already, so nothing again: logins." in capsys.readouterr().out
    assert Nudge.objects.count() == 1 and len(mailoutbox) == 1


def test_send_nudges_command_refuses_a_month_not_over(config, may_values, on_june_1st):
    with pytest.raises(CommandError, match=r"2021-06 is not over yet \(it ends on 2021-06-30\)"):
        call_command("send_nudges", "--month", "2021-06")
    with pytest.raises(CommandError, match="--month must be a month like 2026-06, not 'May'"):
        call_command("send_nudges", "--month", "May")
    assert not NudgeMonth.objects.exists()


def test_send_nudges_command_names_a_refused_config_and_exits_non_zero(
    capsys, config, may_values, on_june_1st
):
    _legacy_config_on_attainment()
    with pytest.raises(CommandError, match="Nudge configs refused: attained"):
        call_command("send_nudges", "--month", "2021-05")
    out = capsys.readouterr().out
    assert "Sent 1 nudge for 2021-05 (logins 1)." in out
    assert "Refused attained, nothing sent: attainment is a quarter's attainment" in out


def test_send_nudges_command_acts_as_the_user_it_names(config, may_values, on_june_1st):
    csm = make_user(Role.CSM)
    with pytest.raises(CommandError, match="may not send the month's nudges"):
        call_command("send_nudges", "--user", csm.email)
    call_command("send_nudges", "--user", make_user(Role.CCO).email)
    assert Nudge.objects.count() == 1
