"""Every line of a statement has an "Ask about this line" link for its CSM, to the inquiry form prefilled
with the quarter, the component or customer, and a first sentence naming the line and its figure
(docs/design.md §5 "Inquiries")."""

from decimal import Decimal

import pytest

from accounts.models import Role
from approvals.models import Inquiry
from approvals.services import apply, approve, file_request
from commissions.models import PayoutLine, Run
from dashboards.csm.statements import PayableLine, offer_asks, statement_for
from tests.builders import make_user

from .conftest import JUSTIFICATION, asks, close_quarter, section

pytestmark = pytest.mark.django_db


def statement_page(client, user, run: Run, employee_id: str | None = None) -> str:
    client.force_login(user)
    url = f"/my/{employee_id}/statements/{run.pk}/" if employee_id else f"/my/statements/{run.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_every_component_line_customer_and_deal_has_its_ask_link_with_its_prefill(client, e1, q2_run):
    page = statement_page(client, e1, q2_run)

    lines = asks(section(page, 'id="table-lines"', "</section>"))
    assert lines == [
        {"period": "FY22-Q2", "component": "ADOPTION", "message": "About ADOPTION in FY22-Q2 (833.33 USD): "},
        {"period": "FY22-Q2", "component": "NRR", "message": "About NRR in FY22-Q2 (500.00 USD): "},
        {"period": "FY22-Q2", "component": "KPI", "message": "About KPI in FY22-Q2 (1,000.00 USD): "},
    ]
    # The derivation of each line offers the same link first, where its figure is explained.
    for code, line in zip(("adoption", "nrr", "kpi"), lines, strict=True):
        assert asks(section(page, f'id="line-{code}"', "</details>"))[0] == line
    c1, c2, c3 = asks(section(page, 'id="table-customers"', "</section>"))
    assert c1 == {
        "period": "FY22-Q2",
        "customer": "C1",
        "message": "About customer C1 (Acme) in FY22-Q2 (r 75.0%, counted): ",
    }
    assert c2["customer"] == "C2" and c2["message"].startswith(
        "About customer C2 (Globex) in FY22-Q2 (r 100.0%"
    )
    assert c3["customer"] == "C3" and "not counted: held harmless" in c3["message"]
    assert "component" not in c1
    [d1] = asks(section(page, 'id="table-deals"', "</section>"))
    assert d1 == {
        "period": "FY22-Q2",
        "component": "NRR",
        "customer": "C2",
        "message": "About deal D1 of C2 (expansion) in FY22-Q2 (7,500.00 USD credited): ",
    }


def test_the_commission_line_has_its_ask_link(client, e1, q2_run):
    page = statement_page(client, e1, q2_run)
    [commission] = asks(section(page, 'id="payable-lines"', "</section>"))
    assert commission == {
        "period": "FY22-Q2",
        "component": "Commission (CS-FY22)",
        "message": "About the commission line of CS-FY22 in FY22-Q2 (2,333.33 USD): ",
    }


def test_a_true_up_line_names_the_quarter_it_restates(client, e1, ops, cco, finance, csvp):
    """A year-end exception for C1 restates FY22-Q2 (+166.67, DESIGN §7's worked example), paid in FY22-Q3."""
    request = file_request(
        user=csvp,
        kind="exception",
        customer=e1_customer("C1"),
        period=q2(),
        value="1",
        justification=JUSTIFICATION,
    )
    approve(request=request, user=cco, comment="The effort is documented.")
    approve(request=request, user=finance, comment="Within the year-end budget.")
    apply(request=request, user=ops)
    q3 = close_quarter("FY22-Q3", ops)

    page = statement_page(client, e1, Run.objects.get(period=q3, is_final=True))
    payable = asks(section(page, 'id="payable-lines"', "</section>"))
    true_up = next(ask for ask in payable if ask["component"] == "True-up (CS-FY22)")
    assert true_up == {
        "period": "FY22-Q3",
        "component": "True-up (CS-FY22)",
        "message": "About the true-up line of CS-FY22, restating FY22-Q2 in FY22-Q3 (166.67 USD): ",
    }


@pytest.mark.parametrize("kind", PayoutLine.Type.values)
def test_every_kind_of_payable_line_gets_its_ask_link(e1, q2_run, kind):
    statement = statement_for(e1, e1, q2_run.pk)
    label = PayoutLine.Type(kind).label
    statement.payable.lines = [
        PayableLine(
            type=kind,
            label=label,
            plan="CS-FY22",
            restated="FY22-Q1" if kind != "commission" else "",
            cause="",
            amount=Decimal("-12.5"),
            currency="USD",
            held=kind == "hold release",
        )
    ]
    [line] = offer_asks(statement).payable.lines
    [query] = asks(f'href="{line.ask_url}"')
    assert query["component"] == f"{label} ({'CS-FY22'})"
    assert query["message"].startswith(f"About the {label.lower()} line of CS-FY22")
    assert "(-12.50 USD" in query["message"]


@pytest.mark.parametrize("who", ["ops", "the geo vp", "the cco"])
def test_only_the_statements_csm_sees_the_ask_links(client, e1, q2_run, ops, who):
    viewer = {"ops": ops, "the geo vp": make_user(Role.CSVP, geo="AMER"), "the cco": make_user(Role.CCO)}[who]
    page = statement_page(client, viewer, q2_run, employee_id="E1")
    assert "Ask about this line" not in page and asks(page) == []
    assert "2,333.33" in page  # the same statement, without the links


def test_the_downloads_carry_figures_only(client, e1, q2_run):
    client.force_login(e1)
    response = client.get(f"/my/statements/{q2_run.pk}/?download=lines&format=csv")
    header = response.content.decode().splitlines()[0]
    assert (
        header == "Component,Metric,Applies,Metric value,Unit,Attainment,Factor,Weight,Share,"
        "Exact amount before rounding,Payout"
    )


def test_the_prefilled_form_sends_an_inquiry_naming_the_line(client, e1, q2_run):
    page = statement_page(client, e1, q2_run)
    [adoption, *_] = asks(section(page, 'id="table-lines"', "</section>"))
    form = client.get("/requests/inquiries/new/", adoption)
    assert form.status_code == 200
    shown = form.content.decode()
    assert 'value="ADOPTION"' in shown and "About ADOPTION in FY22-Q2 (833.33 USD): </textarea>" in shown

    response = client.post(
        "/requests/inquiries/new/", {**adoption, "message": adoption["message"] + "C1's score looks stale."}
    )
    inquiry = Inquiry.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/requests/inquiries/{inquiry.pk}/"
    assert (inquiry.employee, inquiry.period.code, inquiry.component, inquiry.customer) == (
        e1,
        "FY22-Q2",
        "ADOPTION",
        None,
    )
    assert inquiry.message == "About ADOPTION in FY22-Q2 (833.33 USD): C1's score looks stale."


def test_a_deal_link_sends_an_inquiry_about_its_customer_and_the_nrr_line(client, e1, q2_run):
    page = statement_page(client, e1, q2_run)
    [deal] = asks(section(page, 'id="table-deals"', "</section>"))
    client.post("/requests/inquiries/new/", {**deal, "message": deal["message"] + "Booked in May, not June."})
    inquiry = Inquiry.objects.get()
    assert (inquiry.customer.customer_id, inquiry.component) == ("C2", "NRR")
    assert inquiry.message.startswith("About deal D1 of C2 (expansion) in FY22-Q2")


def test_a_customer_moved_since_is_still_asked_about_for_the_quarter_it_was_credited(
    client, e1, q2_run, other_csm
):
    from adoption.models import Ownership

    Ownership.objects.create(customer=e1_customer("C1"), employee=other_csm, start_date="2022-02-15")
    page = statement_page(client, e1, q2_run)
    c1 = next(ask for ask in asks(page) if ask.get("customer") == "C1")
    assert client.get("/requests/inquiries/new/", c1).status_code == 200
    client.post("/requests/inquiries/new/", {**c1, "message": c1["message"] + "Why 0.75?"})
    assert Inquiry.objects.get().customer.customer_id == "C1"


def e1_customer(customer_id: str):
    from adoption.models import Customer

    return Customer.objects.get(customer_id=customer_id)


def q2():
    from commissions.models import Period

    return Period.objects.get(code="FY22-Q2")
