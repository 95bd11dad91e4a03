"""Issue 20: ``credit_date_by_type`` in a plan — deal type → booked | effective, the plan's
``credit_date`` the default of every other type — read, checked, stored and described by ``load_plan``."""

import pytest

from commissions.loaders import plan_spec
from commissions.services.plans import describe_plan, load_plan, parse_plan, upsert_plan

from .test_load_plan import errors_of, plan_yaml


def test_absent_every_type_is_credited_by_credit_date():
    assert parse_plan(plan_yaml()).credit_date_by_type == {}


def test_rules_per_type_are_read_in_type_order():
    spec = parse_plan(plan_yaml(extra="credit_date_by_type: {renewal: effective, churn: effective}\n"))
    assert spec.credit_date_by_type == {"churn": "effective", "renewal": "effective"}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "{renewals: effective}",
            "credit_date_by_type: unknown deal type 'renewals'; deal types are renewal, expansion, "
            "contraction, churn",
        ),
        ("{churn: signed}", "credit_date_by_type.churn must be one of booked, effective, got 'signed'"),
        (
            "effective",
            "credit_date_by_type must be a mapping of deal type to booked or effective, such as "
            "{renewal: effective, churn: effective}, got 'effective'",
        ),
    ],
)
def test_a_bad_rule_is_refused_naming_the_type_and_value(value, message):
    assert errors_of(plan_yaml(extra=f"credit_date_by_type: {value}\n")) == [message]


def test_every_bad_rule_is_reported_at_once():
    errors = errors_of(plan_yaml(extra="credit_date_by_type: {upsell: booked, renewal: later}\n"))
    assert len(errors) == 2 and "'upsell'" in errors[0] and "'later'" in errors[1]


@pytest.mark.django_db
def test_the_rules_are_stored_read_by_runs_and_described():
    plan = load_plan(source=plan_yaml(extra="credit_date_by_type: {renewal: effective}\n"))
    plan.refresh_from_db()
    assert plan.credit_date_by_type == {"renewal": "effective"}
    spec = plan_spec(plan)
    assert spec.credit_date_by_type == (("renewal", "effective"),)
    assert (spec.credit_date_of("renewal"), spec.credit_date_of("expansion")) == ("effective", "booked")
    assert "renewal credited by its effective date" in describe_plan(plan)


@pytest.mark.django_db
def test_the_same_file_again_is_unchanged_and_a_changed_rule_is_an_update():
    source = plan_yaml(extra="credit_date_by_type: {renewal: effective}\n")
    load_plan(source=source)
    assert upsert_plan(source=source).status == "unchanged"
    assert upsert_plan(source=plan_yaml(extra="credit_date_by_type: {renewal: booked}\n")).status == "updated"
    assert upsert_plan(source=plan_yaml()).plan.credit_date_by_type == {}
