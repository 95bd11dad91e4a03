"""In Chromium: a CSM opens a statement, asks about a line through its "Ask about this line" link, ops
answers, and the CSM replies — the inquiry is open again, the conversation in order (docs/design.md §5)."""

from datetime import date

import pytest
from django.utils import timezone

from accounts.models import Role, User
from approvals.models import Inquiry
from commissions.models import Plan, Run
from commissions.services.close import close_period
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from tests.browser.conftest import PASSWORD
from tests.builders import make_user
from tests.quarter.conftest import load_worked_example


@pytest.fixture
def closed_statement(transactional_db, monkeypatch):
    """The worked example's FY22-Q2 closed (E1 paid 2333.33), seen on 2022-03-01; returns (E1, ops, run)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2022, 3, 1))
    cco = make_user(Role.CCO, email="cco@example.com")
    ops = make_user(Role.OPS, email="ops@example.com", name="Op Erator")
    load_worked_example(cco)
    period = get_period("FY22-Q2")
    pull_scores(period=period, user=ops)
    calculate(period=period, plan=Plan.objects.get(), user=ops)
    close_period(period=period, user=ops)
    e1 = User.objects.get(employee_id="E1")
    e1.set_password(PASSWORD)
    e1.save()
    return e1, ops, Run.objects.get(period=period, is_final=True)


@pytest.fixture
def signed_in(browser, live_server):
    """``signed_in(user)``: a page of a browser context of its own, signed in as ``user``; closed after."""
    contexts = []

    def open_as(user):
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_a_csm_asks_about_a_line_ops_answers_the_csm_replies(signed_in, live_server, closed_statement):
    e1, ops, run = closed_statement
    csm = signed_in(e1)
    csm.goto(f"{live_server.url}/my/statements/{run.pk}/")
    csm.click("#tbl-lines tbody tr:first-child >> text=Ask about this line")
    csm.wait_for_url("**/requests/inquiries/new/**")
    assert csm.input_value("#id_message") == "About ADOPTION in FY22-Q2 (833.33 USD): "
    assert csm.input_value("#id_component") == "ADOPTION"
    assert csm.input_value("#id_period") == "FY22-Q2"
    csm.locator("#id_message").press("End")
    csm.locator("#id_message").type("why is C1 only at 0.75?")
    csm.click("form[action$='/inquiries/new/'] button[type=submit]")
    csm.wait_for_url("**/requests/inquiries/*/")
    inquiry = Inquiry.objects.get()
    assert inquiry.message == "About ADOPTION in FY22-Q2 (833.33 USD): why is C1 only at 0.75?"

    answerer = signed_in(ops)
    answerer.goto(f"{live_server.url}/requests/inquiries/{inquiry.pk}/")
    answerer.fill("#id_answer", "C1 scored 55 against a target of 60 from a baseline of 40.")
    answerer.click("form[action$='/answer/'] button[type=submit]")
    answerer.wait_for_selector(".message.success")

    csm.reload()
    assert "C1 scored 55 against a target of 60" in csm.inner_text("#conversation")
    assert csm.inner_text(".status") == "Answered"
    csm.fill("#id_body", "The July 31st score of 58 is missing from the pull.")
    csm.click("form[action$='/reply/'] button[type=submit]")
    csm.wait_for_selector(".message.success")
    assert csm.inner_text(".status") == "Open"
    rows = csm.locator("#conversation tbody tr")
    assert [rows.nth(i).locator("td").nth(2).inner_text() for i in range(rows.count())] == [
        "Question",
        "Answer",
        "Reply",
    ]
    assert Inquiry.objects.get().status == Inquiry.Status.OPEN
