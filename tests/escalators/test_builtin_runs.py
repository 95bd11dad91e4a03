"""Escalators on built-in metrics through a run, its fingerprint and the statement (docs/design.md §11.1
"Built-in metrics", §11.2).

CS-ESC (FY22, USD) pays E1 (OTI 3000.00 a quarter) on two imported KPIs of weight 1: PRS (goal 10) and
QBRS (goal 10, cap 1.0). E1 reaches PRS 10 and QBRS 15: PRS 1500.00, QBRS 1500.00 (capped), total
3000.00 before escalators; an escalator of ×1.10 on QBRS adds 150.00. FY22-Q2 is 2021-05-01 … 2021-07-31.
"""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from adoption.models import PortfolioKpiDay, ScoreObservation
from commissions.loaders import fingerprint, load_quarter, plan_members
from commissions.models import ComponentResult, KpiActual, PersonMetric
from commissions.services.periods import get_period
from commissions.services.plans import load_plan
from commissions.services.runs import calculate
from tests.builders import make_customer, make_user

from .test_runs_and_statement import PLAN

pytestmark = pytest.mark.django_db

MAY_3, JUN_1, JUL_31 = date(2021, 5, 3), date(2021, 6, 1), date(2021, 7, 31)


def escalator(metric: str, at_least: str, over: str = "quarter") -> str:
    return (
        "escalators:\n"
        f"  - {{code: gate, metric: {metric}, at_least: {at_least}, over: {over}, multiplier: 1.10, "
        "applies_to: QBRS}\n"
    )


@pytest.fixture
def e1():
    return make_user(Role.CSM, employee_id="E1", name="Erin One")


def plan_with(e1, escalators: str, code: str = "CS-ESC"):
    plan = load_plan(source=PLAN.replace("CS-ESC", code) + escalators)
    plan.assignments.create(employee=e1, start_date=date(2021, 2, 1), on_target_amount=Decimal("3000.00"))
    if not KpiActual.objects.exists():
        KpiActual.objects.create(period="FY22-Q2", employee=e1, kpi="prs", value=10)
        KpiActual.objects.create(period="FY22-Q2", employee=e1, kpi="qbrs", value=15)
    return plan


def dau_mau(day: date, value: str | None, key: str = "E1", kpi: str = "dau_mau") -> None:
    PortfolioKpiDay.objects.create(
        day=day, level="csm", key=key, kpi=kpi, value=None if value is None else Decimal(value)
    )


def gate(run) -> dict:
    return ComponentResult.objects.get(run=run, component="QBRS").detail["escalators"][0]


def test_a_kpi_gate_reads_the_books_days_with_a_value_and_never_a_missing_day_as_zero(e1):
    plan = plan_with(e1, escalator("kpi.dau_mau", "0.5"))
    dau_mau(MAY_3, "0.400000")
    dau_mau(JUN_1, "0.600000")
    dau_mau(JUL_31, None)  # stored without a value: (0.4 + 0.6) ÷ 2 = 0.5, not ÷ 3 = 0.333…

    run = calculate(period=get_period("FY22-Q2"), plan=plan).run

    entry = gate(run)
    assert (entry["metric"], Decimal(entry["values"][0][1]), entry["qualified"]) == (
        "kpi.dau_mau",
        Decimal("0.5"),
        True,
    )
    assert run.payouts.get().amount == Decimal("3150.00")


def test_a_kpi_gate_over_months_with_a_month_missing_does_not_apply_and_warns(e1):
    plan = plan_with(e1, escalator("kpi.dau_mau", "0.5", over="months"))
    dau_mau(MAY_3, "0.500000")
    dau_mau(JUN_1, "0.900000")  # July: nothing stored

    run = calculate(period=get_period("FY22-Q2"), plan=plan).run

    assert [label for label, value in gate(run)["values"] if value is None] == ["2021-07"]
    assert run.payouts.get().amount == Decimal("3000.00")
    assert [w["message"] for w in run.warnings if w["code"] == "escalator_no_value"] == [
        "E1 has no kpi.dau_mau value in 2021-07: escalator gate does not apply in FY22-Q2."
    ]


def test_the_kpi_values_read_are_in_the_fingerprint_and_other_kpis_or_portfolios_are_not(e1):
    plan = plan_with(e1, escalator("kpi.dau_mau", "0.5"))
    period = get_period("FY22-Q2")
    dau_mau(MAY_3, "0.500000")
    first = calculate(period=period, plan=plan)

    dau_mau(MAY_3, "0.100000", kpi="avg_utilisation")  # another KPI
    dau_mau(MAY_3, "0.100000", key="AMER")  # a geo's row is keyed by its code, not by a CSM
    PortfolioKpiDay.objects.filter(key="AMER").update(level="geo")
    dau_mau(date(2021, 8, 1), "0.100000")  # after the quarter
    again = calculate(period=period, plan=plan)
    assert first.created and not again.created

    PortfolioKpiDay.objects.filter(key="E1", kpi="dau_mau", day=MAY_3).update(value=Decimal("0.499999"))
    changed = calculate(period=period, plan=plan)
    assert changed.created and changed.run.version == 2
    assert changed.run.payouts.get().amount == Decimal("3000.00")


def test_a_plan_gating_on_an_imported_metric_reads_no_built_in_value(e1):
    plan = plan_with(e1, escalator("data_quality", "95"))
    period = get_period("FY22-Q2")
    PersonMetric.objects.create(employee=e1, date=MAY_3, metric="data_quality", value=Decimal(95))

    def inputs():
        return load_quarter(plan=plan, period=period, pull=None, employees=plan_members(plan, period))

    customer = make_customer(owner=e1)
    before = fingerprint(inputs())
    dau_mau(MAY_3, "0.5")
    ScoreObservation.objects.create(customer=customer, as_of=MAY_3, score=Decimal(80))

    assert fingerprint(inputs()) == before
    assert list(inputs().person_metrics["metric"]) == ["data_quality"]


def test_a_scorecard_average_gate_reads_the_books_daily_means(e1):
    plan = plan_with(e1, escalator("scorecard_average", "80"))
    a, b = make_customer(owner=e1), make_customer(owner=e1)
    for customer, day, score in ((a, MAY_3, "80.01"), (b, MAY_3, "80.00"), (a, JUN_1, "79.99")):
        ScoreObservation.objects.create(customer=customer, as_of=day, score=Decimal(score))
    # MAY_3: (80.01 + 80.00) ÷ 2 = 80.005; JUN_1: 79.99 (b has no score). Quarter: the mean of the two
    # days, (80.005 + 79.99) ÷ 2 = 79.9975 < 80 — the mean of the three scores, 80.0, would qualify.
    period = get_period("FY22-Q2")

    run = calculate(period=period, plan=plan).run

    assert (Decimal(gate(run)["values"][0][1]), gate(run)["qualified"]) == (Decimal("79.9975"), False)
    assert run.payouts.get().amount == Decimal("3000.00")
    ScoreObservation.objects.filter(customer=a, as_of=JUN_1).update(score=Decimal("80.00"))
    again = calculate(period=period, plan=plan).run  # (80.005 + 80.00) ÷ 2 = 80.0025
    assert (again.version, gate(again)["qualified"]) == (2, True)
    assert again.payouts.get().amount == Decimal("3150.00")


def test_an_attainment_gate_at_the_bar_pays_and_reads_no_metric(e1):
    # PRS 10 → 1, QBRS 15 → 1.5 (paid at its cap 1.0): attainment (1 + 1.5) ÷ 2 = 1.25; the bar 1.25.
    plan = plan_with(e1, escalator("attainment", "1.25"))
    period = get_period("FY22-Q2")

    run = calculate(period=period, plan=plan).run

    assert (Decimal(gate(run)["values"][0][1]), gate(run)["qualified"]) == (Decimal("1.25"), True)
    assert run.payouts.get().amount == Decimal("3150.00")
    assert load_quarter(plan=plan, period=period, pull=None).person_metrics.empty


def test_the_statement_shows_a_built_in_gate_as_it_shows_an_imported_one(e1, client):
    plan = plan_with(e1, escalator("kpi.dau_mau", "0.5"))
    dau_mau(MAY_3, "0.512500")
    run = calculate(period=get_period("FY22-Q2"), plan=plan).run
    client.force_login(make_user(Role.CCO))

    page = client.get(f"/my/E1/statements/{run.pk}/").content.decode()

    assert 'id="escalators-table"' in page
    for text in (
        "<td>gate</td><td>kpi.dau_mau</td><td>FY22-Q2: 0.5125</td><td>≥ 0.5, the quarter&#x27;s mean</td>",
        '<td>yes</td><td class="number">×1.1</td><td>QBRS</td><td class="money">150.00 USD</td>',
        "qualified: ×1.1, added 150.00 USD",
    ):
        assert text in page, text


def test_the_statement_shows_an_attainment_gate_and_its_verdict(e1, client):
    plan = plan_with(e1, escalator("attainment", "1.3"))
    run = calculate(period=get_period("FY22-Q2"), plan=plan).run
    client.force_login(make_user(Role.CCO))

    page = client.get(f"/my/E1/statements/{run.pk}/").content.decode()

    assert (
        "<td>gate</td><td>attainment</td><td>FY22-Q2: 125.0%</td><td>≥ 130.0%, over the quarter</td>" in page
    )
    assert "<td>no</td>" in page
