"""The sign-off page and the console's close confirmation, re-open form and sign-off status (DESIGN §5):
finance signs off on the page; ops and the CCO read the review only; a CSM is refused; closing and
re-opening ask for a confirmation and work without JavaScript."""

import pytest

from commissions.models import Correction, PayoutSignOff, Period
from commissions.services.corrections import apply_correction, record_correction
from commissions.services.periods import get_period
from commissions.services.signoff import sign_off_payouts
from tests.builders import make_user

from .conftest import COMMENT

pytestmark = pytest.mark.django_db
PAGE = "/console/sign-off/?period=FY22-Q2"
CONSOLE = "/console/?period=FY22-Q2"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_finance_reviews_and_signs_off_on_the_page(client, closed, finance):
    client.force_login(finance)
    page = client.get(PAGE).content.decode()
    assert 'id="sign-off"' in page and 'id="signoff-confirm"' in page
    # docs/design.md §6 "Formats": money with thousands separators and its currency code.
    assert "2,333.33 USD" in page and "3,000.00 USD" in page and "77.8%" in page

    response = client.post(
        "/console/sign-off/", {"period": "FY22-Q2", "comment": COMMENT, "confirm": "1"}, follow=True
    )

    assert messages_of(response) == ["Signed off the payouts of FY22-Q2: the payroll export is open."]
    html = response.content.decode()
    assert 'id="signoff-done"' in html and "Signed off by Fran Finance (finance@example.com)" in html
    assert 'id="sign-off"' not in html
    # The export the message announces is one click away, here as on the console.
    assert 'id="signoff-export"' in html and "/console/export/?period=FY22-Q2" in html
    console = client.get(CONSOLE).content.decode()
    assert "Payouts signed off by Fran Finance" in console and 'id="export-summary"' in console


def test_without_the_confirmation_or_with_a_short_comment_nothing_is_signed(client, closed, finance):
    client.force_login(finance)
    unticked = client.post("/console/sign-off/", {"period": "FY22-Q2", "comment": COMMENT})
    assert messages_of(unticked) == ["Tick the confirmation to sign off the payouts of FY22-Q2."]
    assert COMMENT in unticked.content.decode()  # what was typed stays in the box
    short = client.post("/console/sign-off/", {"period": "FY22-Q2", "comment": "ok", "confirm": "1"})
    assert messages_of(short) == ["A sign-off needs a comment of at least 10 characters."]
    assert not PayoutSignOff.objects.exists()


@pytest.mark.parametrize("who", ["ops", "cco"])
def test_ops_and_the_cco_read_the_review_without_the_form_and_cannot_post(client, closed, who, request):
    person = request.getfixturevalue(who)
    client.force_login(person)
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "2,333.33 USD" in html and 'id="signoff-form"' not in html and 'id="signoff-read-only"' in html
    refused = client.post("/console/sign-off/", {"period": "FY22-Q2", "comment": COMMENT, "confirm": "1"})
    assert refused.status_code == 403
    assert not PayoutSignOff.objects.exists()


def test_a_csm_is_refused_the_page(client, closed, csm):
    client.force_login(csm)
    assert client.get(PAGE).status_code == 403
    assert client.post("/console/sign-off/", {"period": "FY22-Q2", "comment": COMMENT}).status_code == 403


def test_an_unknown_quarter_is_a_message_and_creates_nothing(client, worked, finance):
    client.force_login(finance)
    response = client.get("/console/sign-off/?period=FY22-Q4")
    assert response.status_code == 404  # the friendly 404 every page gives, with the sentence
    assert "There is no quarter FY22-Q4 yet" in response.content.decode()
    assert not Period.objects.filter(code="FY22-Q4").exists()
    bogus = client.get("/console/sign-off/?period=bogus")
    assert bogus.status_code == 404 and "“bogus” is not a quarter" in bogus.content.decode()


def test_the_console_says_why_the_export_waits_and_links_the_sign_off(client, closed, ops, finance):
    client.force_login(ops)
    html = client.get(CONSOLE).content.decode()
    assert "Payouts not signed off by finance yet: the payroll export opens after the sign-off." in html
    assert 'id="export-summary"' not in html and ">Review the payouts</a>" in html
    client.force_login(finance)
    assert ">Review and sign off</a>" in client.get(CONSOLE).content.decode()


def test_close_asks_for_a_confirmation_saying_what_closing_does(client, worked, ops):
    from commissions.models import Plan
    from commissions.services.pulls import pull_scores
    from commissions.services.runs import calculate

    period = get_period("FY22-Q2")
    pull_scores(period=period, user=ops)
    calculate(period=period, plan=Plan.objects.get(code="CS-FY22"), user=ops)
    client.force_login(ops)
    html = client.get(CONSOLE).content.decode()
    assert 'id="close-confirm"' in html and "publishes the CSMs' statements and e-mails them" in html

    unticked = client.post("/console/close/", {"period": "FY22-Q2"}, follow=True)
    assert messages_of(unticked) == ["Tick the confirmation to close FY22-Q2: nothing was closed."]
    assert not Period.objects.get(code="FY22-Q2").is_closed

    closed = client.post("/console/close/", {"period": "FY22-Q2", "confirm": "1"}, follow=True)
    assert any(m.startswith("Closed FY22-Q2; final runs: CS-FY22 v1.") for m in messages_of(closed))
    assert Period.objects.get(code="FY22-Q2").is_closed


def test_ops_reopens_with_a_reason_and_a_confirmation_which_revokes_the_sign_off(
    client, closed, ops, finance
):
    done = sign_off_payouts(period=closed, user=finance, comment=COMMENT)
    client.force_login(ops)
    assert 'id="reopen-form"' in client.get(CONSOLE).content.decode()

    unticked = client.post(
        "/console/reopen/", {"period": "FY22-Q2", "reason": "Wrong KPI file."}, follow=True
    )
    assert messages_of(unticked) == ["Tick the confirmation to re-open FY22-Q2: nothing was re-opened."]
    short = client.post(
        "/console/reopen/", {"period": "FY22-Q2", "reason": "oops", "confirm": "1"}, follow=True
    )
    assert messages_of(short) == ["Re-opening a quarter needs a reason of at least 10 characters."]
    assert Period.objects.get(code="FY22-Q2").is_closed

    reason = {"period": "FY22-Q2", "reason": "Wrong KPI file imported.", "confirm": "1"}
    reopened = client.post("/console/reopen/", reason, follow=True)
    assert messages_of(reopened)[0].startswith("Re-opened FY22-Q2")
    assert not Period.objects.get(code="FY22-Q2").is_closed
    done.refresh_from_db()
    assert done.revoked_by == ops
    client.force_login(finance)
    history = client.get(PAGE).content.decode()
    assert "Re-opened: Wrong KPI file imported." in history and COMMENT in history


def test_a_refused_reopen_is_a_message(client, closed, ops):
    get_period("FY22-Q3")
    correction = record_correction(
        period=closed,
        kind=Correction.Kind.KPI,
        rows=[{"employee_id": "E1", "kpi": "prs", "value": "5"}],
        reason="PR count recounted after the close",
        user=ops,
    )
    apply_correction(correction=correction, user=ops)
    client.force_login(ops)
    data = {"period": "FY22-Q2", "reason": "Wrong KPI file imported.", "confirm": "1"}
    response = client.post("/console/reopen/", data, follow=True)
    assert any("cannot be re-opened: corrections of it were applied" in m for m in messages_of(response))
    assert Period.objects.get(code="FY22-Q2").is_closed


@pytest.mark.parametrize("who", ["cco", "finance"])
def test_only_ops_is_offered_and_may_post_the_reopen(client, closed, who, request):
    client.force_login(request.getfixturevalue(who))
    assert 'id="reopen-form"' not in client.get(CONSOLE).content.decode()
    data = {"period": "FY22-Q2", "reason": "Wrong KPI file imported.", "confirm": "1"}
    assert client.post("/console/reopen/", data).status_code == 403
    assert Period.objects.get(code="FY22-Q2").is_closed


def test_a_csm_is_refused_the_reopen(client, closed):
    from accounts.models import Role

    client.force_login(make_user(Role.CSM))
    data = {"period": "FY22-Q2", "reason": "Wrong KPI file imported.", "confirm": "1"}
    assert client.post("/console/reopen/", data).status_code == 403
