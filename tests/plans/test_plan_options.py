"""The plan's prior-period options (issue 14): ``clawback_days`` and ``negative_balance``, read, checked and
written by ``load_plan``, shown by ``describe_plan`` and edited in the admin until the plan is locked."""

from io import StringIO

import pytest
from django.core.management import call_command

from commissions.models import Plan
from commissions.services.plans import describe_plan, load_plan, parse_plan
from core.errors import PeriodClosed, PlanInvalid

from .admin_forms import plan_form
from .test_load_plan import HEAD, calculate_and_close, errors_of, plan_yaml

# --- defaults and values read ----------------------------------------------------------------------------


def test_without_the_options_there_is_no_clawback_and_a_negative_balance_is_carried_forward():
    spec = parse_plan(plan_yaml())
    assert spec.clawback_days is None
    assert spec.negative_balance == "carry_forward"


def test_clawback_days_and_negative_balance_are_read():
    spec = parse_plan(plan_yaml(extra="clawback_days: 90\nnegative_balance: pay_negative\n"))
    assert (spec.clawback_days, spec.negative_balance) == (90, "pay_negative")
    spec = parse_plan(plan_yaml(extra="clawback_days: 1\nnegative_balance: carry_forward\n"))
    assert (spec.clawback_days, spec.negative_balance) == (1, "carry_forward")


def test_a_null_clawback_is_the_same_as_none():
    assert parse_plan(plan_yaml(extra="clawback_days: ~\n")).clawback_days is None


# --- refusals name the key and the value ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "clawback_days (0) must be 1 or more; leave it out for no clawback"),
        ("-30", "clawback_days (-30) must be 1 or more; leave it out for no clawback"),
        ("30.5", "clawback_days must be a whole number of days (1 or more), got 30.5"),
        ("true", "clawback_days must be a whole number of days (1 or more), got true"),
        ("'90'", "clawback_days must be a whole number of days (1 or more), got '90'"),
        ("ninety", "clawback_days must be a whole number of days (1 or more), got 'ninety'"),
        ("[90]", "clawback_days must be a whole number of days (1 or more), got [90]"),
        ("3000000000", "clawback_days (3000000000) is too large: at most 2147483647"),
    ],
)
def test_clawback_days_must_be_a_whole_number_of_days_of_at_least_one(value, message):
    assert errors_of(plan_yaml(extra=f"clawback_days: {value}\n")) == [message]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("carry", "'carry'"),
        ("pay-negative", "'pay-negative' (did you mean pay_negative?)"),
        ("PAY_NEGATIVE", "'PAY_NEGATIVE' (did you mean pay_negative?)"),
        ("true", "true"),
        ("0", "0"),
    ],
)
def test_negative_balance_must_be_carry_forward_or_pay_negative(value, shown):
    [message] = errors_of(plan_yaml(extra=f"negative_balance: {value}\n"))
    assert message == f"negative_balance must be one of carry_forward, pay_negative, got {shown}"


def test_bad_options_are_reported_with_every_other_problem():
    source = plan_yaml(
        extra="clawback_days: 0\nnegative_balance: never\n",
        head=HEAD.replace("currency: USD", "currency: usd"),
    )
    assert errors_of(source) == [
        "currency must be an ISO 4217 code such as USD or EUR, got 'usd'",
        "clawback_days (0) must be 1 or more; leave it out for no clawback",
        "negative_balance must be one of carry_forward, pay_negative, got 'never'",
    ]


# --- written, replaced, locked -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_plan_writes_the_options():
    load_plan(source=plan_yaml(extra="clawback_days: 90\nnegative_balance: pay_negative\n"))
    plan = Plan.objects.get(code="CS-FY22")
    assert (plan.clawback_days, plan.negative_balance) == (90, "pay_negative")


@pytest.mark.django_db
def test_reloading_without_the_options_restores_the_defaults():
    load_plan(source=plan_yaml(extra="clawback_days: 90\nnegative_balance: pay_negative\n"))
    load_plan(source=plan_yaml())
    plan = Plan.objects.get(code="CS-FY22")
    assert (plan.clawback_days, plan.negative_balance) == (None, "carry_forward")


@pytest.mark.django_db
def test_a_refused_file_leaves_the_stored_options_unchanged():
    load_plan(source=plan_yaml(extra="clawback_days: 90\n"))
    with pytest.raises(PlanInvalid, match="clawback_days"):
        load_plan(source=plan_yaml(extra="clawback_days: 0\nnegative_balance: pay_negative\n"))
    plan = Plan.objects.get(code="CS-FY22")
    assert (plan.clawback_days, plan.negative_balance) == (90, "carry_forward")


@pytest.mark.django_db
def test_options_of_a_locked_plan_cannot_change():
    calculate_and_close("FY22-Q2", load_plan(source=plan_yaml()))
    with pytest.raises(PeriodClosed, match="Plan CS-FY22 cannot change"):
        load_plan(source=plan_yaml(extra="clawback_days: 30\nnegative_balance: pay_negative\n"))
    plan = Plan.objects.get(code="CS-FY22")
    assert (plan.clawback_days, plan.negative_balance) == (None, "carry_forward")


# --- described ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_description_leaves_default_options_out():
    plan = load_plan(source=plan_yaml())
    assert (
        describe_plan(plan)
        == "CS-FY22 (FY22, USD): 1 component ADOPTION 1; deals credited by their booking date"
    )


@pytest.mark.django_db
def test_description_names_options_that_differ_from_the_defaults():
    plan = load_plan(source=plan_yaml(extra="clawback_days: 90\nnegative_balance: pay_negative\n"))
    assert describe_plan(plan) == (
        "CS-FY22 (FY22, USD): 1 component ADOPTION 1; deals credited by their booking date; "
        "clawback within 90 days; negative balance paid negative"
    )
    plan = load_plan(source=plan_yaml(extra="clawback_days: 1\n"))
    assert describe_plan(plan) == (
        "CS-FY22 (FY22, USD): 1 component ADOPTION 1; deals credited by their booking date; "
        "clawback within 1 day"
    )


@pytest.mark.django_db
def test_load_plan_command_prints_the_options(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(plan_yaml(extra="clawback_days: 45\n"))
    out = StringIO()
    call_command("load_plan", str(path), stdout=out)
    assert (
        out.getvalue()
        == "Created plan CS-FY22 (FY22, USD): 1 component ADOPTION 1; deals credited by their booking date; "
        "clawback within 45 days\n"
    )


# --- the admin ---------------------------------------------------------------------------------------------


def _admin_post(client, plan: Plan, **changes):
    return client.post(f"/admin/commissions/plan/{plan.pk}/change/", plan_form(plan, **changes))


@pytest.mark.django_db
def test_the_admin_shows_and_saves_the_options(admin_client):
    plan = load_plan(source=plan_yaml())
    page = admin_client.get(f"/admin/commissions/plan/{plan.pk}/change/").content.decode()
    assert 'name="clawback_days"' in page and 'name="negative_balance"' in page
    response = _admin_post(admin_client, plan, clawback_days="60", negative_balance="pay_negative")
    assert response.status_code == 302, response.content.decode()
    plan.refresh_from_db()
    assert (plan.clawback_days, plan.negative_balance) == (60, "pay_negative")


@pytest.mark.django_db
def test_the_admin_refuses_a_clawback_of_zero_days(admin_client):
    plan = load_plan(source=plan_yaml())
    response = _admin_post(admin_client, plan, clawback_days="0")
    assert response.status_code == 200
    assert "clawback_days (0) must be 1 or more; leave it empty for no clawback." in response.content.decode()
    plan.refresh_from_db()
    assert plan.clawback_days is None
