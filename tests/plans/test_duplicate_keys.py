"""DESIGN §3 "Plans": a key written twice in one mapping of a plan file is refused, naming the key and its
lines (YAML itself would keep the last one silently) — two keys written differently that are one key once
read (``1`` and ``true``) too, each named as written."""

import pytest

from commissions.models import Plan
from commissions.services.plans import load_plan

from .test_load_plan import HEAD, errors_of, plan_yaml


def test_a_type_written_twice_in_credit_date_by_type_is_refused_naming_it_and_its_line():
    # HEAD is lines 1-4 (code … currency), so the rule is line 5 of the file.
    source = plan_yaml(extra="credit_date_by_type: {renewal: effective, renewal: booked}\n")
    assert source.splitlines()[4].startswith("credit_date_by_type:")
    assert errors_of(source) == [
        "the plan: duplicate key 'renewal' written twice on line 5: each key may be written once"
    ]


def test_a_top_level_key_written_twice_names_both_lines():
    source = plan_yaml(
        extra="credit_date_by_type:\n  renewal: effective\n  churn: booked\n  renewal: booked\n"
    )
    assert errors_of(source) == [
        "the plan: duplicate key 'renewal' on line 8 (first on line 6): each key may be written once"
    ]
    twice = HEAD + "currency: EUR\n" + "components:\n  - {code: A, metric: adoption, weight: 1}\n"
    message = errors_of(twice)[0]
    assert "duplicate key 'currency' on line 5 (first on line 4)" in message


def test_a_key_written_twice_inside_a_component_is_refused():
    source = plan_yaml("{code: NRR, metric: nrr, weight: 1, goal: 1.10, weight: 2}")
    assert errors_of(source) == [
        "the plan: duplicate key 'weight' written twice on line 6: each key may be written once"
    ]


@pytest.mark.django_db
def test_load_plan_names_the_file_and_writes_nothing():
    source = plan_yaml(extra="credit_date_by_type: {renewal: effective, renewal: booked}\n")
    with pytest.raises(Exception, match=r"plan\.yaml: duplicate key 'renewal' written twice on line 5"):
        load_plan(source=source, file_name="plan.yaml")
    assert not Plan.objects.exists()


def test_a_merged_key_overridden_in_place_is_not_a_duplicate():
    # YAML merge keys (<<) are meant to be overridden: only keys written twice by hand are refused.
    source = plan_yaml(
        "&base {code: NRR, metric: nrr, weight: 1, goal: 1.10}",
        "{<<: *base, code: NRR2, goal: 1.20}",
    )
    assert errors_of(source) != [] and not any("duplicate" in e for e in errors_of(source))


def test_a_rule_written_with_no_value_is_refused_saying_to_write_one_or_leave_it_out():
    message = (
        "credit_date_by_type.renewal has no value: write booked or effective, or leave the key out for the "
        "plan's credit_date"
    )
    for rule in ("{renewal: }", "{renewal: null}", "{renewal: ~}", "{renewal: ''}"):
        assert errors_of(plan_yaml(extra=f"credit_date_by_type: {rule}\n")) == [message]


def test_true_and_1_are_one_key_once_read_and_are_refused_naming_both():
    # YAML reads true as True and Python's True == 1: the mapping would keep one of them silently.
    source = plan_yaml(extra="credit_date_by_type: {1: effective, true: booked}\n")
    assert errors_of(source) == [
        "the plan: duplicate key: 1 and true, both on line 5, are the same key once read: each key may be "
        "written once"
    ]


@pytest.mark.parametrize(
    ("keys", "named"),
    [
        ("  0: effective\n  false: booked\n", "0 on line 6 and false on line 7"),
        ("  1: effective\n  1.0: booked\n", "1 on line 6 and 1.0 on line 7"),
        ("  1.0: effective\n  1.00: booked\n", "1.0 on line 6 and 1.00 on line 7"),
        ("  true: effective\n  0x1: booked\n", "true on line 6 and 0x1 on line 7"),
    ],
)
def test_keys_written_differently_that_are_one_once_read_are_refused_on_their_lines(keys, named):
    source = plan_yaml(extra="credit_date_by_type:\n" + keys)
    assert errors_of(source) == [
        f"the plan: duplicate key: {named} are the same key once read: each key may be written once"
    ]


def test_keys_that_are_one_once_read_are_refused_anywhere_in_the_file():
    component = "{code: NRR, metric: nrr, weight: 1, goal: 1.10, 1: a, true: b}"
    assert errors_of(plan_yaml(component)) == [
        "the plan: duplicate key: 1 and true, both on line 6, are the same key once read: each key may be "
        "written once"
    ]
    top = HEAD + "1: a\nfalse: b\ntrue: c\n" + "components:\n  - {code: A, metric: adoption, weight: 1}\n"
    assert errors_of(top) == [
        "the plan: duplicate key: 1 on line 5 and true on line 7 are the same key once read: each key may "
        "be written once"
    ]


def test_a_text_key_and_a_number_key_are_different_keys():
    # '1' (quoted) is text, 1 is a number: two keys, each an unknown deal type.
    errors = errors_of(plan_yaml(extra="credit_date_by_type: {'1': effective, 1: booked}\n"))
    assert errors == [
        "credit_date_by_type: unknown deal type '1'; deal types are renewal, expansion, contraction, churn",
        "credit_date_by_type: unknown deal type 1; deal types are renewal, expansion, contraction, churn",
    ]


def test_every_key_of_credit_date_by_type_that_is_not_text_is_reported():
    errors = errors_of(plan_yaml(extra="credit_date_by_type: {1: effective, false: booked, 2.5: booked}\n"))
    types = "deal types are renewal, expansion, contraction, churn"
    assert errors == [
        f"credit_date_by_type: unknown deal type {shown}; {types}" for shown in ("1", "false", "2.5")
    ]
