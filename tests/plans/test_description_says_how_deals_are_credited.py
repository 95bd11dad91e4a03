"""``describe_plan`` — the one line ``load_plan`` prints — says the date that credits the plan's deals,
its ``credit_date``, and each deal type credited otherwise, as the plan is stored (DESIGN §3 "Plans")."""

import pytest

from commissions.engine.types import DEAL_TYPES
from commissions.models import Plan
from commissions.services.plans import describe_plan, load_plan

from .test_load_plan import plan_yaml
from .test_load_plan_says_what_it_did import load

pytestmark = pytest.mark.django_db

EVERY_TYPE_EFFECTIVE = (
    "credit_date: booked\n"
    "credit_date_by_type:\n"
    "  {renewal: effective, expansion: effective, contraction: effective, churn: effective}\n"
)


created = load  # what load_plan prints for the file


def test_a_plan_by_booking_date_says_its_deals_are_credited_by_their_booking_date():
    plan = load_plan(source=plan_yaml())
    assert (
        describe_plan(plan)
        == "CS-FY22 (FY22, USD): 1 component ADOPTION 1; deals credited by their booking date"
    )


def test_a_plan_by_effective_date_says_its_deals_are_credited_by_their_effective_date():
    plan = load_plan(source=plan_yaml(extra="credit_date: effective\n"))
    assert describe_plan(plan).endswith("; deals credited by their effective date")


def test_every_type_by_effective_date_is_said_as_the_plans_credit_date(tmp_path):
    said = created(tmp_path, plan_yaml(extra=EVERY_TYPE_EFFECTIVE))
    assert (
        said
        == "Created plan CS-FY22 (FY22, USD): 1 component ADOPTION 1; deals credited by their effective date"
    )


def test_the_types_credited_otherwise_follow_the_plans_credit_date():
    plan = load_plan(source=plan_yaml(extra="credit_date_by_type: {renewal: effective, churn: effective}\n"))
    assert describe_plan(plan) == (
        "CS-FY22 (FY22, USD): 1 component ADOPTION 1; deals credited by their booking date; "
        "churn credited by its effective date; renewal credited by its effective date"
    )


def test_the_credit_dates_come_before_the_prior_period_options():
    plan = load_plan(source=plan_yaml(extra="credit_date_by_type: {renewal: effective}\nclawback_days: 30\n"))
    assert describe_plan(plan) == (
        "CS-FY22 (FY22, USD): 1 component ADOPTION 1; deals credited by their booking date; "
        "renewal credited by its effective date; clawback within 30 days"
    )


def test_a_stored_plan_spelling_its_crediting_otherwise_is_described_in_its_one_form():
    # Rows stored before rules naming the default were dropped, or every type folded into the default:
    # each deal type is credited as before, and said so once.
    plan = load_plan(source=plan_yaml())
    Plan.objects.filter(pk=plan.pk).update(credit_date_by_type=dict.fromkeys(DEAL_TYPES, "effective"))
    assert describe_plan(Plan.objects.get(pk=plan.pk)).endswith("; deals credited by their effective date")
    Plan.objects.filter(pk=plan.pk).update(
        credit_date_by_type={"expansion": "booked", "renewal": "effective"}
    )
    assert describe_plan(Plan.objects.get(pk=plan.pk)).endswith(
        "; deals credited by their booking date; renewal credited by its effective date"
    )
