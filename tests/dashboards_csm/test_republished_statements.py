"""A statement link e-mailed at a close outlives a re-open (DESIGN §5 "Publishing"): the CSM who opens a
statement published to them once is led to the one published now, or told the quarter is being revised;
everyone else keeps the 404; a CSM compares only with statements published to them."""

import pytest

from accounts.models import Role
from commissions.models import KpiActual, Plan, Run
from commissions.services.close import close_period, reopen_period
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from tests.builders import make_user

pytestmark = pytest.mark.django_db

REASON = "The KPI actuals were imported for the wrong month."


def new_run(period, ops, *, prs: int) -> Run:
    KpiActual.objects.filter(employee__employee_id="E1").update(value=prs)
    return calculate(period=period, plan=Plan.objects.get(), user=ops).run


@pytest.fixture
def history(worked, ops):
    """FY22-Q2 closed with v1 (published), re-opened, v2 and v3 calculated: returns (period, v1, v2, v3);
    the quarter is open again."""
    period = get_period("FY22-Q2")
    pull_scores(period=period, user=ops)
    calculate(period=period, plan=Plan.objects.get(), user=ops)
    (v1,) = close_period(period=period, user=ops)
    reopen_period(period=period, user=ops, reason=REASON)
    v2 = new_run(period, ops, prs=5)
    v3 = new_run(period, ops, prs=8)
    period.refresh_from_db()
    return period, v1, v2, v3


@pytest.fixture
def reclosed(history, ops):
    period, v1, v2, v3 = history
    assert close_period(period=period, user=ops) == [v3]
    return history


def test_the_replaced_statement_redirects_the_csm_to_the_one_published_now(client, worked, reclosed):
    _, v1, _, v3 = reclosed
    client.force_login(worked)

    response = client.get(f"/my/statements/{v1.pk}/", follow=True)

    assert response.redirect_chain == [(f"/my/statements/{v3.pk}/", 302)]
    page = response.content.decode()
    assert "The statement you opened (v1) was replaced by v3 when FY22-Q2 was closed again." in page
    assert "CS-FY22 v3" in page


def test_the_replaced_statements_pdf_redirects_to_the_pdf_published_now(client, worked, reclosed):
    _, v1, _, v3 = reclosed
    client.force_login(worked)

    response = client.get(f"/my/statements/{v1.pk}/pdf/")

    assert response.status_code == 302 and response["Location"] == f"/my/statements/{v3.pk}/pdf/"


def test_a_re_opened_quarters_statement_says_it_is_being_revised(client, worked, history):
    _, v1, _, _ = history
    client.force_login(worked)

    for url in (f"/my/statements/{v1.pk}/", f"/my/statements/{v1.pk}/pdf/"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "is being revised: FY22-Q2 was re-opened" in page
        assert "will be published again when FY22-Q2 is closed" in page


def test_a_run_never_published_to_the_csm_stays_a_404(client, worked, reclosed):
    _, _, v2, _ = reclosed
    client.force_login(worked)

    assert client.get(f"/my/statements/{v2.pk}/").status_code == 404
    assert client.get(f"/my/statements/{v2.pk}/pdf/").status_code == 404


def test_another_csm_gets_a_404_for_a_replaced_statement(client, reclosed, other_csm):
    _, v1, _, _ = reclosed
    client.force_login(other_csm)

    assert client.get(f"/my/statements/{v1.pk}/").status_code == 404
    assert client.get(f"/my/E1/statements/{v1.pk}/").status_code == 404
    assert client.get(f"/my/statements/{v1.pk}/pdf/").status_code == 404


def test_the_csm_compares_with_the_statement_published_to_them_before(client, worked, reclosed):
    _, _, _, v3 = reclosed
    client.force_login(worked)

    page = client.get(f"/my/statements/{v3.pk}/").content.decode()

    assert "published to you before FY22-Q2 was closed again: v1." in page
    assert "first successful run" not in page
    assert "-200.00" in page  # the KPI line: 12 of 10 (1,000.00) → 8 of 10 (800.00)


def test_the_first_statement_published_to_the_csm_says_none_was_published_before(client, worked, worked_run):
    client.force_login(worked)

    page = client.get(f"/my/statements/{worked_run.pk}/").content.decode()

    assert "No earlier statement of CS-FY22 for FY22-Q2 was published to you." in page
    assert "first successful run" not in page


def test_the_geo_vp_compares_with_the_previous_run_as_before(client, worked, reclosed):
    _, _, v2, v3 = reclosed
    client.force_login(make_user(Role.CSVP, geo="AMER"))

    page = client.get(f"/my/E1/statements/{v3.pk}/").content.decode()

    assert f"Against the previous successful run of CS-FY22 for FY22-Q2: v{v2.version}." in page
