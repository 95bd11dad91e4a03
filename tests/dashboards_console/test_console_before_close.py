"""What the close section says before its button (DESIGN §5 "Quarter close", §7): a quarter whose last day
has not passed offers no close; pending corrections that would pay in the quarter and pending requests of
it are said before the button."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from approvals.services import file_request
from commissions.models import Period
from tests.builders import make_user
from tests.trueups import conftest as trueups

from .test_console_corrections import Q3, exception_for_c1

pytestmark = pytest.mark.django_db

closed_q2 = trueups.closed_q2  # the worked example with FY22-Q2 closed, FY22-Q3 open

JUSTIFICATION = "The customer migrated platforms mid-quarter; the score lags the work the team did."


def close_section(html: str) -> str:
    return html[html.index('id="close-title"') : html.index('id="corrections"')]


def test_a_quarter_that_has_not_ended_shows_when_it_can_be_closed_and_no_form(
    as_user, ops, worked, monkeypatch
):
    period = Period.objects.get(code="FY22-Q2")
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: period.end)

    section = close_section(as_user(ops).get("/console/?period=FY22-Q2").content.decode())

    opens = period.end + timedelta(days=1)
    assert f"FY22-Q2 ends {period.end:%Y-%m-%d}: it can be closed from {opens:%Y-%m-%d}." in section
    assert 'id="close-form"' not in section and 'id="close-confirm"' not in section


def test_an_ended_quarter_offers_the_close_form(as_user, ops, worked):
    section = close_section(as_user(ops).get("/console/?period=FY22-Q2").content.decode())

    assert 'id="close-form"' in section and 'id="close-not-ended"' not in section


def test_pending_corrections_that_would_pay_in_the_quarter_are_said_before_the_close_button(
    as_user, ops, closed_q2
):
    exception_for_c1(closed_q2, ops)

    section = close_section(as_user(ops).get(Q3).content.decode())

    notice = section[section.index('id="close-pending-corrections"') :]
    assert notice.index("</p>") < notice.index('id="close-form"')
    assert (
        "1 pending correction would pay in FY22-Q3: apply it before closing, or it pays in the next open "
        "quarter." in notice
    )
    assert 'href="#corrections"' in notice[: notice.index("</p>")]


def test_no_correction_notice_without_pending_corrections(as_user, ops, closed_q2):
    section = close_section(as_user(ops).get(Q3).content.decode())

    assert 'id="close-pending-corrections"' not in section and 'id="close-form"' in section


def test_pending_requests_are_said_before_the_close_button_and_still_refuse_the_close(
    as_user, ops, closed_q2
):
    from adoption.models import Customer
    from commissions.services.periods import get_period

    csvp = make_user(Role.CSVP, geo="AMER", email="vp.amer@example.com")
    request = file_request(
        user=csvp,
        kind="exception",
        customer=Customer.objects.get(customer_id="C1"),
        period=get_period("FY22-Q3"),
        value="1",
        justification=JUSTIFICATION,
    )
    client = as_user(ops)

    section = close_section(client.get(Q3).content.decode())

    notice = section[section.index('id="close-pending-requests"') :]
    assert "FY22-Q3 has pending requests" in notice and request.label in notice
    assert "Closing is refused until then." in notice
    response = client.post("/console/close/", {"period": "FY22-Q3", "confirm": "1"}, follow=True)
    assert "FY22-Q3 has pending requests" in response.content.decode()
    assert not Period.objects.get(code="FY22-Q3").is_closed
