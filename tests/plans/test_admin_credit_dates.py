"""DESIGN §3 "Plans", "Credit dates per deal type": the admin edits a plan's ``credit_date``, not its
``credit_date_by_type``. Saving stores the rules per type without the entries the new ``credit_date``
makes the default — only the types credited otherwise are stored, as ``load_plan`` stores them — and the
types the rules name keep their own date."""

import pytest

from commissions.engine.types import DEAL_TYPES
from commissions.loaders import plan_spec
from commissions.models import Plan
from commissions.services.plans import load_plan

from .admin_forms import plan_form
from .test_load_plan import plan_yaml


def credited(plan: Plan) -> dict[str, str]:
    """The date that credits each deal type, as a run reads the stored plan."""
    spec = plan_spec(Plan.objects.get(pk=plan.pk))
    return {deal_type: spec.credit_date_of(deal_type) for deal_type in DEAL_TYPES}


def save_in_the_admin(admin_client, plan: Plan, **changes) -> Plan:
    response = admin_client.post(f"/admin/commissions/plan/{plan.pk}/change/", plan_form(plan, **changes))
    assert response.status_code == 302, response.content.decode()[-3000:]
    return Plan.objects.get(pk=plan.pk)


@pytest.mark.django_db
def test_a_rule_the_new_credit_date_makes_the_default_is_not_stored(admin_client):
    plan = load_plan(
        source=plan_yaml(extra="credit_date: effective\ncredit_date_by_type: {expansion: booked}\n")
    )
    assert plan.credit_date_by_type == {"expansion": "booked"}

    saved = save_in_the_admin(admin_client, plan, credit_date="booked")

    assert (saved.credit_date, saved.credit_date_by_type) == ("booked", {})
    assert credited(saved) == dict.fromkeys(DEAL_TYPES, "booked")
    # what the admin stored is what load_plan stores for the same plan
    reloaded = load_plan(
        source=plan_yaml(extra="credit_date: booked\ncredit_date_by_type: {expansion: booked}\n")
    )
    assert (reloaded.credit_date, reloaded.credit_date_by_type) == (
        saved.credit_date,
        saved.credit_date_by_type,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("before", "after"), [("booked", "effective"), ("effective", "booked")])
def test_the_types_named_in_credit_date_by_type_keep_their_date_when_credit_date_changes(
    admin_client, before, after
):
    plan = load_plan(
        source=plan_yaml(extra=f"credit_date: {before}\ncredit_date_by_type: {{renewal: {after}}}\n")
    )
    assert plan.credit_date_by_type == {"renewal": after}

    saved = save_in_the_admin(admin_client, plan, credit_date=after)

    # renewal keeps its date (now the default, so no rule is left); the other types follow credit_date
    assert (saved.credit_date, saved.credit_date_by_type) == (after, {})
    assert credited(saved) == dict.fromkeys(DEAL_TYPES, after)


@pytest.mark.django_db
@pytest.mark.parametrize(("before", "after"), [("booked", "effective"), ("effective", "booked")])
def test_a_stored_rule_naming_the_old_credit_date_keeps_its_type_on_that_date(admin_client, before, after):
    # A plan stored before such rules were dropped: its row names the old default for renewal, which
    # the change of credit_date must not move (the rule is kept, now a date other than the default).
    plan = load_plan(
        source=plan_yaml(extra=f"credit_date: {before}\ncredit_date_by_type: {{churn: {after}}}\n")
    )
    Plan.objects.filter(pk=plan.pk).update(credit_date_by_type={"renewal": before, "churn": after})

    saved = save_in_the_admin(admin_client, Plan.objects.get(pk=plan.pk), credit_date=after)

    assert (saved.credit_date, saved.credit_date_by_type) == (after, {"renewal": before})
    dates = credited(saved)
    assert dates == {"renewal": before, "expansion": after, "contraction": after, "churn": after}


@pytest.mark.django_db
def test_a_stored_rule_naming_the_credit_date_is_dropped_on_save_and_no_type_changes_date(admin_client):
    # A plan stored before such rules were dropped (its row holds the default spelled out).
    plan = load_plan(source=plan_yaml(extra="credit_date_by_type: {renewal: effective}\n"))
    Plan.objects.filter(pk=plan.pk).update(
        credit_date_by_type={"renewal": "effective", "expansion": "booked"}
    )
    before = credited(plan)

    saved = save_in_the_admin(admin_client, Plan.objects.get(pk=plan.pk), name="Renamed")

    assert saved.credit_date_by_type == {"renewal": "effective"}
    assert credited(saved) == before


@pytest.mark.django_db
def test_the_admin_says_that_the_types_named_per_type_keep_their_own_date(admin_client):
    plan = load_plan(source=plan_yaml(extra="credit_date_by_type: {renewal: effective}\n"))
    page = admin_client.get(f"/admin/commissions/plan/{plan.pk}/change/").content.decode()
    assert "the types named there keep their own date" in page


@pytest.mark.django_db
def test_the_admin_names_the_types_a_new_credit_date_moves_and_those_it_takes_in(admin_client):
    plan = load_plan(
        source=plan_yaml(extra="credit_date: effective\ncredit_date_by_type: {expansion: booked}\n")
    )

    response = admin_client.post(
        f"/admin/commissions/plan/{plan.pk}/change/", plan_form(plan, credit_date="booked"), follow=True
    )

    # Renewals, contractions and churn move to the booking date; expansions keep theirs, now the default.
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings == [
        "Now credited by another date: renewal deals from effective to booked date; contraction deals from "
        "effective to booked date; churn deals from effective to booked date. expansion deals keep their "
        "date, now the plan's credit_date: the plan no longer names them apart. To name types apart again, "
        "load the plan file."
    ]


@pytest.mark.django_db
def test_a_locked_plan_opens_in_the_admin_saying_why_it_is_read_only(admin_client):
    from .test_load_plan import calculate_and_close

    plan = load_plan(source=plan_yaml())
    calculate_and_close("FY22-Q2", plan)

    response = admin_client.get(f"/admin/commissions/plan/{plan.pk}/change/")

    said = [str(m) for m in response.context["messages"]]
    assert said == [
        "Plan CS-FY22 cannot change: it was calculated and closed in FY22-Q2, which must keep the plan it "
        "was paid by. To change the plan, re-open FY22-Q2 with a reason (manage.py reopen_period FY22-Q2 "
        "--user EMAIL --reason TEXT) and load it again; or load the changed plan under a new code."
    ]
