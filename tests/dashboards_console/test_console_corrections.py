"""Corrections of closed quarters on the console (docs/design.md §7): each open quarter lists the pending
corrections whose true-ups it would pay, with their effect; ops applies or withdraws them; a correction
is recorded from a file, and a refused file records nothing."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.utils.html import escape

from commissions.models import Correction, TrueUp
from commissions.services.corrections import record_correction
from dashboards.console import adjustments
from tests.trueups import conftest as trueups

from .conftest import page_messages

pytestmark = pytest.mark.django_db

closed_q2 = trueups.closed_q2  # the worked example with FY22-Q2 closed, FY22-Q3 open

Q3 = "/console/?period=FY22-Q3"


def exception_for_c1(period, ops, reason="year-end exception for C1") -> Correction:
    """The year-end exception of the issue: C1 r = 1 in FY22-Q2 (2333.33 paid, 2500.00 restated)."""
    return record_correction(
        period=period,
        kind="adjustment",
        rows=[{"customer_id": "C1", "kind": "exception", "value": "1"}],
        reason=reason,
        user=ops,
    )


def corrections_section(html: str) -> str:
    return html[html.index('id="corrections"') : html.index('id="holds"')]


def test_the_open_quarter_lists_a_pending_correction_of_a_closed_one_with_its_effect(
    as_user,
    ops,
    closed_q2,
):
    correction = exception_for_c1(closed_q2, ops)

    section = corrections_section(as_user(ops).get(Q3).content.decode())

    assert "Corrections to pay in this quarter" in section
    assert f'id="correction-{correction.pk}"' in section
    assert "corrects FY22-Q2" in section and "year-end exception for C1" in section
    assert "Recorded by" in section and ops.get_full_name() in section
    assert '<td>CS-FY22</td><td>E1 · Erin One</td><td class="money">+166.67 USD</td>' in section
    assert "apply-correction" in section and "withdraw-correction" in section


def test_the_pending_correction_is_not_listed_in_the_closed_quarter_it_corrects_as_to_pay(
    as_user,
    ops,
    closed_q2,
):
    correction = exception_for_c1(closed_q2, ops)

    section = corrections_section(as_user(ops).get("/console/?period=FY22-Q2").content.decode())

    assert "Corrections to pay in this quarter" not in section
    assert "Corrections of FY22-Q2" in section and "(paid in FY22-Q3)" in section
    assert f'id="correction-{correction.pk}"' in section


def test_the_quarter_a_correction_is_paid_in_is_asked_once_per_corrected_quarter(
    as_user,
    ops,
    closed_q2,
    monkeypatch,
):
    exception_for_c1(closed_q2, ops)
    record_correction(
        period=closed_q2,
        kind="kpi",
        rows=[{"employee_id": "E1", "kpi": "prs", "value": "8"}],
        reason="PR count corrected after close",
        user=ops,
    )
    asked = []
    original = adjustments.payable_quarter
    monkeypatch.setattr(
        adjustments, "payable_quarter", lambda period, **kw: asked.append(period) or original(period, **kw)
    )

    data = adjustments.adjustments(adjustments.Period.objects.get(code="FY22-Q3"))

    assert len(data.pending) == 2
    assert [p.code for p in asked] == ["FY22-Q2"]


def test_finance_and_the_cco_see_pending_corrections_without_apply_or_withdraw(
    as_user,
    ops,
    cco,
    finance,
    closed_q2,
):
    exception_for_c1(closed_q2, ops)

    for viewer in (cco, finance):
        section = corrections_section(as_user(viewer).get(Q3).content.decode())
        assert "+166.67" in section
        assert "apply-correction" not in section and "withdraw-correction" not in section
        assert "record-correction" not in section


def test_apply_by_ops_pays_the_true_up_in_the_open_quarter(
    as_user,
    ops,
    closed_q2,
    django_capture_on_commit_callbacks,
):
    correction = exception_for_c1(closed_q2, ops)

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(ops).post(
            f"/console/corrections/{correction.pk}/apply/", {"period": "FY22-Q3"}, follow=True
        )

    trueups = TrueUp.objects.filter(correction=correction)
    assert trueups.aggregate(total=Sum("amount"))["total"] == Decimal("166.67")
    assert {t.paid_in.code for t in trueups} == {"FY22-Q3"}
    correction.refresh_from_db()
    assert correction.status == Correction.Status.APPLIED
    assert any("(true-ups +166.67 USD) paid in FY22-Q3" in m for m in page_messages(response))
    section = corrections_section(response.content.decode())
    assert f'id="correction-{correction.pk}"' not in section  # no longer pending
    assert '<td>CS-FY22</td><td>FY22-Q2</td><td class="money">+166.67 USD</td>' in section
    assert correction.cause in section


@pytest.mark.parametrize("role", ["cco", "finance", "csm"])
def test_apply_or_withdraw_by_anyone_but_ops_is_refused(
    request,
    as_user,
    ops,
    closed_q2,
    role,
):
    correction = exception_for_c1(closed_q2, ops)
    client = as_user(request.getfixturevalue(role))

    assert (
        client.post(f"/console/corrections/{correction.pk}/apply/", {"period": "FY22-Q3"}).status_code == 403
    )
    assert client.post(f"/console/corrections/{correction.pk}/withdraw/").status_code == 403

    assert not TrueUp.objects.exists()
    correction.refresh_from_db()
    assert correction.status == Correction.Status.PENDING


def test_apply_is_a_post_with_a_csrf_token(ops, closed_q2, client):
    from django.test import Client

    correction = exception_for_c1(closed_q2, ops)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(ops)

    assert strict.get(f"/console/corrections/{correction.pk}/apply/").status_code == 405
    assert strict.post(f"/console/corrections/{correction.pk}/apply/").status_code == 403
    assert not TrueUp.objects.exists()


def test_a_withdrawn_correction_is_not_listed_and_applying_it_shows_the_refusal(
    as_user,
    ops,
    closed_q2,
):
    correction = exception_for_c1(closed_q2, ops)
    client = as_user(ops)

    withdrawn = client.post(
        f"/console/corrections/{correction.pk}/withdraw/", {"period": "FY22-Q3"}, follow=True
    )
    assert f"Withdrew correction #{correction.pk} of FY22-Q2." in page_messages(withdrawn)
    assert f'id="correction-{correction.pk}"' not in corrections_section(withdrawn.content.decode())

    refused = client.post(f"/console/corrections/{correction.pk}/apply/", {"period": "FY22-Q3"}, follow=True)
    assert refused.status_code == 200
    assert f"correction #{correction.pk} was withdrawn: record a new one." in page_messages(refused)
    assert not TrueUp.objects.exists()


def upload(text: str, name: str = "kpis.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_a_correction_recorded_from_a_file_is_shown_pending_with_its_effect(
    as_user,
    ops,
    closed_q2,
):
    client = as_user(ops)
    assert "correction-form" in client.get("/console/corrections/new/?period=FY22-Q2").content.decode()

    response = client.post(
        "/console/corrections/new/",
        {
            "period": "FY22-Q2",
            "kind": "kpi",
            "reason": "PR count corrected after close",
            "file": upload("period,employee_id,kpi,value\nFY22-Q2,E1,prs,8\n"),
        },
        follow=True,
    )

    correction = Correction.objects.get()
    assert (correction.period.code, correction.kind, correction.status) == ("FY22-Q2", "kpi", "pending")
    assert correction.rows == [{"employee_id": "E1", "kpi": "prs", "value": "8"}]
    assert response.redirect_chain[-1][0].endswith("?period=FY22-Q3")
    section = corrections_section(response.content.decode())
    assert f'id="correction-{correction.pk}"' in section
    (amount,) = correction.effect["CS-FY22"].values()
    assert f"{Decimal(amount):+,.2f}" in section


def test_a_bad_correction_file_shows_its_line_errors_and_records_nothing(as_user, ops, closed_q2):
    response = as_user(ops).post(
        "/console/corrections/new/",
        {
            "period": "FY22-Q2",
            "kind": "kpi",
            "reason": "PR count corrected after close",
            "file": upload("period,employee_id,kpi,value\nFY22-Q2,E1,prs,lots\nFY22-Q2,E404,prs,3\n"),
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "nothing was recorded" in html
    errors = response.context["refused"].errors
    assert [error.line for error in errors] == [2, 3]
    for error in errors:
        assert f"line {error.line}, column {error.column}" in html
        assert escape(error.reason) in html
    assert "value “lots”" in html
    assert not Correction.objects.exists()


def test_a_short_reason_or_an_open_quarter_is_refused_and_records_nothing(as_user, ops, closed_q2):
    client = as_user(ops)
    short = client.post(
        "/console/corrections/new/",
        {
            "period": "FY22-Q2",
            "kind": "kpi",
            "reason": "typo",
            "file": upload("period,employee_id,kpi,value\n"),
        },
    )
    assert short.status_code == 400 and "at least 10 characters" in short.content.decode()

    open_quarter = client.post(
        "/console/corrections/new/",
        {
            "period": "FY22-Q3",
            "kind": "kpi",
            "reason": "PR count corrected after close",
            "file": upload("period,employee_id,kpi,value\nFY22-Q3,E1,prs,8\n"),
        },
    )
    assert open_quarter.status_code == 400  # only closed quarters are offered
    assert not Correction.objects.exists()


@pytest.mark.parametrize("role", ["cco", "finance", "csm"])
def test_only_ops_opens_the_correction_form(request, as_user, closed_q2, role):
    client = as_user(request.getfixturevalue(role))

    assert client.get("/console/corrections/new/").status_code == 403
    response = client.post(
        "/console/corrections/new/",
        {
            "period": "FY22-Q2",
            "kind": "kpi",
            "reason": "PR count corrected after close",
            "file": upload("period,employee_id,kpi,value\nFY22-Q2,E1,prs,8\n"),
        },
    )
    assert response.status_code == 403
    assert not Correction.objects.exists()


def test_a_correction_the_quarter_has_no_rate_for_shows_the_refusal_and_records_nothing(
    as_user, ops, closed_q2
):
    deals = "deal_id,customer_id,type,arr_delta,currency,booked_on,effective_on\n"
    deals += "D-LATE,C1,expansion,1000,EUR,2021-06-15,2021-06-15\n"

    response = as_user(ops).post(
        "/console/corrections/new/",
        {"period": "FY22-Q2", "kind": "deal", "reason": "deal booked after the close", "file": upload(deals)},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "No FX rate for EUR in FY22-Q2" in html and "record an fx correction of FY22-Q2 with the rate" in html
    )
    assert not Correction.objects.exists()
