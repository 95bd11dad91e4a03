"""DESIGN §3 "Plans": an optional key written with no value (``key:``, ``null``, ``~`` or ``''``) is refused,
naming the key and saying to write a value or leave the key out — one rule for empty and null alike, in
every mapping of the file. ``clawback_days`` is the exception DESIGN gives: no value means no clawback, as
leaving it out does. A required key written with no value is required."""

import pytest

from commissions.models import Plan
from commissions.services.plans import load_plan, parse_plan
from core.errors import PlanInvalid

from .test_load_plan import ADOPTION, errors_of, plan_yaml

NOTHING = ("", " null", " ~", " ''")  # what follows "key:" in each way of writing no value


@pytest.mark.parametrize("nothing", NOTHING)
@pytest.mark.parametrize(
    ("key", "message"),
    [
        (
            "credit_date",
            "credit_date has no value: write booked or effective, or leave the key out for the default, "
            "booked",
        ),
        (
            "credit_date_by_type",
            "credit_date_by_type has no value: write a mapping of deal type to booked or effective, such as "
            "{renewal: effective, churn: effective}, or leave the key out for every type by credit_date",
        ),
        (
            "new_customer_window_days",
            "new_customer_window_days has no value: write a whole number of days (0 or more), or leave the "
            "key out for the default, 90",
        ),
        (
            "negative_balance",
            "negative_balance has no value: write carry_forward or pay_negative, or leave the key out for "
            "the default, carry_forward",
        ),
        (
            "adoption",
            "adoption has no value: write a mapping of formula, weighting, customer_cap, or leave the key "
            "out for the defaults",
        ),
        ("escalators", "escalators has no value: write a list of escalators, or leave the key out for none"),
    ],
)
def test_an_optional_plan_key_written_with_no_value_is_refused_naming_it(key, message, nothing):
    assert errors_of(plan_yaml(extra=f"{key}:{nothing}\n")) == [message]


@pytest.mark.parametrize("nothing", NOTHING)
def test_an_adoption_key_written_with_no_value_is_refused_naming_it(nothing):
    source = plan_yaml(
        extra=f"adoption:\n  formula:{nothing}\n  weighting:{nothing}\n  customer_cap:{nothing}\n"
    )
    assert errors_of(source) == [
        "adoption.formula has no value: write progress or ratio, or leave the key out for the default, "
        "progress",
        "adoption.weighting has no value: write arr or equal, or leave the key out for the default, arr",
        "adoption.customer_cap has no value: write a number greater than 0, or leave the key out for the "
        "default, 1.5",
    ]


@pytest.mark.parametrize("nothing", ("", "null", "~", "''"))
def test_a_component_key_written_with_no_value_is_refused_naming_it(nothing):
    nrr = f"{{code: NRR, metric: nrr, weight: 1, goal: {nothing}, floor: {nothing}, threshold: {nothing}}}"
    more = f"{{code: KPI, metric: kpi, kpi: prs, weight: 1, accelerator: {nothing}, cap: {nothing}}}"
    kpi = f"{{code: K2, metric: kpi, kpi: q, weight: 1, source: {nothing}, direction: {nothing}}}"
    computed = f"{{code: K3, metric: kpi, kpi: dau_mau, source: computed, measure: {nothing}, weight: 1}}"
    assert errors_of(plan_yaml(nrr, more, kpi, computed)) == [
        "components[0] (NRR): goal has no value: write a number, or leave the key out",
        "components[0] (NRR): floor has no value: write a number, or leave the key out for the default, 1.0",
        "components[0] (NRR): threshold has no value: write a number, or leave the key out for the "
        "default, 0",
        "components[1] (KPI): accelerator has no value: write a number, or leave the key out for the "
        "default, 1",
        "components[1] (KPI): cap has no value: write a number greater than 0, or leave the key out for no "
        "cap",
        "components[2] (K2): source has no value: write imported or computed, or leave the key out for the "
        "default, imported",
        "components[2] (K2): direction has no value: write higher or lower, or leave the key out for the "
        "default, higher",
        "components[3] (K3): measure has no value: write quarter_end or quarter_average, or leave the key "
        "out for the default, quarter_end",
    ]


@pytest.mark.parametrize("nothing", ("", "null", "''"))
def test_a_required_component_key_written_with_no_value_is_required(nothing):
    # weight: null once passed the checks and reached the database without a weight.
    lower = f"{{code: LOW, metric: kpi, kpi: q, weight: 1, goal: 2, direction: lower, ceiling: {nothing}}}"
    assert errors_of(plan_yaml(f"{{code: NRR, metric: nrr, weight: {nothing}, goal: 1.10}}", lower)) == [
        "components[0] (NRR): weight is required: a number greater than 0",
        "components[1] (LOW): ceiling is required with direction: lower: the value at which attainment falls "
        "to 0, above the goal",
    ]
    assert errors_of(plan_yaml(f"{{code: A, metric: {nothing}, weight: 1}}")) == [
        "components[0] (A): metric is required: one of adoption, nrr, kpi"
    ]


@pytest.mark.parametrize("nothing", ("", "null", "''"))
def test_an_escalator_key_written_with_no_value_is_refused_naming_it(nothing):
    escalator = (
        f"{{code: q, metric: data_quality, at_least: {nothing}, over: {nothing}, multiplier: {nothing}, "
        f"applies_to: {nothing}}}"
    )
    assert errors_of(plan_yaml(extra=f"escalators:\n  - {escalator}\n")) == [
        "escalators[0] (q): at_least is required: the bar the metric must reach (inclusive)",
        "escalators[0] (q): over has no value: write quarter or months, or leave the key out for the "
        "default, quarter",
        "escalators[0] (q): multiplier is required: a number greater than 0, such as 1.10",
        "escalators[0] (q): applies_to has no value: write total or a component's code (ADOPTION), or leave "
        "the key out for the default, total",
    ]


@pytest.mark.parametrize("nothing", NOTHING)
def test_a_clawback_written_with_no_value_means_no_clawback_as_design_says(nothing):
    assert parse_plan(plan_yaml(extra=f"clawback_days:{nothing}\n")).clawback_days is None


def test_empty_mappings_and_lists_are_values_not_nothing():
    spec = parse_plan(plan_yaml(extra="credit_date_by_type: {}\nadoption: {}\nescalators: []\n"))
    assert (spec.credit_date_by_type, spec.adoption_formula, spec.escalators) == ({}, "progress", [])


def test_keys_left_out_still_take_their_defaults():
    spec = parse_plan(plan_yaml(ADOPTION))
    assert (spec.credit_date, spec.new_customer_window_days, spec.negative_balance) == (
        "booked",
        90,
        "carry_forward",
    )


@pytest.mark.django_db
def test_a_plan_with_a_key_written_with_no_value_is_not_written():
    with pytest.raises(PlanInvalid, match="credit_date has no value"):
        load_plan(source=plan_yaml(extra="credit_date:\n"))
    assert not Plan.objects.exists()
