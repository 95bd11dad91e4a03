"""The filing page offers several quarters of a fiscal year, closed ones within their year-end window
(issue 14); ops applies a closed quarter's request from its page as a correction."""

from datetime import date

import pytest
from django.utils import timezone

from accounts.models import Role
from adoption.models import Customer
from approvals.models import Request
from approvals.services import approve
from commissions.models import Period, Plan
from commissions.services.close import close_period
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from tests.builders import make_user
from tests.quarter.conftest import load_worked_example

from .conftest import JUSTIFICATION, messages_of

pytestmark = pytest.mark.django_db

YEAR_END = date(2022, 3, 1)  # within FY22's year-end window (2022-02-01 … 2022-04-02)


@pytest.fixture
def today(monkeypatch):
    def set_today(day: date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return set_today


def close(period: Period, by) -> Period:
    Period.objects.filter(pk=period.pk).update(
        status=Period.Status.CLOSED, closed_at=timezone.now(), closed_by=by
    )
    period.refresh_from_db()
    return period


def post(client, periods, **fields):
    data = {"kind": "exception", "customer": "ACME", "period": periods, "value": "0.9"}
    data.update(justification=JUSTIFICATION, **fields)
    return client.post("/requests/new/", data)


def test_the_form_offers_closed_quarters_within_their_window_labelled_year_end(
    login, amer_vp, customer, period, ops, today
):
    close(period, ops)
    get_period("FY22-Q3")
    today(YEAR_END)
    response = login(amer_vp).get("/requests/new/")
    choices = dict(response.context["form"].fields["period"].choices)
    assert choices == {"FY22-Q3": "FY22-Q3", "FY22-Q2": "FY22-Q2 (closed — year-end)"}
    body = response.content.decode()
    assert 'type="checkbox" name="period" value="FY22-Q2"' in body
    assert "FY22-Q2 (closed — year-end)" in body

    today(date(2022, 4, 3))
    response = login(amer_vp).get("/requests/new/")
    assert list(dict(response.context["form"].fields["period"].choices)) == ["FY22-Q3"]


def test_several_quarters_file_one_request_each_and_list_them(login, amer_vp, customer, period, ops, today):
    close(period, ops)
    get_period("FY22-Q3")
    today(YEAR_END)
    response = post(login(amer_vp), ["FY22-Q2", "FY22-Q3"])
    assert response.status_code == 302 and response["Location"] == "/requests/"
    filed = list(Request.objects.order_by("period__start"))
    assert [(r.period.code, r.customer, r.filed_by) for r in filed] == [
        ("FY22-Q2", customer, amer_vp),
        ("FY22-Q3", customer, amer_vp),
    ]
    page = login(amer_vp).get(response["Location"])
    assert messages_of(page) == [
        f"Filed exception #{filed[0].pk} (FY22-Q2), exception #{filed[1].pk} (FY22-Q3); "
        "the CCO has been notified."
    ]


def test_a_closed_quarter_after_its_window_is_refused_with_the_dates(
    login, amer_vp, customer, period, ops, today
):
    close(period, ops)
    today(date(2022, 4, 3))
    response = post(login(amer_vp), ["FY22-Q2"])
    assert response.status_code == 200
    assert (
        "FY22-Q2 is closed: cannot file a request. A year-end request for it can be filed from 2022-02-01 to "
        "2022-04-02." in response.content.decode()
    )
    assert not Request.objects.exists()


def test_quarters_of_two_fiscal_years_are_refused_on_the_page(login, amer_vp, customer, period):
    get_period("FY23-Q1")
    response = post(login(amer_vp), ["FY22-Q2", "FY23-Q1"])
    assert response.status_code == 200
    assert (
        "The quarters of one filing must be of one fiscal year, not of FY22: FY22-Q2; FY23: FY23-Q1."
        in response.content.decode()
    )
    assert not Request.objects.exists()


def test_no_quarter_chosen_is_refused(login, amer_vp, customer, period):
    response = post(login(amer_vp), [])
    assert "Choose at least one quarter." in response.content.decode()
    assert not Request.objects.exists()


# --- ops applies a closed quarter's request from its page ---------------------------------------------------


@pytest.fixture
def approved_year_end(cco, finance, ops, amer_vp, today):
    """The worked example with FY22-Q2 closed and paid, FY22-Q3 open, and an approved year-end exception
    for C1 in FY22-Q2."""
    today(YEAR_END)
    load_worked_example(make_user(Role.CCO))
    q2 = get_period("FY22-Q2")
    pull_scores(period=q2, user=ops)
    calculate(period=q2, plan=Plan.objects.get(code="CS-FY22"), user=ops)
    close_period(period=q2, user=ops)
    get_period("FY22-Q3")
    from approvals.services import file_request

    request = file_request(
        user=amer_vp,
        kind="exception",
        customer=Customer.objects.get(customer_id="C1"),
        period=q2,
        value="1",
        justification=JUSTIFICATION,
    )
    request = approve(request=request, user=cco, comment="Documented.")
    return approve(request=request, user=finance, comment="Budgeted.")


def test_ops_applies_a_closed_quarters_request_as_a_correction(login, approved_year_end, ops):
    detail = login(ops).get(f"/requests/{approved_year_end.pk}/").content.decode()
    assert "Apply as a correction of FY22-Q2" in detail
    assert "FY22-Q2 is closed: a year-end request." in detail

    response = login(ops).post(
        f"/requests/{approved_year_end.pk}/apply/", {"comment": "Year-end."}, follow=True
    )
    request = Request.objects.get(pk=approved_year_end.pk)
    assert request.status == Request.Status.APPLIED and request.correction is not None
    assert messages_of(response) == [
        f"Applied exception #{request.pk} to the closed FY22-Q2 as correction #{request.correction.pk}: "
        "FY22-Q2 is restated and its true-ups are paid in FY22-Q3."
    ]
    assert f"correction #{request.correction.pk} of the closed FY22-Q2: Exception for C1 approved by" in (
        response.content.decode()
    )


def test_the_to_apply_queue_marks_a_closed_quarters_request(login, approved_year_end, ops):
    body = login(ops).get("/requests/to-apply/").content.decode()
    assert "FY22-Q2 (closed — applied as a correction)" in body
    assert f"Apply #{approved_year_end.pk}" in body
