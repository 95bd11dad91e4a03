"""The admin's component editor shows the KPI fields and obeys load_plan's rules (DESIGN §3 "Plans")."""

from decimal import Decimal

import pytest
from django.urls import reverse

from commissions.models import Component
from commissions.services.plans import load_plan

pytestmark = pytest.mark.django_db

PLAN = (
    "code: CS-FY27\nname: CS\nfiscal_year: FY27\ncurrency: USD\n"
    "components:\n  - {code: A, metric: adoption, weight: 1}\n"
)


def form(plan, **fields) -> dict:
    data = {"plan": plan.pk, "position": 1, "code": "LOW", "metric": "kpi", "kpi": "util_below_60"}
    data |= {"source": "computed", "measure": "", "direction": "lower", "weight": "1", "goal": "2"}
    data |= {"ceiling": "", "floor": "", "threshold": "0", "accelerator": "0", "cap": ""}
    return data | fields


def test_a_lower_is_better_component_needs_a_ceiling_above_its_goal(admin_client):
    plan = load_plan(source=PLAN)
    url = reverse("admin:commissions_component_add")

    response = admin_client.post(url, form(plan))
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert (
        "ceiling is required with direction: lower: the value at which attainment falls to 0, above the goal"
        in errors
    )

    response = admin_client.post(url, form(plan, ceiling="2"))
    assert "ceiling (2) must be above goal (2): attainment falls from 1 at the goal to 0 at the ceiling" in (
        response.context["adminform"].form.non_field_errors()
    )

    response = admin_client.post(url, form(plan, ceiling="6"))
    assert response.status_code == 302
    stored = Component.objects.get(code="LOW")
    # A computed KPI left without a measure takes load_plan's default.
    assert (stored.source, stored.measure, stored.direction, stored.ceiling) == (
        "computed",
        "quarter_end",
        "lower",
        Decimal(6),
    )


def test_the_editor_shows_the_kpi_fields(admin_client):
    plan = load_plan(source=PLAN)
    page = admin_client.get(reverse("admin:commissions_plan_change", args=[plan.pk])).content.decode()
    for name in ("source", "measure", "direction", "ceiling"):
        assert f'name="components-0-{name}"' in page, name


def test_the_api_shows_how_a_kpi_component_is_read(client):
    from rest_framework.test import APIClient

    from accounts.models import Role
    from api.tokens import create_token
    from tests.builders import make_user

    plan = load_plan(
        source=PLAN.replace(
            "{code: A, metric: adoption, weight: 1}",
            "{code: LOW, metric: kpi, kpi: util_below_60, source: computed, direction: lower, weight: 1, "
            "goal: 2, ceiling: 6}",
        )
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {create_token(make_user(Role.CCO), 'test')[1]}")

    [component] = api.get(f"/api/plans/{plan.pk}/").json()["components"]

    assert {k: component[k] for k in ("kpi", "source", "measure", "direction", "goal", "ceiling")} == {
        "kpi": "util_below_60",
        "source": "computed",
        "measure": "quarter_end",
        "direction": "lower",
        "goal": "2.0000",
        "ceiling": "6.0000",
    }
