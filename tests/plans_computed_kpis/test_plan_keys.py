"""Plan keys of computed and lower-is-better KPI components (DESIGN §3 "Plans", §4.5, §10.3): defaults,
every refusal naming its field, all at once, and what load_plan stores."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from commissions.models import Component
from commissions.services.plans import component_errors, load_plan, parse_plan
from core.errors import PlanInvalid

HEAD = "code: CS-FY22\nname: Customer Success FY22\nfiscal_year: FY22\ncurrency: USD\n"
CODES = "util_below_60, avg_utilisation, util_rising, dau_mau, weekly_active, qbr_coverage"


def plan_yaml(*components: str) -> str:
    return HEAD + "components:\n" + "".join(f"  - {c}\n" for c in components)


def errors_of(*components: str) -> list[str]:
    with pytest.raises(PlanInvalid) as caught:
        parse_plan(plan_yaml(*components))
    return caught.value.errors


def only(component: str):
    [spec] = parse_plan(plan_yaml(component)).components
    return spec


def test_an_imported_kpi_keeps_its_defaults():
    spec = only("{code: KPI, metric: kpi, kpi: prs, weight: 1, goal: 10}")
    assert (spec.source, spec.measure, spec.direction, spec.ceiling) == ("imported", "", "higher", None)
    assert spec.accelerator == Decimal(1)


def test_a_computed_kpi_is_measured_at_the_quarter_end_unless_told():
    spec = only("{code: WA, metric: kpi, kpi: weekly_active, source: computed, weight: 1, goal: 10}")
    assert (spec.source, spec.measure, spec.direction) == ("computed", "quarter_end", "higher")
    spec = only(
        "{code: WA, metric: kpi, kpi: weekly_active, source: computed, measure: quarter_average, "
        "weight: 1, goal: 10}"
    )
    assert spec.measure == "quarter_average"


def test_lower_is_better_reads_its_ceiling_and_stops_at_1_unless_an_accelerator_is_given():
    spec = only(
        "{code: LOW, metric: kpi, kpi: util_below_60, source: computed, direction: lower, weight: 1, "
        "goal: 2, ceiling: 6}"
    )
    assert (spec.direction, spec.goal, spec.ceiling) == ("lower", Decimal(2), Decimal(6))
    assert spec.accelerator == Decimal(0)  # DESIGN §10.3: never above 1 unless the plan gives one
    spec = only(
        "{code: LOW, metric: kpi, kpi: util_below_60, source: computed, direction: lower, weight: 1, "
        "goal: 2, ceiling: 6, accelerator: 1.5}"
    )
    assert spec.accelerator == Decimal("1.5")


def test_lower_is_better_allows_a_goal_of_zero():
    spec = only(
        "{code: LOW, metric: kpi, kpi: churn_risks, direction: lower, weight: 1, goal: 0, ceiling: 3}"
    )
    assert (spec.goal, spec.ceiling) == (Decimal(0), Decimal(3))
    assert errors_of(
        "{code: LOW, metric: kpi, kpi: risks, direction: lower, weight: 1, goal: -1, ceiling: 3}"
    ) == ["components[0] (LOW): goal (-1) must be 0 or more"]


def test_a_ceiling_equal_to_the_goal_is_refused():
    assert errors_of(
        "{code: LOW, metric: kpi, kpi: util_below_60, source: computed, direction: lower, weight: 1, "
        "goal: 6, ceiling: 6}"
    ) == [
        "components[0] (LOW): ceiling (6) must be above goal (6): attainment falls from 1 at the goal to 0 "
        "at the ceiling"
    ]


def test_a_ceiling_below_the_goal_is_refused():
    assert errors_of(
        "{code: LOW, metric: kpi, kpi: risks, direction: lower, weight: 1, goal: 4, ceiling: 3.5}"
    ) == [
        "components[0] (LOW): ceiling (3.5) must be above goal (4): attainment falls from 1 at the goal to 0 "
        "at the ceiling"
    ]


def test_lower_is_better_requires_a_ceiling():
    assert errors_of("{code: LOW, metric: kpi, kpi: risks, direction: lower, weight: 1, goal: 2}") == [
        "components[0] (LOW): ceiling is required with direction: lower: the value at which attainment "
        "falls to 0, above the goal"
    ]


def test_a_ceiling_needs_direction_lower():
    assert errors_of("{code: K, metric: kpi, kpi: prs, weight: 1, goal: 10, ceiling: 20}") == [
        "components[0] (K): ceiling is only allowed with direction: lower"
    ]
    assert errors_of(
        "{code: K, metric: kpi, kpi: prs, direction: higher, weight: 1, goal: 10, ceiling: 20}"
    ) == ["components[0] (K): ceiling is only allowed with direction: lower"]


def test_an_unknown_computed_code_is_refused_naming_the_computed_ones():
    assert errors_of("{code: K, metric: kpi, kpi: prs, source: computed, weight: 1, goal: 10}") == [
        f"components[0] (K): kpi 'prs' is not a computed KPI; computed KPIs are {CODES}"
    ]


def test_computed_codes_follow_the_kpi_settings(settings):
    settings.KPI_UTILISATION_THRESHOLD = "0.625"
    settings.KPI_KEY_FEATURES = [{"feature": "reports", "min_uses": 3, "min_users": 2, "weeks": 4}]
    spec = only("{code: K, metric: kpi, kpi: 'key_feature:reports', source: computed, weight: 1, goal: 5}")
    assert spec.kpi == "key_feature:reports"
    assert errors_of("{code: K, metric: kpi, kpi: util_below_60, source: computed, weight: 1, goal: 5}") == [
        "components[0] (K): kpi 'util_below_60' (did you mean util_below_62_5?) is not a computed KPI; "
        "computed KPIs are util_below_62_5, avg_utilisation, util_rising, dau_mau, weekly_active, "
        "qbr_coverage, key_feature:reports"
    ]


def test_a_measure_on_an_imported_kpi_is_refused():
    assert errors_of("{code: K, metric: kpi, kpi: prs, weight: 1, goal: 10, measure: quarter_end}") == [
        "components[0] (K): measure is only allowed with source: computed; an imported KPI is one value per "
        "quarter"
    ]


def test_bad_choices_are_refused_naming_the_choices():
    assert errors_of(
        "{code: K, metric: kpi, kpi: weekly_active, source: counted, measure: weekly, direction: down, "
        "weight: 1, goal: 10}"
    ) == [
        "components[0] (K): source must be one of imported, computed, got 'counted' (did you mean computed?)",
        "components[0] (K): direction must be one of higher, lower, got 'down'",
    ]
    assert errors_of(
        "{code: K, metric: kpi, kpi: weekly_active, source: computed, measure: weekly, weight: 1, goal: 10}"
    ) == ["components[0] (K): measure must be one of quarter_end, quarter_average, got 'weekly'"]


def test_kpi_keys_are_refused_on_other_metrics():
    assert errors_of(
        "{code: NRR, metric: nrr, weight: 1, goal: 1.1, source: computed, direction: lower}"
    ) == [
        "components[0] (NRR): source is only allowed on kpi components, not on an nrr component",
        "components[0] (NRR): direction is only allowed on kpi components, not on an nrr component",
    ]


def test_every_problem_is_reported_at_once():
    assert errors_of(
        "{code: A, metric: kpi, kpi: nope, source: computed, direction: lower, weight: 1, goal: 2}",
        "{code: B, metric: kpi, kpi: prs, weight: 1, goal: 3, ceiling: 1, measure: quarter_average}",
    ) == [
        f"components[0] (A): kpi 'nope' is not a computed KPI; computed KPIs are {CODES}",
        "components[0] (A): ceiling is required with direction: lower: the value at which attainment "
        "falls to 0, above the goal",
        "components[1] (B): measure is only allowed with source: computed; an imported KPI is one value per "
        "quarter",
        "components[1] (B): ceiling is only allowed with direction: lower",
    ]


def test_a_plan_reads_a_kpi_one_way():
    assert errors_of(
        "{code: A, metric: kpi, kpi: weekly_active, source: computed, weight: 1, goal: 10}",
        "{code: B, metric: kpi, kpi: weekly_active, weight: 1, goal: 10}",
        "{code: C, metric: kpi, kpi: weekly_active, source: computed, measure: quarter_average, weight: 1, "
        "goal: 10}",
    ) == [
        "components[1] (B): kpi weekly_active is computed (quarter_end) in components[0] and imported here; "
        "a plan reads a KPI one way",
        "components[2] (C): kpi weekly_active is computed (quarter_end) in components[0] and computed "
        "(quarter_average) here; a plan reads a KPI one way",
    ]


def test_component_errors_applies_the_same_rules_to_a_form():
    form = {"code": "LOW", "metric": "kpi", "kpi": "util_below_60", "source": "computed", "measure": ""}
    form |= {"direction": "lower", "weight": Decimal(1), "goal": Decimal(6), "ceiling": Decimal(6)}
    assert component_errors(form) == [
        "ceiling (6) must be above goal (6): attainment falls from 1 at the goal to 0 at the ceiling"
    ]
    # A form's default source and direction on another metric mean what leaving them out means.
    adoption = {"code": "A", "metric": "adoption", "source": "imported", "direction": "higher"}
    assert component_errors(adoption | {"weight": Decimal(1), "measure": "", "ceiling": None}) == []


@pytest.mark.django_db
def test_load_plan_stores_the_kpi_fields():
    plan = load_plan(
        source=plan_yaml(
            "{code: WA, metric: kpi, kpi: weekly_active, source: computed, measure: quarter_average, "
            "weight: 1, goal: 10}",
            "{code: LOW, metric: kpi, kpi: util_below_60, source: computed, direction: lower, weight: 1, "
            "goal: 2, ceiling: 6}",
            "{code: PRS, metric: kpi, kpi: prs, weight: 1, goal: 10}",
        )
    )
    stored = {
        c.code: (c.source, c.measure, c.direction, c.ceiling, c.accelerator) for c in plan.components.all()
    }
    assert stored == {
        "WA": ("computed", "quarter_average", "higher", None, Decimal(1)),
        "LOW": ("computed", "quarter_end", "lower", Decimal(6), Decimal(0)),
        "PRS": ("imported", "", "higher", None, Decimal(1)),
    }


@pytest.mark.django_db
def test_the_database_holds_the_ceiling_rules():
    plan = load_plan(source=plan_yaml("{code: PRS, metric: kpi, kpi: prs, weight: 1, goal: 10}"))
    component = plan.components.get()
    for change in (
        {"direction": "lower", "ceiling": None},  # lower without a ceiling
        {"direction": "higher", "ceiling": Decimal(20)},  # a ceiling on higher is better
        {"direction": "lower", "ceiling": Decimal(10)},  # a ceiling not above the goal
        {"source": "computed", "measure": ""},  # computed without a measure
        {"source": "imported", "measure": "quarter_end"},  # a measure on an imported KPI
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Component.objects.filter(pk=component.pk).update(**change)
