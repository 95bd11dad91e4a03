"""Inquiries: CSMs ask, ops or the geo's VP answer, the VP may turn one into an exception request."""

import pytest

from accounts.models import Role
from approvals import services
from approvals.models import Inquiry, Request
from tests.builders import assign_plan, make_user

from .conftest import JUSTIFICATION, messages_of


@pytest.fixture
def ask(period):
    def make(user, *, customer=None, component="", message="Why is my adoption line so low?") -> Inquiry:
        if component and not user.assignments.exists():
            assign_plan(user)  # a line of the CSM's statement is named after their plan's components
        return services.open_inquiry(
            user=user, period=period, customer=customer, component=component, message=message
        )

    return make


def listed(response) -> list[Inquiry]:
    return list(response.context["page"].object_list)


@pytest.mark.django_db
def test_a_csm_raises_an_inquiry_about_a_customer_of_their_book(login, csm, customer, period):
    response = login(csm).get("/requests/inquiries/new/?customer=ACME&period=FY22-Q2")
    assert response.status_code == 200
    response = login(csm).post(
        "/requests/inquiries/new/",
        {"period": "FY22-Q2", "customer": "ACME", "message": "Acme's score is stale since May."},
    )
    inquiry = Inquiry.objects.get()
    assert response["Location"] == f"/requests/inquiries/{inquiry.pk}/"
    assert (inquiry.employee, inquiry.customer, inquiry.period) == (csm, customer, period)


@pytest.mark.django_db
def test_a_csm_raises_an_inquiry_about_a_statement_line(login, csm, period):
    assign_plan(csm)
    login(csm).post(
        "/requests/inquiries/new/",
        {"period": "FY22-Q2", "component": "NRR", "message": "My NRR misses a deal."},
    )
    assert Inquiry.objects.get().component == "NRR"


@pytest.mark.django_db
def test_a_line_not_on_the_csms_statement_is_refused_on_the_form(login, csm, period):
    assign_plan(csm)
    response = login(csm).post(
        "/requests/inquiries/new/",
        {"period": "FY22-Q2", "component": "BOGUS", "message": "My NRR misses a deal."},
    )
    assert response.status_code == 400 and not Inquiry.objects.exists()
    assert "is not a line of your FY22-Q2 statement" in response.content.decode()


@pytest.mark.django_db
def test_an_inquiry_names_a_customer_or_a_line(login, csm, period):
    response = login(csm).post(
        "/requests/inquiries/new/", {"period": "FY22-Q2", "message": "Something is off."}
    )
    assert "Say which customer or which statement line" in response.content.decode()
    assert not Inquiry.objects.exists()


@pytest.mark.django_db
def test_a_csm_cannot_ask_about_another_csms_customer(login, other_csm, customer, period):
    response = login(other_csm).post(
        "/requests/inquiries/new/",
        {"period": "FY22-Q2", "customer": "ACME", "message": "Acme's score is stale."},
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Inquiry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CSVP, Role.CCO, Role.OPS])
def test_only_csms_raise_inquiries(login, role):
    assert login(make_user(role)).get("/requests/inquiries/new/").status_code == 403


@pytest.mark.django_db
def test_inquiries_are_scoped_and_open_ones_come_first(
    login, ask, csm, other_csm, amer_vp, emea_vp, ops, cco
):
    answered = ask(csm, component="KPI")
    services.answer_inquiry(inquiry=answered, user=ops, answer="The KPI file arrived late.")
    mine = ask(csm, component="NRR")
    theirs = ask(other_csm, component="NRR")

    assert listed(login(csm).get("/requests/inquiries/")) == [mine, answered]
    assert listed(login(other_csm).get("/requests/inquiries/")) == [theirs]
    assert listed(login(amer_vp).get("/requests/inquiries/")) == [theirs, mine, answered]
    assert listed(login(emea_vp).get("/requests/inquiries/")) == []
    for user in (ops, cco):
        assert listed(login(user).get("/requests/inquiries/")) == [theirs, mine, answered]


@pytest.mark.django_db
def test_a_csm_cannot_open_another_csms_inquiry(login, ask, csm, other_csm, emea_vp):
    inquiry = ask(csm, component="NRR")
    assert login(csm).get(f"/requests/inquiries/{inquiry.pk}/").status_code == 200
    assert login(other_csm).get(f"/requests/inquiries/{inquiry.pk}/").status_code == 404
    assert login(emea_vp).get(f"/requests/inquiries/{inquiry.pk}/").status_code == 404


@pytest.mark.django_db
def test_ops_answers_and_the_csm_reads_the_answer(login, ask, csm, ops):
    inquiry = ask(csm, component="NRR")
    assert "/answer/" in login(ops).get(f"/requests/inquiries/{inquiry.pk}/").content.decode()
    assert "/answer/" not in login(csm).get(f"/requests/inquiries/{inquiry.pk}/").content.decode()

    response = login(ops).post(f"/requests/inquiries/{inquiry.pk}/answer/", {"answer": "short"})
    assert (
        response.status_code == 400 and "The answer needs at least 10 characters" in response.content.decode()
    )

    login(ops).post(f"/requests/inquiries/{inquiry.pk}/answer/", {"answer": "The deal is booked in Q3."})
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.answered_by) == (Inquiry.Status.ANSWERED, ops)
    assert (
        "The deal is booked in Q3." in login(csm).get(f"/requests/inquiries/{inquiry.pk}/").content.decode()
    )


@pytest.mark.django_db
def test_the_geo_vp_answers_but_the_cco_may_not(login, ask, csm, amer_vp, cco):
    inquiry = ask(csm, component="NRR")
    response = login(cco).post(
        f"/requests/inquiries/{inquiry.pk}/answer/", {"answer": "Some answer long enough."}, follow=True
    )
    assert any("Only ops or the CSM's Geo VP" in m for m in messages_of(response))
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.OPEN
    login(amer_vp).post(f"/requests/inquiries/{inquiry.pk}/answer/", {"answer": "Some answer long enough."})
    assert Inquiry.objects.get(pk=inquiry.pk).answered_by == amer_vp


@pytest.mark.django_db
def test_the_geo_vp_turns_an_inquiry_about_a_customer_into_an_exception(
    login, ask, csm, customer, amer_vp, ops
):
    inquiry = ask(csm, customer=customer)
    assert "/convert/" in login(amer_vp).get(f"/requests/inquiries/{inquiry.pk}/").content.decode()
    assert "/convert/" not in login(ops).get(f"/requests/inquiries/{inquiry.pk}/").content.decode()

    response = login(amer_vp).post(
        f"/requests/inquiries/{inquiry.pk}/convert/", {"value": "0.8", "justification": JUSTIFICATION}
    )
    filed = Request.objects.get()
    assert response["Location"] == f"/requests/{filed.pk}/"
    assert (filed.kind, filed.customer, filed.filed_by) == (Request.Kind.EXCEPTION, customer, amer_vp)
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.request) == (Inquiry.Status.CONVERTED, filed)


@pytest.mark.django_db
def test_converting_shows_the_refusal_and_changes_nothing(login, ask, csm, customer, amer_vp):
    inquiry = ask(csm, customer=customer)
    response = login(amer_vp).post(
        f"/requests/inquiries/{inquiry.pk}/convert/", {"value": "9", "justification": JUSTIFICATION}
    )
    assert response.status_code == 400
    assert "between 0 and the customer cap" in response.content.decode()
    assert not Request.objects.exists()
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.OPEN
