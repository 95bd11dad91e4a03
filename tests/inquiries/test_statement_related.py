"""A statement links to what changed it (docs/design.md §5 "Inquiries", §7): the exceptions and extra credit
of its quarter for customers of its book, the year-end requests whose corrections restated the quarter or
whose true-ups it pays, and the CSM's inquiries about the quarter — in a bounded number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from adoption.models import Customer
from approvals.models import Request
from approvals.services import answer_inquiry, apply, approve, file_request, open_inquiry
from commissions.models import Period, Run
from commissions.services.periods import get_period
from dashboards.csm.related import related_to
from dashboards.csm.statements import statement_for
from tests.builders import make_customer

from .conftest import JUSTIFICATION, close_quarter, section

pytestmark = pytest.mark.django_db


def applied(kind, customer_id, period, value, *, csvp, cco, finance, ops) -> Request:
    request = file_request(
        user=csvp,
        kind=kind,
        customer=Customer.objects.get(customer_id=customer_id),
        period=period,
        value=value,
        justification=JUSTIFICATION,
    )
    approve(request=request, user=cco, comment="The effort is documented.")
    if kind == Request.Kind.EXCEPTION:
        approve(request=request, user=finance, comment="Within budget.")
    return apply(request=request, user=ops)


@pytest.fixture
def history(worked, csvp, cco, finance, ops):
    """An exception for C1 applied while FY22-Q2 was open, FY22-Q2 closed, then a year-end extra credit for
    C2 applied to the closed FY22-Q2 (restated, the difference paid in FY22-Q3); an exception for a
    customer of another book; E1's inquiry about FY22-Q2, answered."""
    people = {"csvp": csvp, "cco": cco, "finance": finance, "ops": ops}
    q2 = get_period("FY22-Q2")
    exception = applied(Request.Kind.EXCEPTION, "C1", q2, "0.9", **people)
    make_customer("C7", geo="AMER")
    applied(Request.Kind.EXCEPTION, "C7", q2, "1", **people)  # not E1's: not on E1's statement
    close_quarter("FY22-Q2", ops)
    get_period("FY22-Q3")
    year_end = applied(Request.Kind.EXTRA_CREDIT, "C2", Period.objects.get(code="FY22-Q2"), "0.5", **people)
    inquiry = open_inquiry(user=worked, period=q2, component="ADOPTION", message="About ADOPTION: why 0.9?")
    answer_inquiry(inquiry=inquiry, user=ops, answer="The exception granted C1 0.9.")
    return {"exception": exception, "year_end": year_end, "inquiry": inquiry}


def related_html(client, user, run: Run, employee_id: str = "") -> str:
    client.force_login(user)
    url = f"/my/{employee_id}/statements/{run.pk}/" if employee_id else f"/my/statements/{run.pk}/"
    page = client.get(url).content.decode()
    return section(page, 'id="related"', "</section>")


def test_the_statement_lists_the_applied_exception_and_the_year_end_request(client, history, worked):
    exception, year_end = history["exception"], history["year_end"]
    html = related_html(client, worked, Run.objects.get(period__code="FY22-Q2", is_final=True))

    assert f'<a href="/requests/{exception.pk}/">exception #{exception.pk}</a>' in html
    assert (
        '<td>Exception</td><td>C1 Acme</td><td>FY22-Q2</td><td class="number">90.0%</td><td>Applied</td>'
        in html
    )
    assert f'<a href="/requests/{year_end.pk}/">extra credit #{year_end.pk}</a>' in html
    assert f"{year_end.correction.label} (applied): restated FY22-Q2" in html
    assert "C7" not in html
    inquiry = history["inquiry"]
    assert f'<a href="/requests/inquiries/{inquiry.pk}/">inquiry #{inquiry.pk}</a>' in html
    assert "Answered" in html


def test_the_quarter_that_pays_a_year_end_request_links_to_it(client, history, worked, ops):
    year_end = history["year_end"]
    q3 = close_quarter("FY22-Q3", ops)
    html = related_html(client, worked, Run.objects.get(period=q3, is_final=True))
    row = html[html.index(f"extra credit #{year_end.pk}") :]
    assert f'<a href="/requests/{year_end.pk}/">' in html
    assert "<td>FY22-Q2</td>" in row and "its true-ups are paid in FY22-Q3" in row
    assert "No inquiry about FY22-Q3 yet" in html


def test_a_request_the_viewer_may_not_open_is_listed_without_a_link(client, history, worked, other_csm):
    """C1 moved to another CSM since: E1's statement still shows the exception that credited C1, unlinked."""
    from adoption.models import Ownership

    Ownership.objects.create(
        customer=Customer.objects.get(customer_id="C1"), employee=other_csm, start_date="2022-02-15"
    )
    exception = history["exception"]
    html = related_html(client, worked, Run.objects.get(period__code="FY22-Q2", is_final=True))
    assert f"<td>exception #{exception.pk}</td>" in html
    assert f'href="/requests/{exception.pk}/"' not in html


def test_ops_sees_the_same_requests_and_the_csms_inquiries(client, history, ops):
    html = related_html(client, ops, Run.objects.get(period__code="FY22-Q2", is_final=True), employee_id="E1")
    assert f'href="/requests/{history["exception"].pk}/"' in html
    assert f'href="/requests/inquiries/{history["inquiry"].pk}/"' in html


def test_the_related_requests_cost_four_queries(history, worked, csvp, cco, finance, ops):
    run = Run.objects.get(period__code="FY22-Q2", is_final=True)
    statement = statement_for(worked, worked, run.pk)
    with CaptureQueriesContext(connection) as captured:
        related = related_to(worked, worked, statement)
    assert len(captured) == 4
    assert [r.label for r in related.requests] == [history["exception"].label, history["year_end"].label]
