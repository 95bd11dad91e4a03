"""Closing a quarter publishes its statements (DESIGN §5): one e-mail per CSM paid by the final runs and
per close, with absolute links (SITE_URL) to each statement's page and PDF."""

import logging
import re
import smtplib
from urllib.parse import urlsplit

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from accounts.models import User
from commissions import hooks
from commissions.models import PeriodEvent
from commissions.services.close import close_period, reopen_period
from dashboards import publication, tasks
from dashboards.models import StatementNotice

from .conftest import PERIOD, SITE

pytestmark = pytest.mark.django_db


def _links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def test_dashboards_listens_for_closes():
    assert publication.on_close in hooks.close_listeners()


def test_a_close_emails_each_paid_csm_once_with_absolute_links_to_their_statement(
    client, closed_run, mailoutbox, e1, e2
):
    assert sorted(m.to[0] for m in mailoutbox) == ["e1@example.com", "e2@example.com"]
    (mail,) = [m for m in mailoutbox if m.to == ["e1@example.com"]]
    assert mail.subject == f"Attain: your {PERIOD} statement is published"
    assert f"{PERIOD} is closed" in mail.body
    assert "Customer Success FY22 (CS-FY22): 2,333.33 USD" in mail.body
    page, pdf, handbook = _links(mail.body)
    assert page == f"{SITE}/my/statements/{closed_run.pk}/"
    assert pdf == f"{SITE}/my/statements/{closed_run.pk}/pdf/"
    assert handbook == f"{SITE}/handbook/CS-FY22/?period={PERIOD}"  # issue 20: the plan's handbook
    # The links resolve, for the CSM, to their published statement and its PDF.
    client.force_login(e1)
    response = client.get(urlsplit(page).path)
    assert response.status_code == 200 and "2,333.33" in response.content.decode()
    response = client.get(urlsplit(pdf).path)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    response = client.get(f"{urlsplit(handbook).path}?{urlsplit(handbook).query}")
    assert response.status_code == 200 and "Plan handbook" in response.content.decode()
    (other,) = [m for m in mailoutbox if m.to == ["e2@example.com"]]
    assert "(CS-FY22): 1,500.00 USD" in other.body
    notices = StatementNotice.objects.filter(close=PeriodEvent.objects.get())
    assert sorted(notices.values_list("employee__employee_id", flat=True)) == ["E1", "E2"]


def test_a_second_delivery_of_the_same_close_sends_nothing(closed_run, mailoutbox):
    assert len(mailoutbox) == 2

    assert tasks.publish_statements.apply((PERIOD,)).get() == 0

    assert len(mailoutbox) == 2
    assert StatementNotice.objects.count() == 2


def test_reopen_and_close_again_sends_again_saying_republished(
    closed_run, ops, mailoutbox, django_capture_on_commit_callbacks
):
    period = closed_run.period
    reopen_period(period=period, user=ops, reason="KPI file was late; checking it again")
    with django_capture_on_commit_callbacks(execute=True):
        close_period(period=period, user=ops)

    assert len(mailoutbox) == 4
    again = [m for m in mailoutbox[2:] if m.to == ["e1@example.com"]][0]
    assert again.subject == f"Attain: your {PERIOD} statement is republished"
    assert "re-opened and closed again" in again.body
    assert StatementNotice.objects.count() == 4  # two closes, two CSMs


def test_nothing_is_sent_for_a_quarter_reopened_before_the_task_ran(calculated, ops, mailoutbox):
    close_period(period=calculated, user=ops)  # outside a captured commit: the listener has not run yet
    reopen_period(period=calculated, user=ops, reason="reopened before the e-mails went out")

    assert tasks.publish_statements.apply((PERIOD,)).get() == 0
    assert mailoutbox == []


def test_an_inactive_csm_and_one_without_an_address_are_skipped_and_logged(
    calculated, ops, e2, mailoutbox, caplog, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=e2.pk).update(is_active=False)
    with (
        caplog.at_level(logging.WARNING, logger="dashboards.publication"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        close_period(period=calculated, user=ops)

    assert [m.to for m in mailoutbox] == [["e1@example.com"]]
    assert f"statement e-mail of {PERIOD} not sent to E2: inactive" in caplog.text

    User.objects.filter(pk=e2.pk).update(is_active=True, email="")
    done = publication.publish_statements(period_code=PERIOD)
    assert (done.sent, done.already, done.skipped) == (0, 1, ["E2: no e-mail address"])


class DownBackend(BaseEmailBackend):
    """A mail server that cannot be reached."""

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses E2's address and takes the others."""

    sent: list = []

    def send_messages(self, messages):
        for message in messages:
            if message.to == ["e2@example.com"]:
                raise smtplib.SMTPRecipientsRefused({"e2@example.com": (550, b"no such user")})
            RefusingBackend.sent.append(message)
        return len(messages)


def test_a_mail_outage_never_undoes_the_close(
    client, calculated, ops, settings, caplog, django_capture_on_commit_callbacks, monkeypatch
):
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    monkeypatch.setattr(tasks.publish_statements, "max_retries", 0)  # give up at once, here

    with (
        caplog.at_level(logging.ERROR, logger="dashboards.publication"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        close_period(period=calculated, user=ops)

    calculated.refresh_from_db()
    assert calculated.is_closed
    assert StatementNotice.objects.count() == 0  # nothing recorded as sent: a later delivery sends all
    assert f"could not publish the statements of {PERIOD}" in caplog.text
    client.force_login(ops)
    page = client.get(f"/console/?period={PERIOD}").content.decode()
    assert "0 of 2 CSMs paid by the final runs were e-mailed" in page


def test_the_task_retries_connection_errors_only():
    assert issubclass(ConnectionRefusedError, tasks.TRANSIENT)
    assert issubclass(smtplib.SMTPServerDisconnected, tasks.TRANSIENT)
    assert not issubclass(smtplib.SMTPRecipientsRefused, tasks.TRANSIENT)
    assert not issubclass(smtplib.SMTPAuthenticationError, tasks.TRANSIENT)


def test_a_refused_address_is_skipped_and_the_others_are_sent(calculated, ops, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    RefusingBackend.sent = []
    close_period(period=calculated, user=ops)

    done = publication.publish_statements(period_code=PERIOD)

    assert [m.to for m in RefusingBackend.sent] == [["e1@example.com"]]
    assert (done.sent, done.skipped) == (1, ["E2: address refused"])
    assert list(StatementNotice.objects.values_list("employee__employee_id", flat=True)) == ["E1"]


def test_the_console_counts_the_notices_of_the_close(client, closed_run, ops):
    client.force_login(ops)
    page = client.get(f"/console/?period={PERIOD}").content.decode()
    assert "2 of 2 CSMs paid by the final runs were e-mailed" in page
