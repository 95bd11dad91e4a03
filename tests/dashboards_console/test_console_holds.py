"""Holds on the console (RULES "Holds"): ops or finance hold a CSM's line with a reason and release it;
a held line stays on the statement, marked held, and out of the total to be paid."""

import pytest

from accounts.models import User
from commissions.models import Hold, Plan, Run
from commissions.services.holds import hold_line
from tests.trueups import conftest as trueups

from .conftest import page_messages

pytestmark = pytest.mark.django_db

closed_q2 = trueups.closed_q2  # the worked example with FY22-Q2 closed, FY22-Q3 open

Q2 = "/console/?period=FY22-Q2"
HOLD = {"period": "FY22-Q2", "employee_id": "E1", "plan": "CS-FY22", "reason": "payout disputed by the CSM"}


def holds_section(html: str) -> str:
    return html[html.index('id="holds"') : html.index('id="imports-title"')]


@pytest.mark.parametrize("role", ["ops", "finance"])
def test_ops_or_finance_holds_a_line_from_the_console(request, as_user, closed_q2, role):
    response = as_user(request.getfixturevalue(role)).post("/console/holds/", HOLD, follow=True)

    hold = Hold.objects.get()
    assert (hold.period.code, hold.employee.employee_id, hold.plan.code) == ("FY22-Q2", "E1", "CS-FY22")
    assert "Held E1's CS-FY22 line of FY22-Q2." in page_messages(response)
    section = holds_section(response.content.decode())
    assert f'data-hold-id="{hold.pk}"' in section and "payout disputed by the CSM" in section
    assert "release-hold" in section


def test_a_hold_placed_from_the_console_keeps_the_line_on_the_statement_marked_held(
    client,
    as_user,
    ops,
    closed_q2,
):
    as_user(ops).post("/console/holds/", HOLD)
    final = Run.objects.get(period=closed_q2, is_final=True)

    client.force_login(User.objects.get(employee_id="E1"))
    html = client.get(f"/my/statements/{final.pk}/").content.decode()

    payable = html[html.index('id="payable-lines"') :]
    assert 'class="payable-line commission held"' in payable
    assert "2,333.33 USD" in payable and '<strong class="held-label">held</strong>' in payable
    total = payable[payable.index('class="payable-total"') :]
    assert "<strong>0.00 USD</strong>" in total


def test_a_refused_hold_is_a_message(as_user, ops, closed_q2):
    client = as_user(ops)
    client.post("/console/holds/", HOLD)

    again = client.post("/console/holds/", HOLD, follow=True)
    assert "E1's CS-FY22 line of FY22-Q2 is already held." in page_messages(again)
    short = client.post("/console/holds/", {**HOLD, "reason": "dispute"}, follow=True)
    assert any("at least 10 characters" in m for m in page_messages(short))
    unknown = client.post("/console/holds/", {**HOLD, "employee_id": "E404"}, follow=True)
    assert "Nothing held: No employee E404." in page_messages(unknown)
    assert Hold.objects.count() == 1


@pytest.mark.parametrize("role", ["cco", "csm"])
def test_anyone_but_ops_or_finance_cannot_hold_or_release(request, as_user, ops, closed_q2, role):
    held = hold_line(
        period=closed_q2,
        employee=User.objects.get(employee_id="E1"),
        plan=Plan.objects.get(code="CS-FY22"),
        reason="leaver: final pay check",
        user=ops,
    )
    client = as_user(request.getfixturevalue(role))

    assert client.post("/console/holds/", {**HOLD, "employee_id": "E1"}).status_code == 403
    assert client.post(f"/console/holds/{held.pk}/release/").status_code == 403
    held.refresh_from_db()
    assert held.is_active and Hold.objects.count() == 1


def test_the_cco_sees_holds_without_the_hold_form_or_release(as_user, ops, cco, closed_q2):
    as_user(ops).post("/console/holds/", HOLD)

    section = holds_section(as_user(cco).get(Q2).content.decode())

    assert "payout disputed by the CSM" in section
    assert "release-hold" not in section and 'id="hold-form"' not in section


def test_release_from_the_console_with_a_reason(as_user, finance, ops, closed_q2):
    as_user(ops).post("/console/holds/", HOLD)
    hold = Hold.objects.get()

    response = as_user(finance).post(
        f"/console/holds/{hold.pk}/release/", {"period": "FY22-Q2", "reason": "dispute settled"}, follow=True
    )

    hold.refresh_from_db()
    assert not hold.is_active and hold.release_reason == "dispute settled" and hold.released_by == finance
    assert (hold.released_in.code, str(hold.released_amount)) == ("FY22-Q3", "2333.33")
    assert any(
        m.startswith("Released the hold of E1's CS-FY22 line of FY22-Q2") for m in page_messages(response)
    )
    assert f'data-hold-id="{hold.pk}"' not in holds_section(response.content.decode())

    again = as_user(finance).post(f"/console/holds/{hold.pk}/release/", {"period": "FY22-Q2"}, follow=True)
    assert "The hold of FY22-Q2 was already released." in page_messages(again)


def test_an_exported_quarter_offers_no_hold_form_and_says_why(as_user, ops, closed_q2):
    from io import StringIO

    from commissions.services.export import write_payouts

    write_payouts(closed_q2, StringIO(), user=ops)  # closed_q2 is signed off

    section = holds_section(as_user(ops).get(Q2).content.decode())

    assert 'id="hold-form"' not in section
    assert "FY22-Q2's payroll was exported on" in section and "a release would pay them twice" in section


def test_a_reopened_quarter_says_its_pending_corrections_wait_until_it_closes(as_user, ops, closed_q2):
    from commissions.services.close import reopen_period
    from commissions.services.corrections import record_correction

    correction = record_correction(
        period=closed_q2,
        kind="adjustment",
        rows=[{"customer_id": "C1", "kind": "exception", "value": "1"}],
        reason="year-end exception for C1",
        user=ops,
    )
    reopen_period(period=closed_q2, user=ops, reason="A KPI file was imported late.")

    html = as_user(ops).get(Q2).content.decode()

    assert 'id="waiting-corrections"' in html
    assert f"1 correction of FY22-Q2 recorded while it was closed ({correction.label}) waits until it" in html
