"""Escalators on built-in metrics in load_plan (docs/design.md §11.1 "Built-in metrics", §11.2): each
name checked against what it names, and the quarter's attainment judged over the quarter only."""

from decimal import Decimal

import pytest

from commissions.loaders import plan_spec
from commissions.services.plans import parse_plan, upsert_plan
from core.errors import PlanInvalid

from .test_plan import PLAN, errors_of

pytestmark = pytest.mark.django_db

BUILT_IN = """\
escalators:
  - {code: dau, metric: kpi.dau_mau, at_least: 0.5, over: months, multiplier: 1.05}
  - {code: scores, metric: scorecard_average, at_least: 80, multiplier: 1.02, applies_to: PRS}
  - {code: target, metric: attainment, at_least: 1.0, over: quarter, multiplier: 1.10}
  - {code: qbrs, metric: attainment.QBRS, at_least: 1.5, multiplier: 1.2, applies_to: PRS}
"""


def test_built_in_metrics_load_and_are_stored_as_written():
    spec = plan_spec(upsert_plan(source=PLAN + BUILT_IN).plan)

    assert [(e.code, e.metric, e.over, e.at_least) for e in spec.escalators] == [
        ("dau", "kpi.dau_mau", "months", Decimal("0.5")),
        ("scores", "scorecard_average", "quarter", Decimal(80)),
        ("target", "attainment", "quarter", Decimal("1.0")),
        ("qbrs", "attainment.QBRS", "quarter", Decimal("1.5")),
    ]


def test_attainment_over_months_is_refused_saying_why():
    errors = errors_of(
        """\
escalators:
  - {code: target, metric: attainment, at_least: 1, over: months, multiplier: 1.1}
  - {code: prs, metric: attainment.PRS, at_least: 1, over: months, multiplier: 1.1}
"""
    )

    assert errors == [
        "escalators[0] (target): over: months is not possible for attainment: a quarter's attainment is "
        "known for the whole quarter only, in its calculation; use over: quarter",
        "escalators[1] (prs): over: months is not possible for attainment.PRS: a quarter's attainment is "
        "known for the whole quarter only, in its calculation; use over: quarter",
    ]


def test_a_kpi_the_settings_do_not_compute_and_a_component_the_plan_lacks_are_named():
    errors = errors_of(
        """\
escalators:
  - {code: a, metric: kpi.logins, at_least: 1, multiplier: 1.1}
  - {code: b, metric: attainment.NOPE, at_least: 1, multiplier: 1.1}
  - {code: c, metric: kpi., at_least: 1, multiplier: 1.1}
"""
    )

    assert errors[0].startswith(
        "escalators[0] (a): metric kpi.logins names no computed KPI; the computed KPIs per CSM are "
        "kpi.util_below_60, kpi.avg_utilisation"
    )
    assert errors[1] == (
        "escalators[1] (b): metric attainment.NOPE names no component of the plan: a component's "
        "attainment is attainment.<component code> (attainment.PRS, attainment.QBRS), "
        "the plan's is attainment"
    )
    assert errors[2].startswith("escalators[2] (c): metric kpi. names no computed KPI")
    assert len(errors) == 3


def test_an_imported_code_that_only_begins_like_a_built_in_one_is_an_imported_code():
    spec = parse_plan(
        PLAN
        + "escalators:\n"
        + "  - {code: a, metric: attainment_rate, at_least: 1, over: months, multiplier: 2}\n"
        + "  - {code: b, metric: kpi_score, at_least: 1, multiplier: 2}\n"
    )

    assert [e.metric for e in spec.escalators] == ["attainment_rate", "kpi_score"]


def test_a_metric_name_is_refused_as_before_when_it_is_neither():
    with pytest.raises(PlanInvalid) as caught:
        parse_plan(PLAN + "escalators:\n  - {code: a, metric: Kpi.dau_mau, at_least: 1, multiplier: 2}\n")

    assert caught.value.errors == [
        "escalators[0] (a): metric must be a person metric's code (lower-case letters, digits and _, "
        "starting with a letter), got 'Kpi.dau_mau'"
    ]
