"""Approve, reject, withdraw and apply through the request page; refusals shown, nothing changed."""

import pytest

from accounts.models import Role
from approvals import services
from approvals.models import Request, RequestStep
from tests.builders import make_user

from .conftest import messages_of


def reload(request: Request) -> Request:
    return Request.objects.get(pk=request.pk)


@pytest.mark.django_db
def test_the_page_offers_only_the_actions_the_person_may_take(
    login, customer, file, amer_vp, cco, finance, ops
):
    filed = file(customer)
    assert (
        f'action="/requests/{filed.pk}/approve/"' in login(cco).get(f"/requests/{filed.pk}/").content.decode()
    )
    for user in (finance, ops):
        body = login(user).get(f"/requests/{filed.pk}/").content.decode()
        assert "/approve/" not in body and "/apply/" not in body and "/withdraw/" not in body
    body = login(amer_vp).get(f"/requests/{filed.pk}/").content.decode()
    assert "/withdraw/" in body and "/approve/" not in body
    assert "csrfmiddlewaretoken" in body


@pytest.mark.django_db
def test_exception_goes_cco_finance_ops_through_the_pages(login, customer, file, cco, finance, ops):
    filed = file(customer)
    response = login(cco).post(
        f"/requests/{filed.pk}/approve/", {"comment": "Fair, the migration is documented."}
    )
    assert response.status_code == 302 and response["Location"] == f"/requests/{filed.pk}/"
    assert reload(filed).status == Request.Status.PENDING_FINANCE

    login(finance).post(f"/requests/{filed.pk}/approve/", {"comment": "Budget is fine."})
    assert reload(filed).status == Request.Status.APPROVED

    response = login(ops).post(f"/requests/{filed.pk}/apply/", follow=True)
    assert reload(filed).status == Request.Status.APPLIED
    text = " ".join(messages_of(response))
    # Ops calculates in the console (the admin's lists are the admin role's, not ops').
    assert "It counts from the next calculation of FY22-Q2" in text
    assert "/console/?period=FY22-Q2" in text and "/admin/" not in text

    steps = list(RequestStep.objects.filter(request=filed).values_list("action", "role", "actor__email"))
    assert steps == [
        ("filed", "csvp", filed.filed_by.email),
        ("approved", "cco", cco.email),
        ("approved", "finance", finance.email),
        ("applied", "ops", ops.email),
    ]
    body = login(ops).get(f"/requests/{filed.pk}/").content.decode()
    assert "Fair, the migration is documented." in body and "Budget is fine." in body


@pytest.mark.django_db
def test_reject_needs_a_comment_and_is_final(login, customer, file, cco):
    filed = file(customer)
    response = login(cco).post(f"/requests/{filed.pk}/reject/", {"comment": "  "})
    assert response.status_code == 400
    assert "Every decision carries a comment." in response.content.decode()
    assert reload(filed).status == Request.Status.PENDING_CCO

    login(cco).post(f"/requests/{filed.pk}/reject/", {"comment": "Score reflects reality."})
    assert reload(filed).status == Request.Status.REJECTED
    body = login(cco).get(f"/requests/{filed.pk}/").content.decode()
    assert "Score reflects reality." in body and "/approve/" not in body


@pytest.mark.django_db
def test_the_filer_cannot_approve_their_own_request(login, customer, period):
    vp_and_cco = make_user(Role.CSVP, Role.CCO, geo="AMER")
    filed = services.file_request(
        user=vp_and_cco,
        kind="exception",
        customer=customer,
        period=period,
        value="1",
        justification="A justification long enough to pass.",
    )
    response = login(vp_and_cco).post(
        f"/requests/{filed.pk}/approve/", {"comment": "Looks good to me."}, follow=True
    )
    assert any("cannot decide on it" in m for m in messages_of(response))
    assert reload(filed).status == Request.Status.PENDING_CCO
    assert RequestStep.objects.filter(request=filed).count() == 1
    assert "/approve/" not in response.content.decode()


@pytest.mark.django_db
def test_nobody_approves_two_steps(login, customer, file):
    cco_and_finance = make_user(Role.CCO, Role.FINANCE, geo="")
    filed = file(customer)
    login(cco_and_finance).post(f"/requests/{filed.pk}/approve/", {"comment": "First step ok."})
    response = login(cco_and_finance).post(
        f"/requests/{filed.pk}/approve/", {"comment": "Second step ok."}, follow=True
    )
    assert any("already approved a step" in m for m in messages_of(response))
    assert reload(filed).status == Request.Status.PENDING_FINANCE


@pytest.mark.django_db
def test_ops_cannot_approve_and_the_cco_cannot_apply(login, customer, file, cco, ops):
    filed = file(customer)
    response = login(ops).post(f"/requests/{filed.pk}/approve/", {"comment": "I approve."}, follow=True)
    assert any("waits for cco" in m for m in messages_of(response))
    response = login(cco).post(f"/requests/{filed.pk}/apply/", follow=True)
    assert any("only an approved request is applied" in m for m in messages_of(response))
    assert reload(filed).status == Request.Status.PENDING_CCO


@pytest.mark.django_db
def test_the_filer_withdraws_while_pending(login, customer, file, amer_vp, cco):
    filed = file(customer)
    response = login(cco).post(f"/requests/{filed.pk}/withdraw/", follow=True)
    assert any("Only the person who filed" in m for m in messages_of(response))
    assert reload(filed).status == Request.Status.PENDING_CCO

    response = login(amer_vp).post(
        f"/requests/{filed.pk}/withdraw/", {"comment": "Resolved otherwise."}, follow=True
    )
    assert any("Withdrew exception" in m for m in messages_of(response))
    assert reload(filed).status == Request.Status.WITHDRAWN
    response = login(amer_vp).post(f"/requests/{filed.pk}/withdraw/", follow=True)
    assert any("can no longer be withdrawn" in m for m in messages_of(response))


@pytest.mark.django_db
def test_actions_only_accept_post(login, customer, file, cco):
    filed = file(customer)
    assert login(cco).get(f"/requests/{filed.pk}/approve/").status_code == 405
    assert reload(filed).status == Request.Status.PENDING_CCO


@pytest.mark.django_db
def test_extra_credit_goes_from_cco_to_ops(login, customer, file, cco, ops):
    filed = file(customer, kind=Request.Kind.EXTRA_CREDIT, value="0.5")
    login(cco).post(f"/requests/{filed.pk}/approve/", {"comment": "Above and beyond indeed."})
    assert reload(filed).status == Request.Status.APPROVED
    response = login(ops).post(f"/requests/{filed.pk}/apply/", {"next": "to-apply"})
    assert response["Location"] == "/requests/to-apply/"
    assert reload(filed).status == Request.Status.APPLIED
