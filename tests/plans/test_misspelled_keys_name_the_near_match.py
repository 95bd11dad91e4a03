"""A misspelled key of a plan file is named with the key it most likely meant (DESIGN §3 "Plans"), at
every level the plan has keys — the top, ``adoption``, each component, each escalator, the deal types of
``credit_date_by_type`` — as is a misspelled value of a choice: "unknown key 'credit_date_by_types' (did
you mean credit_date_by_type?); allowed keys are …". A word close to none is named with the allowed ones
only, and every problem of the file is still reported at once."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from commissions.models import Plan
from commissions.services.plans import parse_plan
from core.errors import PlanInvalid

from .test_load_plan import ADOPTION, KPI, NRR, plan_yaml

TOP_KEYS = (
    "code, name, fiscal_year, currency, credit_date, credit_date_by_type, new_customer_window_days, "
    "clawback_days, negative_balance, adoption, components, escalators"
)
COMPONENT_KEYS = (
    "code, metric, kpi, source, measure, direction, weight, goal, ceiling, floor, threshold, accelerator, cap"
)
DEAL_TYPES = "renewal, expansion, contraction, churn"


def errors_of(source: str) -> list[str]:
    with pytest.raises(PlanInvalid) as caught:
        parse_plan(source)
    return caught.value.errors


def test_a_misspelled_top_level_key_names_the_key_it_meant():
    assert errors_of(plan_yaml(extra="credit_date_by_types: {renewal: effective}\n")) == [
        "unknown key 'credit_date_by_types' (did you mean credit_date_by_type?); allowed keys are " + TOP_KEYS
    ]


def test_a_misspelled_adoption_key_names_the_key_it_meant():
    assert errors_of(plan_yaml(extra="adoption: {formla: ratio, customer_cup: 2}\n")) == [
        "adoption: unknown key 'formla' (did you mean formula?); allowed keys are formula, weighting, "
        "customer_cap",
        "adoption: unknown key 'customer_cup' (did you mean customer_cap?); allowed keys are formula, "
        "weighting, customer_cap",
    ]


def test_a_misspelled_component_key_names_the_key_it_meant():
    source = plan_yaml(ADOPTION, "{code: NRR, metric: nrr, weight: 1, goal: 1.10, acelerator: 2}")

    assert errors_of(source) == [
        f"components[1] (NRR): unknown key 'acelerator' (did you mean accelerator?); allowed keys are "
        f"{COMPONENT_KEYS}"
    ]


def test_a_misspelled_escalator_key_names_the_key_it_meant():
    source = plan_yaml(
        KPI,
        extra="escalators:\n  - {code: q, metric: dq, at_least: 95, multiplier: 1.1, Applies_to: KPI}\n",
    )

    assert errors_of(source) == [
        "escalators[0] (q): unknown key 'Applies_to' (did you mean applies_to?); allowed keys are code, "
        "metric, at_least, over, multiplier, applies_to"
    ]


def test_a_misspelled_deal_type_names_the_type_it_meant():
    assert errors_of(plan_yaml(extra="credit_date_by_type: {renewl: effective}\n")) == [
        "credit_date_by_type: unknown deal type 'renewl' (did you mean renewal?); deal types are "
        + DEAL_TYPES
    ]


@pytest.mark.parametrize(
    ("extra", "component", "message"),
    [
        (
            "credit_date: efective\n",
            ADOPTION,
            "credit_date must be one of booked, effective, got 'efective' (did you mean effective?)",
        ),
        (
            "credit_date_by_type: {churn: Effective}\n",
            ADOPTION,
            "credit_date_by_type.churn must be one of "
            "booked, effective, got 'Effective' (did you mean effective?)",
        ),
        (
            "negative_balance: carry-forward\n",
            ADOPTION,
            "negative_balance must be one of carry_forward, "
            "pay_negative, got 'carry-forward' (did you mean carry_forward?)",
        ),
        (
            "adoption: {weighting: equl}\n",
            ADOPTION,
            "adoption.weighting must be one of arr, equal, got 'equl' (did you mean equal?)",
        ),
        (
            "",
            "{code: NRR, metric: nr, weight: 1, goal: 1.10}",
            "components[0] (NRR): metric must be one of adoption, nrr, kpi, got 'nr' (did you mean nrr?)",
        ),
        (
            "escalators:\n  - {code: q, metric: dq, at_least: 1, multiplier: 1.1, applies_to: KPl}\n",
            KPI,
            "escalators[0] (q): applies_to must be total or a component's code (KPI), got 'KPl' "
            "(did you mean KPI?)",
        ),
    ],
)
def test_a_misspelled_value_names_the_value_it_meant(extra, component, message):
    assert errors_of(plan_yaml(component, extra=extra)) == [message]


def test_a_word_close_to_none_names_the_allowed_ones_only():
    errors = errors_of(plan_yaml(extra="window: 3\n1: 2\ncredit_date: signed\n"))

    assert errors == [
        f"unknown key 'window'; allowed keys are {TOP_KEYS}",
        f"unknown key 1; allowed keys are {TOP_KEYS}",
        "credit_date must be one of booked, effective, got 'signed'",
    ]
    assert not any("did you mean" in error for error in errors)


def test_every_misspelling_of_a_file_is_named_at_once():
    source = plan_yaml(
        ADOPTION,
        NRR.replace("goal", "gaol"),
        extra="fiscal_yaer: FY22\nadoption: {wieghting: arr}\n",
    )

    assert errors_of(source) == [
        f"unknown key 'fiscal_yaer' (did you mean fiscal_year?); allowed keys are {TOP_KEYS}",
        "adoption: unknown key 'wieghting' (did you mean weighting?); allowed keys are formula, weighting, "
        "customer_cap",
        f"components[1] (NRR): unknown key 'gaol' (did you mean goal?); allowed keys are {COMPONENT_KEYS}",
    ]


@pytest.mark.django_db
def test_load_plan_refuses_a_misspelled_key_naming_the_key_it_meant(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(plan_yaml(extra="credit_date_by_types: {renewal: effective}\n"))

    with pytest.raises(CommandError) as caught:
        call_command("load_plan", str(path), stdout=StringIO())

    assert str(caught.value) == (
        "The plan is invalid:\n  - unknown key 'credit_date_by_types' (did you mean credit_date_by_type?); "
        f"allowed keys are {TOP_KEYS}"
    )
    assert not Plan.objects.exists()


def test_a_misspelled_built_in_metric_is_compared_without_its_prefix():
    def escalator_errors(metric: str) -> list[str]:
        extra = f"escalators:\n  - {{code: q, metric: '{metric}', at_least: 1, multiplier: 1.1}}\n"
        return errors_of(plan_yaml(KPI, extra=extra))

    [near] = escalator_errors("attainment.KPl")
    [far] = escalator_errors("attainment.NOPE")  # "attainment." alone makes no two names close
    [kpi] = escalator_errors("kpi.weekly_activ")

    assert near.startswith(
        "escalators[0] (q): metric attainment.KPl (did you mean attainment.KPI?) names no "
    )
    assert far.startswith("escalators[0] (q): metric attainment.NOPE names no component of the plan")
    assert kpi.startswith(
        "escalators[0] (q): metric kpi.weekly_activ (did you mean kpi.weekly_active?) names "
    )
