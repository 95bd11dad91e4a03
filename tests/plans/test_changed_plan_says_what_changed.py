"""A ``Changed plan …`` message of ``load_plan`` names what changed of the stored plan (DESIGN §6): each
plan field as the file writes it, each component and escalator added, removed or changed (by code), with
old → new when both are short; a change of spelling alone (the same date for each deal type) is none."""

from io import StringIO

import pytest
from django.core.management import call_command

from commissions.services.plans import load_message, upsert_plan
from commissions.services.plans.write import PlanLoaded

from .test_load_plan import ADOPTION, KPI, NRR, WORKED_PLAN, plan_yaml

pytestmark = pytest.mark.django_db

EVERY_TYPE_EFFECTIVE = (
    "credit_date: booked\n"
    "credit_date_by_type:\n"
    "  {renewal: effective, expansion: effective, contraction: effective, churn: effective}\n"
)


def changes(before: str, after: str) -> tuple[str, ...]:
    upsert_plan(source=before)
    loaded = upsert_plan(source=after)
    assert loaded.status == "updated"
    return loaded.changes


def test_a_new_credit_date_is_named_with_old_and_new(tmp_path):
    upsert_plan(source=plan_yaml())
    path = tmp_path / "plan.yaml"
    path.write_text(plan_yaml(extra=EVERY_TYPE_EFFECTIVE))
    out = StringIO()

    call_command("load_plan", str(path), stdout=out)

    assert out.getvalue() == (
        "Changed plan CS-FY22 (FY22, USD): 1 component ADOPTION 1; deals credited by their effective date. "
        "Changes: credit_date booked → effective (every deal type)\n"
    )


def test_a_components_field_is_named_by_its_code_with_the_numbers_as_the_file_writes_them():
    source = WORKED_PLAN.read_text()
    assert changes(source, source.replace("goal: 1.10", "goal: 1.20")) == ("NRR goal 1.10 → 1.20",)
    finer = source.replace("goal: 1.10", "goal: 1.125")
    assert changes(source, finer) == ("NRR goal 1.100 → 1.125",)  # the stored number given the places
    assert changes(finer, source) == ("NRR goal 1.125 → 1.10",)


def test_components_added_removed_and_moved_are_named_by_code():
    assert changes(plan_yaml(ADOPTION, NRR), plan_yaml(ADOPTION, KPI)) == (
        "component NRR removed",
        "component KPI added",
    )
    assert changes(plan_yaml(ADOPTION, KPI), plan_yaml(KPI, ADOPTION)) == (
        "component order ADOPTION, KPI → KPI, ADOPTION",
    )


def test_plan_fields_are_named_as_the_file_writes_them():
    before = plan_yaml(extra="adoption: {customer_cap: 1.5}\n")
    after = plan_yaml(extra="adoption: {customer_cap: 2.25, weighting: equal}\nclawback_days: 30\n")
    assert changes(before, after) == (
        "clawback_days none → 30",
        "adoption.weighting arr → equal",
        "adoption.customer_cap 1.50 → 2.25",
    )


def test_a_short_name_is_shown_old_and_new_and_a_long_one_only_named():
    short = plan_yaml(head=plan_yaml().split("components:")[0].replace("Customer Success FY22", "CS 2022"))
    assert changes(plan_yaml(), short) == ("name 'Customer Success FY22' → 'CS 2022'",)
    long = short.replace("CS 2022", "Customer Success of every region for the fiscal year 2022")
    assert changes(short, long) == ("name changed",)


def test_crediting_is_named_by_the_deal_types_whose_date_moves():
    by_renewal = plan_yaml(extra="credit_date_by_type: {renewal: effective}\n")
    assert changes(plan_yaml(), by_renewal) == ("renewal deals booked → effective date",)
    # Renewals stay on their effective date: only the other three types move.
    assert changes(by_renewal, plan_yaml(extra="credit_date: effective\n")) == (
        "expansion deals booked → effective date",
        "contraction deals booked → effective date",
        "churn deals booked → effective date",
    )


def test_crediting_spelled_otherwise_is_no_change_beside_a_real_one():
    before = plan_yaml(extra="credit_date: effective\n")
    after = plan_yaml(NRR.replace("1.10", "1.30"), extra=EVERY_TYPE_EFFECTIVE)
    assert changes(before, after) == ("component ADOPTION removed", "component NRR added")


def test_escalators_are_named_by_code():
    head = plan_yaml(KPI)
    quality = "escalators:\n  - {code: quality, metric: data_quality, at_least: 95, multiplier: 1.10}\n"
    before = head + quality
    assert changes(before, head + quality.replace("1.10", "1.20")) == (
        "escalator quality multiplier 1.10 → 1.20",
    )
    assert changes(head + quality.replace("1.10", "1.20"), head) == ("escalator quality removed",)


def test_the_changes_come_before_the_runs_left_out_of_date_and_a_message_without_them_still_reads():
    upsert_plan(source=plan_yaml())
    loaded = upsert_plan(source=plan_yaml(extra="clawback_days: 30\n"))
    said = load_message(loaded, file_name="plan.yaml")
    assert said.endswith("; clawback within 30 days. Changes: clawback_days none → 30")

    stale = PlanLoaded(loaded.plan, "updated", stale=("FY22-Q2",), changes=loaded.changes)
    assert ". Changes: clawback_days none → 30: runs of its open quarters made before this change" in (
        load_message(stale, file_name="plan.yaml")
    )
    # a caller that gives no changes gets the message as it was
    assert load_message(PlanLoaded(loaded.plan, "updated"), file_name="plan.yaml") == (
        "Changed plan CS-FY22 (FY22, USD): 1 component ADOPTION 1; deals credited by their booking date; "
        "clawback within 30 days"
    )


def test_a_created_or_unchanged_plan_has_no_changes():
    assert upsert_plan(source=plan_yaml()).changes == ()
    assert upsert_plan(source=plan_yaml()).changes == ()


@pytest.mark.parametrize(
    ("extra", "change"),
    [
        ("fiscal_year: FY23\n", "fiscal_year FY22 → FY23"),
        ("currency: EUR\n", "currency USD → EUR"),
        ("credit_date: effective\n", "credit_date booked → effective (every deal type)"),
        ("credit_date_by_type: {churn: effective}\n", "churn deals booked → effective date"),
        ("new_customer_window_days: 60\n", "new_customer_window_days 90 → 60"),
        ("clawback_days: 90\n", "clawback_days none → 90"),
        ("negative_balance: pay_negative\n", "negative_balance carry_forward → pay_negative"),
        ("adoption: {formula: ratio}\n", "adoption.formula progress → ratio"),
        ("adoption: {weighting: equal}\n", "adoption.weighting arr → equal"),
        ("adoption: {customer_cap: 2}\n", "adoption.customer_cap 1.5 → 2"),
    ],
)
def test_every_plan_field_is_named_when_it_changes(extra, change):
    head = plan_yaml().split("components:")[0]
    if extra.startswith("fiscal_year") or extra.startswith("currency"):
        key = extra.split(":")[0]
        head = "".join(line + "\n" for line in head.splitlines() if not line.startswith(f"{key}:"))
    assert changes(plan_yaml(), plan_yaml(head=head + extra)) == (change,)
