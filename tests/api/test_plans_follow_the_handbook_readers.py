"""`/api/plans/` lists and answers the plans whose handbook the person may read, and no other (docs/api.md
"Plans"): one rule, ``access.may_see_handbook`` (``plans_with_handbook_for`` over every plan). A CSM lists
their own plan, not another year's nor another team's; a Geo VP the plans of their geo's people; a manager
those of the people they manage; cco, finance, ops and admins every plan. Another plan is a 404."""

from datetime import date
from decimal import Decimal

import pytest

from accounts import access
from accounts.models import Role
from commissions.models import Assignment, Component, Plan
from tests.builders import make_user

from . import openapi

pytestmark = pytest.mark.django_db

EVERY_PLAN = {"CS-FY22", "EMEA-FY22", "CS-FY23"}
SEES = {
    "csm": {"CS-FY22"},
    "other_csm": {"CS-FY22"},
    "emea_csm": {"CS-FY22", "EMEA-FY22"},
    "csvp": {"CS-FY22"},  # AMER: the people of CS-FY22, none of EMEA-FY22's
    "cco": EVERY_PLAN,
    "finance": EVERY_PLAN,
    "ops": EVERY_PLAN,
    "admin": EVERY_PLAN,
    "nobody": set(),
}


@pytest.fixture
def plans(world, people) -> dict[str, Plan]:
    """The world's CS-FY22 (csm, other_csm and emea_csm on it), EMEA-FY22 with emea_csm alone, and CS-FY23,
    a plan of the next year nobody of the world is on."""
    emea = Plan.objects.create(code="EMEA-FY22", name="EMEA plan", fiscal_year="FY22", currency="EUR")
    next_year = Plan.objects.create(code="CS-FY23", name="CS plan", fiscal_year="FY23", currency="USD")
    for plan in (emea, next_year):
        Component.objects.create(plan=plan, code="NRR", metric="nrr", weight=Decimal("1"))
    Assignment.objects.create(
        employee=people["emea_csm"], plan=emea, start_date=date(2021, 2, 1), on_target_amount=Decimal("1000")
    )
    Assignment.objects.create(
        employee=make_user(Role.CSM, geo="APAC", email="apac.csm@example.com"),
        plan=next_year,
        start_date=date(2022, 2, 1),
        on_target_amount=Decimal("1000"),
    )
    return {plan.code: plan for plan in Plan.objects.all()}


def _codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


@pytest.mark.parametrize("persona", sorted(SEES))
def test_each_person_lists_the_plans_whose_handbook_they_may_read(plans, people, client_for, persona):
    listed = _codes(client_for(persona).get("/api/plans/"))

    assert listed == SEES[persona]
    # The handbook's own rule, asked plan by plan, agrees.
    assert listed == {code for code, plan in plans.items() if access.may_see_handbook(people[persona], plan)}


def test_a_csm_gets_404_for_a_plan_they_are_not_on_whose_handbook_answers_403(
    plans, people, client_for, client
):
    api = client_for("csm")
    assert api.get(f"/api/plans/{plans['CS-FY22'].pk}/").status_code == 200
    for code in ("EMEA-FY22", "CS-FY23"):
        response = api.get(f"/api/plans/{plans[code].pk}/")
        assert response.status_code == 404, code
        assert response.json()["error"]["code"] == "not_found"
        client.force_login(people["csm"])
        assert client.get(f"/handbook/{code}/").status_code == 403, code
    assert _codes(api.get("/api/plans/", {"fiscal_year": "FY23"})) == set()


def test_a_manager_lists_the_plans_of_the_people_they_manage_at_every_level(plans, people, client_for):
    lead = make_user(Role.CSM, geo="EMEA", email="lead@example.com")
    people["emea_csm"].manager = lead
    people["emea_csm"].save(update_fields=["manager"])
    head = people["nobody"]
    lead.manager = head
    lead.save(update_fields=["manager"])

    assert _codes(client_for("nobody").get("/api/plans/")) == {"CS-FY22", "EMEA-FY22"}


def test_a_plan_read_by_a_person_who_left_it_is_still_theirs(plans, people, client_for):
    # "An assignment to it, at any date" (docs/handbook.md "Who reads it"): the plan left is still listed.
    Assignment.objects.filter(employee=people["emea_csm"], plan=plans["EMEA-FY22"]).update(
        end_date=date(2021, 4, 30)
    )
    assert "EMEA-FY22" in _codes(client_for("emea_csm").get("/api/plans/"))


def test_the_schema_says_who_sees_which_plans():
    paths = openapi.schema()["paths"]
    for path in ("/api/plans/", "/api/plans/{id}/"):
        description = paths[path]["get"]["description"]
        assert "Scoped like the plan handbook" in description, path
        assert "cco/finance/ops/admin see every plan" in description, path
        assert "Everyone signed in sees all of them" not in description, path
