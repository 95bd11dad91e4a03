"""The worked example of DESIGN §4 with FY22-Q2 closed (E1 paid 2333.33), the people who ask, answer and
decide, and helpers to read a statement's "Ask about this line" links (docs/design.md §5 "Inquiries").

Today is 2022-03-01: FY22-Q2 and FY22-Q3 have ended and FY22's year-end window is open. E-mails are sent
by the real task in the calling thread; ``deliver()`` runs the ``on_commit`` callbacks that queue them.
"""

import html
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from accounts.models import Role, User
from approvals.tasks import send_notification
from commissions.models import Period, Plan, Run
from commissions.services.close import close_period
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from tests.builders import make_user
from tests.quarter.conftest import load_worked_example

TODAY = date(2022, 3, 1)
JUSTIFICATION = "The customer migrated platforms mid-quarter; the score lags the work the team did."
ASK = re.compile(r'href="([^"]*/requests/inquiries/new/\?[^"]*)"')


@pytest.fixture(autouse=True)
def notifications_run_in_process(monkeypatch):
    monkeypatch.setattr(send_notification, "delay", lambda *args: send_notification(*args))


@pytest.fixture
def deliver(django_capture_on_commit_callbacks, mailoutbox):
    """``with deliver(): ...`` sends the e-mails the block queued on commit (into ``mailoutbox``)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, email="cco@example.com", name="Chief Customer")


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, email="ops@example.com", name="Op Erator")


@pytest.fixture
def finance(db):
    return make_user(Role.FINANCE, email="finance@example.com", name="Fin Ance")


@pytest.fixture
def csvp(db):
    return make_user(Role.CSVP, geo="AMER", email="vp.amer@example.com", name="Avery Vp")


@pytest.fixture
def other_csm(db):
    return make_user(Role.CSM, geo="AMER", email="e2@example.com", employee_id="E2", name="Eli Two")


@pytest.fixture
def worked(db, cco, today):
    """The worked example imported (snapshot approved); returns E1, its CSM."""
    load_worked_example(cco)
    return User.objects.get(employee_id="E1")


def close_quarter(code: str, ops) -> Period:
    """Pull, calculate and close the worked example's plan in ``code``."""
    period = get_period(code)
    pull_scores(period=period, user=ops)
    calculate(period=period, plan=Plan.objects.get(code="CS-FY22"), user=ops)
    close_period(period=period, user=ops)
    period.refresh_from_db()
    return period


@pytest.fixture
def e1(worked, ops):
    """E1 once FY22-Q2 is closed (its statement published); FY22-Q3 exists and is open."""
    close_quarter("FY22-Q2", ops)
    get_period("FY22-Q3")
    return worked


@pytest.fixture
def q2_run(e1) -> Run:
    return Run.objects.get(period__code="FY22-Q2", is_final=True)


def asks(page: str) -> list[dict[str, str]]:
    """The query of every "Ask about this line" link of ``page``, in page order (one value per key)."""
    found = []
    for href in ASK.findall(page):
        query = parse_qs(urlsplit(html.unescape(href)).query)
        found.append({key: values[0] for key, values in query.items()})
    return found


def section(page: str, start: str, end: str) -> str:
    return page[page.index(start) : page.index(end, page.index(start))]
