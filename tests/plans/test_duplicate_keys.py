"""DESIGN §3 "Plans": a key written twice in one mapping of a plan file is refused, naming the key and its
lines (YAML itself would keep the last one silently) — two keys written differently that are one key once
read (``1`` and ``true``) too, each named as written."""

import pytest

from commissions.models import Plan
from commissions.services.plans import load_plan

from .test_load_plan import HEAD, errors_of, plan_yaml

DEAL_TYPES = "deal types are renewal, expansion, contraction, churn"


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
    # YAML reads true as True and Python's True == 1: the mapping would keep one of them silently. The key
    # read (1, holding the last value) is then checked as any other: not a deal type.
    source = plan_yaml(extra="credit_date_by_type: {1: effective, true: booked}\n")
    assert errors_of(source) == [
        "the plan: duplicate key: 1 and true, both on line 5, are the same key once read: each key may be "
        "written once",
        f"credit_date_by_type: unknown deal type 1; {DEAL_TYPES}",
    ]


@pytest.mark.parametrize(
    ("keys", "named", "read"),
    [
        ("  0: effective\n  false: booked\n", "0 on line 6 and false on line 7", "0"),
        ("  1: effective\n  1.0: booked\n", "1 on line 6 and 1.0 on line 7", "1"),
        ("  1.0: effective\n  1.00: booked\n", "1.0 on line 6 and 1.00 on line 7", "1.0"),
        ("  true: effective\n  0x1: booked\n", "true on line 6 and 0x1 on line 7", "true"),
    ],
)
def test_keys_written_differently_that_are_one_once_read_are_refused_on_their_lines(keys, named, read):
    source = plan_yaml(extra="credit_date_by_type:\n" + keys)
    assert errors_of(source) == [
        f"the plan: duplicate key: {named} are the same key once read: each key may be written once",
        f"credit_date_by_type: unknown deal type {read}; {DEAL_TYPES}",
    ]


def test_keys_that_are_one_once_read_are_refused_anywhere_in_the_file():
    component = "{code: NRR, metric: nrr, weight: 1, goal: 1.10, 1: a, true: b}"
    errors = errors_of(plan_yaml(component))
    assert errors[0] == (
        "the plan: duplicate key: 1 and true, both on line 6, are the same key once read: each key may be "
        "written once"
    )
    assert [e.split(";")[0] for e in errors[1:]] == ["components[0] (NRR): unknown key 1"]
    top = HEAD + "1: a\nfalse: b\ntrue: c\n" + "components:\n  - {code: A, metric: adoption, weight: 1}\n"
    errors = errors_of(top)
    assert errors[0] == (
        "the plan: duplicate key: 1 on line 5 and true on line 7 are the same key once read: each key may "
        "be written once"
    )
    assert [e.split(";")[0] for e in errors[1:]] == ["unknown key 1", "unknown key false"]


def test_a_text_key_and_a_number_key_are_different_keys():
    # '1' (quoted) is text, 1 is a number: two keys, each an unknown deal type.
    errors = errors_of(plan_yaml(extra="credit_date_by_type: {'1': effective, 1: booked}\n"))
    assert errors == [
        "credit_date_by_type: unknown deal type '1'; deal types are renewal, expansion, contraction, churn",
        "credit_date_by_type: unknown deal type 1; deal types are renewal, expansion, contraction, churn",
    ]


def test_every_key_of_credit_date_by_type_that_is_not_text_is_reported():
    errors = errors_of(plan_yaml(extra="credit_date_by_type: {1: effective, false: booked, 2.5: booked}\n"))
    assert errors == [
        f"credit_date_by_type: unknown deal type {shown}; {DEAL_TYPES}" for shown in ("1", "false", "2.5")
    ]


# --- every duplicate, and every other problem of the file, in one refusal --------------------------------


def test_every_key_written_twice_is_reported_each_with_its_line():
    source = plan_yaml(
        "{code: NRR, metric: nrr, weight: 1, goal: 1.10, weight: 2}",
        extra="credit_date_by_type: {renewal: effective, renewal: booked}\n",
    )
    assert errors_of(source) == [
        "the plan: duplicate key 'renewal' written twice on line 5: each key may be written once",
        "the plan: duplicate key 'weight' written twice on line 7: each key may be written once",
    ]


def test_keys_written_twice_are_reported_in_the_files_order_whatever_mapping_they_are_in():
    # A component's mapping (line 6) is read after the top-level one: the messages follow the lines.
    source = (
        HEAD
        + "components:\n  - {code: NRR, metric: nrr, weight: 1, goal: 1.10, goal: 1.2}\n"
        + "name: Again\n"
        + "credit_date_by_type:\n  churn: effective\n  churn: booked\n"
    )
    assert errors_of(source) == [
        "the plan: duplicate key 'goal' written twice on line 6: each key may be written once",
        "the plan: duplicate key 'name' on line 7 (first on line 2): each key may be written once",
        "the plan: duplicate key 'churn' on line 10 (first on line 9): each key may be written once",
    ]


def test_a_file_with_a_duplicate_key_reports_its_other_problems_in_the_same_refusal():
    source = plan_yaml(
        "{code: NRR, metric: nrr, weight: 1, goal: 1.10, weight: 2}",
        extra="credit_date_by_type: {renewal: effective, renewal: booked, upsell: effective, churn: bogus, "
        "expansion: }\n",
    )
    assert errors_of(source) == [
        "the plan: duplicate key 'renewal' written twice on line 5: each key may be written once",
        "the plan: duplicate key 'weight' written twice on line 7: each key may be written once",
        f"credit_date_by_type: unknown deal type 'upsell'; {DEAL_TYPES}",
        "credit_date_by_type.churn must be one of booked, effective, got 'bogus'",
        "credit_date_by_type.expansion has no value: write booked or effective, or leave the key out for the "
        "plan's credit_date",
    ]


def test_the_other_problems_are_those_of_the_last_value_of_a_key_written_twice():
    # As YAML reads it: the last value stands, and is checked like any value.
    source = plan_yaml("{code: NRR, metric: nrr, weight: 1, goal: 1.10, weight: -2}")
    assert errors_of(source) == [
        "the plan: duplicate key 'weight' written twice on line 6: each key may be written once",
        "components[0] (NRR): weight (-2) must be greater than 0",
    ]


def test_a_duplicate_in_a_document_that_is_not_a_mapping_is_reported_with_it():
    errors = errors_of("- {a: 1, a: 2}\n")
    assert errors == [
        "the plan: duplicate key 'a' written twice on line 1: each key may be written once",
        "the plan must be a YAML mapping of plan fields (code, name, …), but it is a list",
    ]


@pytest.mark.django_db
def test_the_command_reports_every_duplicate_and_every_other_problem_and_writes_nothing(tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "plan.yaml"
    path.write_text(
        plan_yaml(
            "{code: NRR, metric: nrr, weight: 1, goal: 1.10, weight: 2}",
            extra="credit_date_by_type: {renewal: effective, renewal: booked, upsell: effective}\n",
        )
    )
    with pytest.raises(CommandError) as caught:
        call_command("load_plan", str(path))
    message = str(caught.value)
    assert "plan.yaml: duplicate key 'renewal' written twice on line 5" in message
    assert "plan.yaml: duplicate key 'weight' written twice on line 7" in message
    assert "unknown deal type 'upsell'" in message
    assert not Plan.objects.exists()
