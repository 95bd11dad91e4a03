"""An entry of ``credit_date_by_type`` with an unknown deal type still has its value checked, named as
written, so one refusal names both of its problems (DESIGN §3 "Plans")."""

from .test_load_plan import errors_of, plan_yaml

UNKNOWN = (
    "credit_date_by_type: unknown deal type 'Renewal' (did you mean renewal?); deal types are renewal, "
    "expansion, contraction, churn"
)


def test_an_unknown_type_with_a_bad_value_is_refused_for_both():
    assert errors_of(plan_yaml(extra="credit_date_by_type: {Renewal: Effective}\n")) == [
        UNKNOWN,
        "credit_date_by_type.Renewal must be one of booked, effective, got 'Effective' "
        "(did you mean effective?)",
    ]


def test_an_unknown_type_with_no_value_is_refused_for_both():
    assert errors_of(plan_yaml(extra="credit_date_by_type: {Renewal: }\n")) == [
        UNKNOWN,
        "credit_date_by_type.Renewal has no value: write booked or effective, or leave the key out for the "
        "plan's credit_date",
    ]


def test_an_unknown_type_with_a_good_value_is_refused_for_its_type_only():
    assert errors_of(plan_yaml(extra="credit_date_by_type: {Renewal: effective}\n")) == [UNKNOWN]
