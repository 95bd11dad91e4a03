"""The escalators of a plan in load_plan (docs/design.md §11.2): every key checked and named, stored
exactly, a file saying what is loaded already is unchanged."""

from decimal import Decimal

import pytest

from commissions.loaders import plan_spec
from commissions.services.plans import describe_plan, parse_plan, upsert_plan
from core.errors import PlanInvalid

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
QUALITY = """\
escalators:
  - code: quality
    metric: data_quality
    at_least: 95
    over: months
    multiplier: 1.10
    applies_to: QBRS
  - {code: logins, metric: login_rate, at_least: 0.9, multiplier: 1.05}
"""


def errors_of(escalators: str) -> list[str]:
    with pytest.raises(PlanInvalid) as caught:
        parse_plan(PLAN + escalators)
    return caught.value.errors


def test_escalators_load_with_exact_values_and_their_defaults():
    loaded = upsert_plan(source=PLAN + QUALITY)

    spec = plan_spec(loaded.plan)
    first, second = spec.escalators
    assert (first.code, first.metric, first.at_least, first.over) == (
        "quality",
        "data_quality",
        Decimal(95),
        "months",
    )
    assert (first.multiplier, first.applies_to) == (Decimal("1.10"), "QBRS")
    assert (second.over, second.applies_to, second.at_least) == ("quarter", "total", Decimal("0.9"))
    assert "escalator quality: data_quality ≥ 95 in each month → ×1.1 on QBRS" in describe_plan(loaded.plan)


def test_the_same_file_again_is_unchanged_and_a_changed_multiplier_updates():
    upsert_plan(source=PLAN + QUALITY)

    assert upsert_plan(source=PLAN + QUALITY).status == "unchanged"
    changed = upsert_plan(source=PLAN + QUALITY.replace("1.10", "1.2"))
    assert changed.status == "updated"
    assert plan_spec(changed.plan).escalators[0].multiplier == Decimal("1.2")
    removed = upsert_plan(source=PLAN)
    assert removed.status == "updated" and plan_spec(removed.plan).escalators == ()


def test_a_plan_without_escalators_has_none_and_its_spec_reads_as_before():
    plan = upsert_plan(source=PLAN).plan

    assert plan.escalators == []
    assert "escalators" not in repr(plan_spec(plan))


def test_every_bad_key_of_an_escalator_is_named_at_once():
    errors = errors_of(
        """\
escalators:
  - {code: a, metric: Data Quality, at_least: high, over: weeks, multiplier: 0, applies_to: NOPE, extra: 1}
  - {code: a, metric: dq, at_least: -1, multiplier: -2}
  - {metric: dq}
"""
    )
    assert errors == [
        "escalators[0] (a): unknown key 'extra'; allowed keys are code, metric, at_least, over, multiplier, "
        "applies_to",
        "escalators[0] (a): metric must be a person metric's code (lower-case letters, digits and _, "
        "starting with a letter), got 'Data Quality'",
        "escalators[0] (a): at_least must be a number, got 'high'",
        "escalators[0] (a): over must be one of quarter, months, got 'weeks'",
        "escalators[0] (a): multiplier (0) must be greater than 0",
        "escalators[0] (a): applies_to must be total or a component's code (PRS, QBRS), got 'NOPE'",
        "escalators[1] (a): code a is already used by escalators[0]",
        "escalators[1] (a): at_least (-1) must be 0 or more: a person metric is never negative",
        "escalators[1] (a): multiplier (-2) must be greater than 0",
        "escalators[2]: code is required",
        "escalators[2]: at_least is required: the bar the metric must reach (inclusive)",
        "escalators[2]: multiplier is required: a number greater than 0, such as 1.10",
    ]


def test_escalators_must_be_a_list_of_mappings():
    assert errors_of("escalators: {code: a}\n") == [
        "escalators must be a list of escalators, got {'code': 'a'}"
    ]
    assert errors_of("escalators:\n  - 3\n")[0].startswith("escalators[0] must be a mapping")


def test_an_unknown_metric_code_is_allowed_metrics_are_data():
    spec = parse_plan(
        PLAN + "escalators:\n  - {code: q, metric: not_imported_yet, at_least: 1, multiplier: 2}\n"
    )

    assert spec.escalators[0].metric == "not_imported_yet"
