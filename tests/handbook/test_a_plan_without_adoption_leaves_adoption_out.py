"""The handbook of a plan without an adoption component (NRR and KPIs only) leaves out every part that
concerns adoption only (docs/handbook.md "A plan without adoption"): the target snapshot and the year-end
window for exceptions and extra credit in its timeline, the account of those requests and the adoption
contact in its FAQ — while a plan with adoption keeps them all."""

import html
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from commissions.models import Assignment, Component, Plan
from dashboards.handbook.builder import build_handbook
from tests.builders import make_user

from .conftest import PAGE

pytestmark = pytest.mark.django_db

NRR_KPI = "NK-FY26"


def _text(response) -> str:
    return html.unescape(" ".join(response.content.decode().split()))


@pytest.fixture
def nrr_csm(db):
    """A CSM on NK-FY26 (NRR and a KPI, no adoption) from FY26's first day; no FY26 snapshot is imported."""
    plan = Plan.objects.create(code=NRR_KPI, name="NRR and KPI", fiscal_year="FY26", currency="USD")
    Component.objects.create(plan=plan, code="NRR", position=0, metric="nrr", weight=1, goal=Decimal("1.1"))
    Component.objects.create(
        plan=plan, code="KPI", position=1, metric="kpi", kpi="prs", weight=1, goal=Decimal("10")
    )
    csm = make_user(Role.CSM, employee_id="E-NK", email="nk@example.com")
    Assignment.objects.create(
        employee=csm, plan=plan, start_date=date(2025, 2, 1), on_target_amount=Decimal("3000")
    )
    return csm


def test_the_timeline_of_a_plan_without_adoption_names_no_snapshot_and_no_year_end_window(client, nrr_csm):
    client.force_login(nrr_csm)

    page = _text(client.get(f"/handbook/{NRR_KPI}/", {"period": "FY26-Q2"}))

    assert "FY26 timeline" in page and 'id="timeline-table"' in page
    assert 'id="snapshot"' not in page and "target snapshot" not in page
    assert 'id="year-end"' not in page and "Year-end adjustments" not in page
    assert "a Geo VP may file exceptions and extra credit" not in page
    # An ended quarter not pulled yet is calculated on its pull date; it waits for no score.
    assert "ended: it is calculated on the pull date" in page
    assert "its scores are pulled" not in page


def test_the_faq_of_a_plan_without_adoption_leaves_the_requests_and_the_adoption_contact_out(
    client, nrr_csm, settings
):
    settings.HANDBOOK_ADOPTION_CONTACT = "The adoption desk"
    handbook = build_handbook(Plan.objects.get(code=NRR_KPI), reader=nrr_csm, quarter="FY26-Q2")
    answers = {item.slug: item.answer for item in handbook.faq}

    assert not handbook.has_adoption and handbook.adoption == []
    assert answers["exceptions"] == (
        "Exceptions and extra credit change adoption only, and this plan has no adoption component: they do "
        "not change what it pays.",
    )
    assert answers["score-pull"][0].startswith("This plan does not use adoption scores")
    assert not any("adoption scores and targets" in paragraph for paragraph in answers["contacts"])
    client.force_login(nrr_csm)
    page = _text(client.get(f"/handbook/{NRR_KPI}/"))
    for adoption_only in ("Year-end:", "The Geo VP of the customer's geo files it", "The adoption desk"):
        assert adoption_only not in page, adoption_only


def test_a_plan_with_adoption_keeps_its_snapshot_window_requests_and_contact(client, e1, settings):
    settings.HANDBOOK_ADOPTION_CONTACT = "The adoption desk"
    client.force_login(e1)

    page = _text(client.get(PAGE, {"period": "FY22-Q2"}))

    assert 'id="snapshot"' in page and "its targets <strong>will not change</strong>" in page
    assert 'id="year-end"' in page and "a Geo VP may file exceptions and extra credit" in page
    assert "Year-end: a closed quarter of FY22 takes requests from" in page
    assert "About adoption scores and targets: The adoption desk." in page
    if timezone.localdate() > date(2021, 7, 31):
        assert "ended: its scores are pulled on the pull date" in page
