"""Escalators through a run, its fingerprint and the statement (docs/design.md §11.2).

CS-ESC (FY22, USD) pays E1 (OTI 3000.00 a quarter) on two imported KPIs of weight 1: PRS (goal 10) and
QBRS (goal 10, cap 1.0), with the escalator quality: data_quality ≥ 95 over the quarter → ×1.10 on QBRS.
E1 reaches PRS 10 and QBRS 15 (capped at 1.0): PRS 1500.00, QBRS 1500.00 × 1.10 = 1650.00, total
3150.00, when her data_quality in FY22-Q2 (2021-05-01 … 2021-07-31) averages at least 95.
"""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from commissions.loaders import fingerprint, load_quarter, plan_members
from commissions.models import ComponentResult, KpiActual, PersonMetric
from commissions.services.periods import get_period
from commissions.services.plans import load_plan
from commissions.services.runs import calculate
from tests.builders import make_user

pytestmark = pytest.mark.django_db

PLAN = """\
code: CS-ESC
name: Escalated
fiscal_year: FY22
currency: USD
components:
  - {code: PRS, metric: kpi, kpi: prs, weight: 1, goal: 10}
  - {code: QBRS, metric: kpi, kpi: qbrs, weight: 1, goal: 10, cap: 1.0}
"""
QUALITY = (
    "escalators:\n"
    "  - {code: quality, metric: data_quality, at_least: 95, multiplier: 1.10, applies_to: QBRS}\n"
)


@pytest.fixture
def world():
    e1 = make_user(Role.CSM, employee_id="E1", name="Erin One")
    plan = load_plan(source=PLAN + QUALITY)
    plan.assignments.create(employee=e1, start_date=date(2021, 2, 1), on_target_amount=Decimal("3000.00"))
    KpiActual.objects.create(period="FY22-Q2", employee=e1, kpi="prs", value=10)
    KpiActual.objects.create(period="FY22-Q2", employee=e1, kpi="qbrs", value=15)
    for day, value in ((date(2021, 5, 1), "94.5"), (date(2021, 6, 1), "95.5")):
        PersonMetric.objects.create(employee=e1, date=day, metric="data_quality", period="month", value=value)
    return {"e1": e1, "plan": plan, "period": get_period("FY22-Q2")}


def payouts(run) -> dict[str, Decimal]:
    return dict(ComponentResult.objects.filter(run=run).values_list("component", "payout"))


def test_a_run_pays_the_escalated_component_and_stores_the_escalators_standing(world):
    run = calculate(period=world["period"], plan=world["plan"]).run

    assert payouts(run) == {"PRS": Decimal("1500.00"), "QBRS": Decimal("1650.00")}
    assert run.payouts.get().amount == Decimal("3150.00")
    qbrs = ComponentResult.objects.get(run=run, component="QBRS")
    assert qbrs.factor == Decimal("1.10")
    entry = qbrs.detail["escalators"][0]
    assert (entry["values"], entry["qualified"], entry["added"]) == ([["FY22-Q2", "95.0000"]], True, "150.00")
    assert Decimal(qbrs.detail["factor_before_escalators"]) == 1  # the cap


def test_the_metric_read_is_in_the_runs_fingerprint_and_a_metric_not_read_is_not(world):
    first = calculate(period=world["period"], plan=world["plan"])
    # Another metric, and a data_quality row outside the quarter, change nothing the run reads.
    PersonMetric.objects.create(employee=world["e1"], date=date(2021, 5, 2), metric="demerits", value=3)
    PersonMetric.objects.create(employee=world["e1"], date=date(2021, 8, 1), metric="data_quality", value=1)
    again = calculate(period=world["period"], plan=world["plan"])
    assert first.created and not again.created

    PersonMetric.objects.filter(date=date(2021, 6, 1)).update(value=Decimal("95.4999"))  # mean 94.99995
    changed = calculate(period=world["period"], plan=world["plan"])
    assert changed.created and changed.run.version == 2
    assert payouts(changed.run)["QBRS"] == Decimal("1500.00")


def test_a_plan_without_escalators_keeps_its_fingerprint_whatever_the_person_metrics(world):
    plan = load_plan(source=PLAN.replace("CS-ESC", "CS-PLAIN"))
    plan.assignments.create(
        employee=world["e1"], start_date=date(2021, 2, 1), on_target_amount=Decimal("3000.00")
    )
    period = world["period"]

    def digest() -> str:
        return fingerprint(
            load_quarter(plan=plan, period=period, pull=None, employees=plan_members(plan, period))
        )

    before = digest()
    PersonMetric.objects.all().delete()
    assert digest() == before
    assert load_quarter(plan=plan, period=period, pull=None).person_metrics.empty


def test_the_statement_shows_each_escalator_its_values_bar_verdict_multiplier_and_amount(world, client):
    run = calculate(period=world["period"], plan=world["plan"]).run
    client.force_login(make_user(Role.CCO))

    page = client.get(f"/my/E1/statements/{run.pk}/").content.decode()

    assert 'id="escalators-table"' in page
    for text in (
        "<td>quality</td><td>data_quality</td><td>FY22-Q2: 95</td><td>≥ 95, the quarter&#x27;s mean</td>",
        '<td>yes</td><td class="number">×1.1</td><td>QBRS</td><td class="money">150.00 USD</td>',
        "Factor before escalators",
        "qualified: ×1.1, added 150.00 USD",
    ):
        assert text in page, text


def test_the_statement_says_when_the_person_did_not_qualify_or_had_no_value(world, client):
    PersonMetric.objects.all().delete()
    run = calculate(period=world["period"], plan=world["plan"]).run
    client.force_login(make_user(Role.CCO))

    page = client.get(f"/my/E1/statements/{run.pk}/").content.decode()

    assert "<td>FY22-Q2: no value</td>" in page
    assert "<td>no</td>" in page and "0.00 USD" in page
    assert any(w["code"] == "escalator_no_value" for w in run.warnings)


def test_a_statement_without_escalators_has_no_escalator_section(world, client):
    plan = load_plan(source=PLAN.replace("CS-ESC", "CS-PLAIN"))
    plan.assignments.create(
        employee=world["e1"], start_date=date(2021, 2, 1), on_target_amount=Decimal("3000.00")
    )
    run = calculate(period=world["period"], plan=plan).run
    client.force_login(make_user(Role.CCO))

    page = client.get(f"/my/E1/statements/{run.pk}/").content.decode()

    assert "escalators-table" not in page and "Factor before escalators" not in page
