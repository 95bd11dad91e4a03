"""Issue 20: ``credit_date_by_type`` in a plan — deal type → booked | effective, the plan's
``credit_date`` the default of every other type — read, checked, stored and described by ``load_plan``."""

import pytest

from commissions.engine.types import DEAL_TYPES
from commissions.loaders import plan_spec
from commissions.models import Plan
from commissions.services.plans import describe_plan, load_plan, parse_plan, upsert_plan
from core.errors import PeriodClosed

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
            "credit_date_by_type: unknown deal type 'renewals' (did you mean renewal?); deal types are "
            "renewal, expansion, contraction, churn",
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


# --- a rule that spells out the plan's credit_date is the default (DESIGN §3 "Plans") -------------------


def test_a_rule_naming_the_plans_credit_date_is_dropped_when_read():
    spelled = "credit_date_by_type: {expansion: booked, renewal: effective}\n"
    assert parse_plan(plan_yaml(extra=spelled)).credit_date_by_type == {"renewal": "effective"}
    by_effective = "credit_date: effective\ncredit_date_by_type: {expansion: effective, churn: booked}\n"
    assert parse_plan(plan_yaml(extra=by_effective)).credit_date_by_type == {"churn": "booked"}
    assert parse_plan(plan_yaml(extra="credit_date_by_type: {expansion: booked}\n")).credit_date_by_type == {}


@pytest.mark.django_db
def test_a_file_that_only_spells_out_the_default_is_the_same_plan():
    load_plan(source=plan_yaml())
    loaded = upsert_plan(source=plan_yaml(extra="credit_date_by_type: {expansion: booked}\n"))
    assert loaded.status == "unchanged"
    assert loaded.plan.credit_date_by_type == {}
    assert (
        describe_plan(loaded.plan)
        == "CS-FY22 (FY22, USD): 1 component ADOPTION 1; deals credited by their booking date"
    )


@pytest.mark.django_db
def test_spelling_out_the_default_is_no_change_of_a_locked_plan():
    from .test_load_plan import calculate_and_close

    calculate_and_close(
        "FY22-Q2", load_plan(source=plan_yaml(extra="credit_date_by_type: {renewal: effective}\n"))
    )
    spelled = "credit_date_by_type: {renewal: effective, expansion: booked, churn: booked}\n"
    assert upsert_plan(source=plan_yaml(extra=spelled)).status == "unchanged"


@pytest.mark.django_db
def test_the_handbook_calls_a_spelled_out_default_the_plans_default():
    from dashboards.handbook.rules import credit_date_rules

    plan = load_plan(source=plan_yaml(extra="credit_date_by_type: {expansion: booked, renewal: effective}\n"))
    sentences = {rule.deal_type: rule.sentence for rule in credit_date_rules(plan_spec(plan))}
    assert (
        sentences["expansion"] == "Expansion: counts in the quarter of its booking date (the plan's default)."
    )
    assert sentences["renewal"] == (
        "Renewal: counts in the quarter of its effective date (the plan's rule for this type)."
    )


@pytest.mark.django_db
def test_a_stored_rule_naming_the_credit_date_reads_as_the_same_plan_as_the_file():
    # A plan stored before such rules were dropped when read keeps its row (and its runs' fingerprints);
    # the file without the rule, or with it, is still the plan loaded.
    plan = load_plan(source=plan_yaml())
    Plan.objects.filter(pk=plan.pk).update(credit_date_by_type={"expansion": "booked"})
    assert upsert_plan(source=plan_yaml()).status == "unchanged"
    assert (
        upsert_plan(source=plan_yaml(extra="credit_date_by_type: {expansion: booked}\n")).status
        == "unchanged"
    )
    assert (
        upsert_plan(source=plan_yaml(extra="credit_date_by_type: {expansion: effective}\n")).status
        == "updated"
    )


# --- every deal type credited by one date is that date as the default (DESIGN §3 "Plans") ---------------

EVERY_TYPE_EFFECTIVE = (
    "credit_date: booked\n"
    "credit_date_by_type:\n"
    "  {renewal: effective, expansion: effective, contraction: effective, churn: effective}\n"
)


def test_rules_giving_every_type_one_date_make_it_the_credit_date():
    spec = parse_plan(plan_yaml(extra=EVERY_TYPE_EFFECTIVE))
    assert (spec.credit_date, spec.credit_date_by_type) == ("effective", {})
    # with the default's own entries among them, the same
    mixed = "credit_date_by_type: {renewal: booked, expansion: booked, contraction: booked, churn: booked}\n"
    spec = parse_plan(plan_yaml(extra="credit_date: effective\n" + mixed))
    assert (spec.credit_date, spec.credit_date_by_type) == ("booked", {})
    # three types of four are rules, not the default
    three = "credit_date_by_type: {renewal: effective, expansion: effective, contraction: effective}\n"
    spec = parse_plan(plan_yaml(extra=three))
    assert spec.credit_date == "booked"
    assert spec.credit_date_by_type == {
        "contraction": "effective",
        "expansion": "effective",
        "renewal": "effective",
    }


@pytest.mark.django_db
def test_every_type_credited_by_one_date_is_stored_as_that_credit_date():
    plan = load_plan(source=plan_yaml(extra=EVERY_TYPE_EFFECTIVE))
    plan.refresh_from_db()
    assert (plan.credit_date, plan.credit_date_by_type) == ("effective", {})
    spec = plan_spec(plan)
    assert {t: spec.credit_date_of(t) for t in DEAL_TYPES} == dict.fromkeys(DEAL_TYPES, "effective")


@pytest.mark.django_db
def test_the_same_date_for_every_type_spelled_otherwise_is_unchanged(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    load_plan(source=plan_yaml(extra="credit_date: effective\n"))
    path = tmp_path / "plan.yaml"
    path.write_text(plan_yaml(extra=EVERY_TYPE_EFFECTIVE))
    out = StringIO()
    call_command("load_plan", str(path), stdout=out)
    assert out.getvalue().startswith("Plan CS-FY22 unchanged: plan.yaml says what is loaded already")


@pytest.mark.django_db
def test_the_same_date_for_every_type_spelled_otherwise_is_no_change_of_a_locked_plan():
    from .test_load_plan import calculate_and_close

    calculate_and_close("FY22-Q2", load_plan(source=plan_yaml(extra="credit_date: effective\n")))
    assert upsert_plan(source=plan_yaml(extra=EVERY_TYPE_EFFECTIVE)).status == "unchanged"
    # one type by another date is a change, refused
    changed = EVERY_TYPE_EFFECTIVE.replace("churn: effective", "churn: booked")
    with pytest.raises(PeriodClosed, match="Plan CS-FY22 cannot change"):
        upsert_plan(source=plan_yaml(extra=changed))


@pytest.mark.django_db
def test_a_stored_plan_spelling_every_type_is_compared_by_the_date_of_each_type():
    # Stored before such rules were folded into the default: the same crediting read either way.
    plan = load_plan(source=plan_yaml())
    every = dict.fromkeys(DEAL_TYPES, "effective")
    Plan.objects.filter(pk=plan.pk).update(credit_date="booked", credit_date_by_type=every)
    assert upsert_plan(source=plan_yaml(extra="credit_date: effective\n")).status == "unchanged"
    assert upsert_plan(source=plan_yaml(extra=EVERY_TYPE_EFFECTIVE)).status == "unchanged"
    plan.refresh_from_db()
    assert (plan.credit_date, plan.credit_date_by_type) == ("booked", every)  # nothing was written
    assert upsert_plan(source=plan_yaml()).status == "updated"  # every type by booked date now
