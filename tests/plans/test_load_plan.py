"""load_plan (DESIGN §3 "Plans"): every validation rule, defaults, Decimal values and the upsert."""

from decimal import Decimal
from pathlib import Path

import pytest

from commissions.models import Component, Plan
from commissions.services import plans
from commissions.services.plans import load_plan, parse_plan, plan_is_locked
from core.errors import PeriodClosed, PlanInvalid

WORKED_PLAN = Path("/work/shared/examples/worked/plan.yaml")
if not WORKED_PLAN.exists():  # the copy kept in the repository's fixtures, once there is one
    WORKED_PLAN = Path(__file__).resolve().parents[2] / "fixtures" / "worked" / "plan.yaml"

HEAD = """\
code: CS-FY22
name: Customer Success FY22
fiscal_year: FY22
currency: USD
"""
ADOPTION = "{code: ADOPTION, metric: adoption, weight: 1}"
NRR = "{code: NRR, metric: nrr, weight: 1, goal: 1.10}"
KPI = "{code: KPI, metric: kpi, kpi: prs, weight: 1, goal: 10}"


def plan_yaml(*components: str, head: str = HEAD, extra: str = "") -> str:
    components = components or (ADOPTION,)
    return head + extra + "components:\n" + "".join(f"  - {c}\n" for c in components)


def errors_of(source: str) -> list[str]:
    with pytest.raises(PlanInvalid) as caught:
        parse_plan(source)
    return caught.value.errors


def head_without(key: str) -> str:
    return "".join(line + "\n" for line in HEAD.splitlines() if not line.startswith(f"{key}:"))


# --- the worked example and defaults -------------------------------------------------------------------


@pytest.mark.django_db
def test_worked_example_loads_with_decimal_values():
    source = WORKED_PLAN.read_text()
    plan = load_plan(source=source, file_name="plan.yaml")
    plan.refresh_from_db()

    assert (plan.code, plan.name, plan.fiscal_year, plan.currency) == (
        "CS-FY22",
        "Customer Success FY22",
        "FY22",
        "USD",
    )
    assert plan.credit_date == "booked"
    assert plan.new_customer_window_days == 90
    assert (plan.adoption_formula, plan.adoption_weighting) == ("progress", "arr")
    assert plan.customer_cap == Decimal("1.5")
    assert plan.source == source

    rows = list(plan.components.order_by("position").values())
    assert [(r["code"], r["metric"], r["kpi"], r["position"]) for r in rows] == [
        ("ADOPTION", "adoption", "", 0),
        ("NRR", "nrr", "", 1),
        ("KPI", "kpi", "prs", 2),
    ]
    numbers = [(r["weight"], r["goal"], r["floor"], r["threshold"], r["accelerator"], r["cap"]) for r in rows]
    assert numbers == [
        (Decimal(1), None, None, Decimal(0), Decimal(1), Decimal("1.0")),
        (Decimal(1), Decimal("1.10"), Decimal("1.0"), Decimal(0), Decimal("1.0"), None),
        (Decimal(1), Decimal(10), None, Decimal(0), Decimal(1), Decimal("1.0")),
    ]
    for row in rows:
        for value in (row["weight"], row["threshold"], row["accelerator"]):
            assert type(value) is Decimal


def test_numbers_are_decimals_read_from_the_yaml_text_never_floats():
    spec = parse_plan(plan_yaml(NRR, extra="adoption: {customer_cap: 1.35}\n"))
    nrr = spec.components[0]
    assert type(nrr.goal) is Decimal and str(nrr.goal) == "1.10"
    assert type(spec.customer_cap) is Decimal and str(spec.customer_cap) == "1.35"
    # 0.1 + 0.2 is 0.30000000000000004 in floats; read as text it is exact.
    spec = parse_plan(plan_yaml("{code: A, metric: adoption, weight: 0.1, threshold: 0.2}"))
    assert spec.components[0].weight + spec.components[0].threshold == Decimal("0.3")


def test_defaults_apply_when_optional_fields_are_left_out():
    spec = parse_plan(
        plan_yaml(
            ADOPTION, "{code: NRR, metric: nrr, weight: 2}", "{code: K, metric: kpi, kpi: x, weight: 1}"
        )
    )
    assert spec.credit_date == "booked"
    assert spec.new_customer_window_days == 90
    assert (spec.adoption_formula, spec.adoption_weighting, spec.customer_cap) == (
        "progress",
        "arr",
        Decimal("1.5"),
    )
    adoption, nrr, kpi = spec.components
    assert (adoption.threshold, adoption.accelerator, adoption.cap, adoption.floor) == (0, 1, None, None)
    assert (nrr.floor, nrr.goal) == (Decimal("1.0"), None)  # NRR goal may come from the assignment
    assert (kpi.floor, kpi.goal) == (None, None)  # KPI goal may come from the assignment


def test_optional_plan_settings_are_read():
    spec = parse_plan(
        plan_yaml(
            extra="credit_date: effective\nnew_customer_window_days: 0\n"
            "adoption: {formula: ratio, weighting: equal, customer_cap: 2}\n"
        )
    )
    assert (spec.credit_date, spec.new_customer_window_days) == ("effective", 0)
    assert (spec.adoption_formula, spec.adoption_weighting, spec.customer_cap) == (
        "ratio",
        "equal",
        Decimal(2),
    )


# --- the document itself -------------------------------------------------------------------------------


def test_invalid_yaml_is_refused():
    errors = errors_of("code: [unclosed\n")
    assert len(errors) == 1
    assert errors[0].startswith("the plan is not valid YAML: ")


def test_a_document_that_is_not_a_mapping_is_refused():
    assert errors_of("- a\n- b\n") == [
        "the plan must be a YAML mapping of plan fields (code, name, …), but it is a list"
    ]
    assert errors_of("") == [
        "the plan must be a YAML mapping of plan fields (code, name, …), but it is empty"
    ]


def test_every_problem_is_reported_at_once():
    source = plan_yaml(
        "{code: NRR, metric: nrr, weight: 0, goal: 1.0}",
        head="code: X\nname: X\nfiscal_year: 2022\ncurrency: usd\n",
    )
    assert errors_of(source) == [
        "fiscal_year: “2022” is not a fiscal year: write it like FY27.",
        "currency must be an ISO 4217 code such as USD or EUR, got 'usd'",
        "components[0] (NRR): weight (0) must be greater than 0",
        "components[0] (NRR): goal (1.0) must be greater than floor (1.0)",
    ]


# --- top-level fields ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["code", "name", "fiscal_year", "currency"])
def test_required_plan_field_missing_is_refused(key):
    assert errors_of(plan_yaml(head=head_without(key))) == [f"{key} is required"]


def test_plan_code_must_be_text():
    assert errors_of(plan_yaml(head=HEAD.replace("code: CS-FY22", "code: 22"))) == [
        "code must be text, got 22"
    ]


def test_fiscal_year_must_be_written_like_fy22():
    source = plan_yaml(head=HEAD.replace("fiscal_year: FY22", "fiscal_year: FY2022"))
    assert errors_of(source) == ["fiscal_year: “FY2022” is not a fiscal year: write it like FY27."]


def test_currency_must_be_an_iso_code():
    source = plan_yaml(head=HEAD.replace("currency: USD", "currency: XYZ"))
    assert errors_of(source) == ["currency must be an ISO 4217 code such as USD or EUR, got 'XYZ'"]


def test_credit_date_must_be_booked_or_effective():
    assert errors_of(plan_yaml(extra="credit_date: signed\n")) == [
        "credit_date must be one of booked, effective, got 'signed'"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "new_customer_window_days (-1) must be 0 or more"),
        ("30.5", "new_customer_window_days must be a whole number of days, got 30.5"),
        ("true", "new_customer_window_days must be a whole number of days, got true"),
        ("ninety", "new_customer_window_days must be a whole number of days, got 'ninety'"),
    ],
)
def test_new_customer_window_must_be_whole_days_not_negative(value, message):
    assert errors_of(plan_yaml(extra=f"new_customer_window_days: {value}\n")) == [message]


def test_unknown_top_level_key_is_refused_naming_the_allowed_ones():
    assert errors_of(plan_yaml(extra="currncy: EUR\n")) == [
        "unknown key 'currncy' (did you mean currency?); allowed keys are code, name, fiscal_year, currency, "
        "credit_date, credit_date_by_type, "
        "new_customer_window_days, clawback_days, negative_balance, adoption, components, escalators"
    ]


# --- adoption settings ---------------------------------------------------------------------------------


def test_adoption_formula_must_be_progress_or_ratio():
    assert errors_of(plan_yaml(extra="adoption: {formula: linear}\n")) == [
        "adoption.formula must be one of progress, ratio, got 'linear'"
    ]


def test_adoption_weighting_must_be_arr_or_equal():
    assert errors_of(plan_yaml(extra="adoption: {weighting: seats}\n")) == [
        "adoption.weighting must be one of arr, equal, got 'seats'"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "adoption.customer_cap (0) must be greater than 0"),
        ("-1.5", "adoption.customer_cap (-1.5) must be greater than 0"),
        ("high", "adoption.customer_cap must be a number, got 'high'"),
    ],
)
def test_customer_cap_must_be_a_positive_number(value, message):
    assert errors_of(plan_yaml(extra=f"adoption: {{customer_cap: {value}}}\n")) == [message]


def test_unknown_adoption_key_is_refused():
    assert errors_of(plan_yaml(extra="adoption: {cap: 2}\n")) == [
        "adoption: unknown key 'cap'; allowed keys are formula, weighting, customer_cap"
    ]


def test_adoption_must_be_a_mapping():
    assert errors_of(plan_yaml(extra="adoption: progress\n")) == [
        "adoption must be a mapping of formula, weighting, customer_cap, got 'progress'"
    ]


# --- components ----------------------------------------------------------------------------------------


def test_components_are_required():
    assert errors_of(HEAD) == ["components is required: a list of at least one component"]


def test_components_must_be_a_non_empty_list():
    assert errors_of(HEAD + "components: []\n") == [
        "components must be a non-empty list of components, got []"
    ]
    assert errors_of(HEAD + "components: ADOPTION\n") == [
        "components must be a non-empty list of components, got 'ADOPTION'"
    ]


def test_a_component_must_be_a_mapping():
    assert errors_of(plan_yaml("ADOPTION")) == [
        "components[0] must be a mapping such as {code: NRR, metric: nrr, weight: 1}"
    ]


def test_component_code_is_required():
    assert errors_of(plan_yaml("{metric: adoption, weight: 1}")) == ["components[0]: code is required"]


def test_component_codes_are_unique_within_the_plan():
    source = plan_yaml(KPI, "{code: KPI, metric: kpi, kpi: calls, weight: 1}")
    assert errors_of(source) == ["components[1] (KPI): code KPI is already used by components[0]"]


def test_component_metric_is_required():
    assert errors_of(plan_yaml("{code: A, weight: 1}")) == [
        "components[0] (A): metric is required: one of adoption, nrr, kpi"
    ]


def test_component_metric_must_be_known():
    assert errors_of(plan_yaml("{code: A, metric: csat, weight: 1}")) == [
        "components[0] (A): metric must be one of adoption, nrr, kpi, got 'csat'"
    ]


def test_component_weight_is_required():
    assert errors_of(plan_yaml("{code: A, metric: adoption}")) == [
        "components[0] (A): weight is required: a number greater than 0"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "weight (0) must be greater than 0"),
        ("-1", "weight (-1) must be greater than 0"),
        ("true", "weight must be a number, got true"),
        ("'1'", "weight must be a number, got '1'"),
        (".inf", "weight must be a finite number, got inf"),
    ],
)
def test_component_weight_must_be_a_positive_number(value, message):
    assert errors_of(plan_yaml(f"{{code: A, metric: adoption, weight: {value}}}")) == [
        f"components[0] (A): {message}"
    ]


def test_kpi_code_is_required_on_kpi_components():
    assert errors_of(plan_yaml("{code: K, metric: kpi, weight: 1}")) == [
        "components[0] (K): kpi (the KPI code, such as prs) is required on kpi components"
    ]


def test_kpi_code_is_refused_on_other_components():
    assert errors_of(plan_yaml("{code: N, metric: nrr, kpi: prs, weight: 1}")) == [
        "components[0] (N): kpi is only allowed on kpi components, not on an nrr component"
    ]


@pytest.mark.parametrize("metric", ["kpi, kpi: prs", "nrr", "adoption"])
def test_goal_must_be_greater_than_zero(metric):
    errors = errors_of(plan_yaml(f"{{code: C, metric: {metric}, weight: 1, goal: 0}}"))
    assert errors == ["components[0] (C): goal (0) must be greater than 0"]


def test_nrr_goal_must_be_greater_than_floor():
    assert errors_of(plan_yaml("{code: NRR, metric: nrr, weight: 1, goal: 1.0, floor: 1.0}")) == [
        "components[0] (NRR): goal (1.0) must be greater than floor (1.0)"
    ]
    assert errors_of(plan_yaml("{code: NRR, metric: nrr, weight: 1, goal: 0.9}")) == [
        "components[0] (NRR): goal (0.9) must be greater than floor (1.0)"
    ]
    spec = parse_plan(plan_yaml("{code: NRR, metric: nrr, weight: 1, goal: 0.9, floor: 0.8}"))
    assert (spec.components[0].goal, spec.components[0].floor) == (Decimal("0.9"), Decimal("0.8"))


def test_floor_defaults_to_one_on_nrr_only_and_is_refused_elsewhere():
    assert parse_plan(plan_yaml(NRR)).components[0].floor == Decimal("1.0")
    assert errors_of(plan_yaml("{code: A, metric: adoption, weight: 1, floor: 0.5}")) == [
        "components[0] (A): floor is only allowed on nrr components, not on an adoption component"
    ]
    assert errors_of(plan_yaml("{code: K, metric: kpi, kpi: prs, weight: 1, floor: 0.5}")) == [
        "components[0] (K): floor is only allowed on nrr components, not on a kpi component"
    ]


def test_floor_must_not_be_negative():
    assert errors_of(plan_yaml("{code: N, metric: nrr, weight: 1, floor: -0.1}")) == [
        "components[0] (N): floor (-0.1) must be 0 or more"
    ]


def test_threshold_must_not_be_negative():
    assert errors_of(plan_yaml("{code: A, metric: adoption, weight: 1, threshold: -0.5}")) == [
        "components[0] (A): threshold (-0.5) must be 0 or more"
    ]


def test_accelerator_must_not_be_negative():
    assert errors_of(plan_yaml("{code: A, metric: adoption, weight: 1, accelerator: -2}")) == [
        "components[0] (A): accelerator (-2) must be 0 or more"
    ]
    spec = parse_plan(plan_yaml("{code: A, metric: adoption, weight: 1, accelerator: 0}"))
    assert spec.components[0].accelerator == Decimal(0)


def test_cap_must_be_greater_than_zero():
    assert errors_of(plan_yaml("{code: A, metric: adoption, weight: 1, cap: 0}")) == [
        "components[0] (A): cap (0) must be greater than 0"
    ]


def test_cap_must_be_at_least_the_threshold():
    assert errors_of(plan_yaml("{code: A, metric: adoption, weight: 1, threshold: 0.8, cap: 0.5}")) == [
        "components[0] (A): cap (0.5) must be at least threshold (0.8)"
    ]
    spec = parse_plan(plan_yaml("{code: A, metric: adoption, weight: 1, threshold: 0.8, cap: 0.8}"))
    assert spec.components[0].cap == Decimal("0.8")


def test_unknown_component_key_is_refused():
    # `ceiling` became a key of kpi components (lower is better, DESIGN §10.3): a misspelt key stays unknown.
    assert errors_of(plan_yaml("{code: A, metric: adoption, weight: 1, celing: 2}")) == [
        "components[0] (A): unknown key 'celing' (did you mean ceiling?); allowed keys are code, metric, "
        "kpi, source, measure, direction, weight, goal, ceiling, floor, threshold, accelerator, cap"
    ]


def test_at_most_one_adoption_component():
    source = plan_yaml(ADOPTION, "{code: ADOPTION2, metric: adoption, weight: 1}")
    assert errors_of(source) == [
        "components[1] (ADOPTION2): a plan has at most one adoption component; components[0] is one already"
    ]


def test_at_most_one_nrr_component():
    source = plan_yaml(NRR, KPI, "{code: NRR2, metric: nrr, weight: 1}")
    assert errors_of(source) == [
        "components[2] (NRR2): a plan has at most one nrr component; components[0] is one already"
    ]


def test_several_kpi_components_are_allowed():
    spec = parse_plan(plan_yaml(KPI, "{code: CALLS, metric: kpi, kpi: calls, weight: 0.5}"))
    assert [c.code for c in spec.components] == ["KPI", "CALLS"]


def test_numbers_must_fit_the_stored_precision():
    assert errors_of(plan_yaml("{code: A, metric: adoption, weight: 0.1234567}")) == [
        "components[0] (A): weight (0.1234567) has more than 6 decimal places"
    ]
    assert errors_of(plan_yaml("{code: A, metric: adoption, weight: 1000000}")) == [
        "components[0] (A): weight (1000000) is too large: at most 6 digits before the point"
    ]


# --- writing -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_invalid_plan_writes_nothing():
    with pytest.raises(PlanInvalid):
        load_plan(source=plan_yaml("{code: A, metric: adoption, weight: 0}"))
    assert not Plan.objects.exists()
    assert not Component.objects.exists()


@pytest.mark.django_db
def test_plan_invalid_message_lists_every_error():
    with pytest.raises(PlanInvalid) as caught:
        load_plan(source=plan_yaml("{code: A, metric: adoption, weight: 0, cap: 0}"))
    assert str(caught.value) == (
        "The plan is invalid:\n"
        "  - components[0] (A): weight (0) must be greater than 0\n"
        "  - components[0] (A): cap (0) must be greater than 0"
    )


@pytest.mark.django_db
def test_loading_again_upserts_by_code_and_replaces_the_components():
    first = load_plan(source=plan_yaml(ADOPTION, NRR, KPI))
    kept_pk = first.components.get(code="NRR").pk

    second_source = plan_yaml(
        "{code: NRR, metric: nrr, weight: 2, goal: 1.2}",
        "{code: CALLS, metric: kpi, kpi: calls, weight: 1}",
        head=HEAD.replace("Customer Success FY22", "CS FY22 revised"),
    )
    second = load_plan(source=second_source)

    assert second.pk == first.pk
    assert Plan.objects.count() == 1
    second.refresh_from_db()
    assert second.name == "CS FY22 revised"
    assert second.source == second_source
    assert list(second.components.order_by("position").values_list("code", "position", "weight", "goal")) == [
        ("NRR", 0, Decimal(2), Decimal("1.2")),
        ("CALLS", 1, Decimal(1), None),
    ]
    assert second.components.get(code="NRR").pk == kept_pk
    assert Component.objects.count() == 2


@pytest.mark.django_db
def test_reloading_the_same_file_changes_nothing():
    source = WORKED_PLAN.read_text()
    load_plan(source=source)
    before = list(Component.objects.order_by("pk").values())
    load_plan(source=source)
    assert list(Component.objects.order_by("pk").values()) == before
    assert Plan.objects.count() == 1


def close(code: str) -> None:
    """Mark the quarter ``code`` closed, as its close does, without calculating any plan in it."""
    from django.utils import timezone

    from commissions.services.periods import get_period
    from tests.builders import make_user

    period = get_period(code)
    period.status, period.closed_at, period.closed_by = "closed", timezone.now(), make_user("ops")
    period.save()


def calculate_and_close(code: str, plan: Plan) -> None:
    """Close the quarter ``code`` with a final run of ``plan`` in it: the plan was paid by in that quarter."""
    from commissions.models import Run
    from commissions.services.periods import get_period

    Run.objects.create(
        plan=plan, period=get_period(code), version=1, status="succeeded", is_final=True, fingerprint=code
    )
    close(code)


@pytest.mark.django_db
def test_a_plan_is_locked_once_a_quarter_it_was_calculated_in_is_closed():
    plan = load_plan(source=plan_yaml())
    assert plan_is_locked(plan) is False
    close("FY23-Q1")  # another fiscal year
    assert plan_is_locked(plan) is False
    close("FY22-Q1")  # its year, but the plan was never calculated and closed in it
    assert plan_is_locked(plan) is False
    calculate_and_close("FY22-Q2", plan)
    assert plan_is_locked(plan) is True
    assert plans.closed_quarters_of(plan) == ["FY22-Q2"]
    with pytest.raises(PeriodClosed, match="Plan CS-FY22 cannot change"):
        load_plan(source=plan_yaml(NRR))


@pytest.mark.django_db
def test_a_locked_plan_is_refused_naming_its_closed_quarter_and_what_to_do():
    plan = load_plan(source=plan_yaml())
    calculate_and_close("FY22-Q2", plan)
    with pytest.raises(PeriodClosed) as caught:
        load_plan(source=plan_yaml(NRR))
    assert str(caught.value) == (
        "Plan CS-FY22 cannot change: it was calculated and closed in FY22-Q2, which must keep the plan it "
        "was paid by. To change the plan, re-open FY22-Q2 with a reason (manage.py reopen_period FY22-Q2 "
        "--user EMAIL --reason TEXT) and load it again; or load the changed plan under a new code."
    )
    assert list(plan.components.values_list("code", flat=True)) == ["ADOPTION"]


@pytest.mark.django_db
def test_the_refusal_names_every_closed_quarter_of_the_plan_in_order():
    plan = load_plan(source=plan_yaml())
    calculate_and_close("FY22-Q2", plan)
    calculate_and_close("FY22-Q1", plan)
    with pytest.raises(PeriodClosed) as caught:
        load_plan(source=plan_yaml(NRR))
    assert str(caught.value) == (
        "Plan CS-FY22 cannot change: it was calculated and closed in FY22-Q1 and FY22-Q2, which must keep "
        "the plan they were paid by. To change the plan, re-open FY22-Q1 and FY22-Q2, each with a reason "
        "(manage.py reopen_period QUARTER --user EMAIL --reason TEXT), and load it again; or load the "
        "changed plan under a new code."
    )


@pytest.mark.django_db
def test_a_new_plan_in_a_year_with_a_closed_quarter_may_be_corrected():
    # A plan first loaded after its year's first close has no closed quarter of its own: not locked.
    close("FY27-Q1")
    source = plan_yaml(head=HEAD.replace("CS-FY22", "CD-FY27").replace("FY22", "FY27"))
    assert plans.upsert_plan(source=source).status == "created"
    renamed = plans.upsert_plan(source=source.replace("Customer Success FY27", "Customer Success 2027"))
    assert (renamed.status, renamed.plan.name) == ("updated", "Customer Success 2027")


@pytest.mark.django_db
def test_a_plan_may_change_again_once_its_closed_quarter_is_reopened():
    from commissions.services.close import reopen_period
    from commissions.services.periods import get_period
    from tests.builders import make_user

    plan = load_plan(source=plan_yaml())
    calculate_and_close("FY22-Q2", plan)
    reopen_period(period=get_period("FY22-Q2"), user=make_user("ops"), reason="The plan's NRR was left out")
    assert plan_is_locked(plan) is False
    assert plans.upsert_plan(source=plan_yaml(ADOPTION, NRR)).status == "updated"


@pytest.mark.django_db
def test_reloading_an_unchanged_plan_in_a_year_with_a_closed_quarter_is_unchanged():
    source = plan_yaml(ADOPTION, NRR, KPI)
    first = plans.upsert_plan(source=source)
    calculate_and_close("FY22-Q2", first.plan)
    rows_before = list(Component.objects.order_by("pk").values())
    plan_before = list(Plan.objects.values())

    again = plans.upsert_plan(source=source)

    assert (first.status, again.status, again.unchanged) == ("created", "unchanged", True)
    assert again.plan.pk == first.plan.pk
    assert list(Component.objects.order_by("pk").values()) == rows_before
    assert list(Plan.objects.values()) == plan_before
    # the same values written differently (spacing, decimals, a comment) are the same plan
    respelled = plan_yaml(ADOPTION, "{code: NRR, metric: nrr, weight: 1.0, goal: 1.100}", KPI) + "# again\n"
    assert plans.upsert_plan(source=respelled).status == "unchanged"


@pytest.mark.django_db
def test_a_real_change_in_a_year_with_a_closed_quarter_is_still_refused():
    calculate_and_close("FY22-Q2", load_plan(source=plan_yaml(ADOPTION, NRR, KPI)))

    for changed in (
        plan_yaml(ADOPTION, "{code: NRR, metric: nrr, weight: 1, goal: 1.2}", KPI),  # a goal
        plan_yaml(ADOPTION, NRR),  # a component gone
        plan_yaml(NRR, ADOPTION, KPI),  # the order
        plan_yaml(ADOPTION, NRR, KPI, head=HEAD.replace("Customer Success FY22", "CS FY22")),  # the name
    ):
        with pytest.raises(PeriodClosed, match="Plan CS-FY22 cannot change"):
            load_plan(source=changed)
    assert list(Component.objects.order_by("position").values_list("code", "goal")) == [
        ("ADOPTION", None),
        ("NRR", Decimal("1.10")),
        ("KPI", Decimal(10)),
    ]


@pytest.mark.django_db
def test_a_reload_with_a_change_in_an_open_year_is_an_update():
    load_plan(source=plan_yaml(ADOPTION))
    assert plans.upsert_plan(source=plan_yaml(ADOPTION, NRR)).status == "updated"
