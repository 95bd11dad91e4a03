"""``load_plan`` says what it did (DESIGN §6): "Created plan …" for a new plan, "Changed plan …" for a
change — naming the open quarters whose runs, made before the change, read the old plan, to calculate
again — and "Plan … unchanged" as before. A change the engine does not read (the name, the §7 options)
leaves every run current, and says nothing of runs; one it reads leaves them out of date, as ``plan_state``
(the one definition calculate, close and the console share) finds."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Role, User
from commissions.models import Assignment, Plan, Run
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate, plan_state
from tests.builders import make_user
from tests.quarter.conftest import load_worked_example

from .admin_forms import plan_form
from .test_load_plan import WORKED_PLAN, close

DESCRIBED = "CS-FY22 (FY22, USD): 3 components ADOPTION 1, NRR 1, KPI 1; deals credited by their booking date"


def load(tmp_path, source: str) -> str:
    path = tmp_path / "plan.yaml"
    path.write_text(source)
    out = StringIO()
    call_command("load_plan", str(path), stdout=out)
    return out.getvalue().rstrip("\n")


def run_of(code: str, quarter: str, status: str = "succeeded") -> Run:
    plan, period = Plan.objects.get(code=code), get_period(quarter)
    version = Run.objects.filter(plan=plan, period=period).count() + 1
    return Run.objects.create(plan=plan, period=period, version=version, status=status, fingerprint="x")


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, email="cco@example.com")


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, email="ops@example.com")


@pytest.fixture
def calculated_q2(db, cco, ops):
    """The worked example with FY22-Q2 pulled and calculated (v1), still open."""
    load_worked_example(cco)
    period = get_period("FY22-Q2")
    pull_scores(period=period, user=ops)
    calculate(period=period, plan=Plan.objects.get(code="CS-FY22"), user=ops)
    return period


@pytest.mark.django_db
def test_a_new_plan_is_created(tmp_path):
    assert load(tmp_path, WORKED_PLAN.read_text()) == f"Created plan {DESCRIBED}"


@pytest.mark.django_db
def test_a_change_without_runs_is_changed_and_says_nothing_of_runs(tmp_path):
    load(tmp_path, WORKED_PLAN.read_text())

    said = load(tmp_path, WORKED_PLAN.read_text().replace("goal: 1.10", "goal: 1.20"))

    assert said == f"Changed plan {DESCRIBED}. Changes: NRR goal 1.10 → 1.20"


@pytest.mark.django_db
def test_a_change_the_engine_reads_names_the_open_quarter_to_calculate_again(calculated_q2, ops, tmp_path):
    plan = Plan.objects.get(code="CS-FY22")
    assert plan_state(period=calculated_q2, plan=plan).up_to_date

    said = load(tmp_path, WORKED_PLAN.read_text().replace("goal: 1.10", "goal: 1.20"))

    assert said == (
        f"Changed plan {DESCRIBED}. Changes: NRR goal 1.10 → 1.20: "
        "runs of its open quarters made before this change read the old plan: "
        "calculate FY22-Q2 again (manage.py calculate FY22-Q2 --plan CS-FY22)"
    )
    # What it says is what calculate finds: v1 read the old plan, and a new run is made.
    state = plan_state(period=calculated_q2, plan=plan)
    assert not state.up_to_date and state.summary == "CS-FY22: inputs changed since v1; needs a new run"
    assert calculate(period=calculated_q2, plan=plan, user=ops).run.version == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        ("name: Customer Success FY22", "name: Customer Success, FY22"),
        ("new_customer_window_days: 90", "new_customer_window_days: 90\nclawback_days: 90"),
        ("new_customer_window_days: 90", "new_customer_window_days: 90\nnegative_balance: pay_negative"),
    ],
)
def test_a_change_the_engine_does_not_read_leaves_the_runs_current_and_says_so_by_naming_none(
    calculated_q2, ops, tmp_path, change
):
    plan = Plan.objects.get(code="CS-FY22")

    said = load(tmp_path, WORKED_PLAN.read_text().replace(*change))

    assert said.startswith("Changed plan CS-FY22") and "calculate" not in said
    assert plan_state(period=calculated_q2, plan=plan).up_to_date
    assert calculate(period=calculated_q2, plan=plan, user=ops).created is False


@pytest.mark.django_db
def test_every_open_quarter_with_a_run_is_named_and_failed_runs_and_closed_quarters_are_not(tmp_path):
    load(tmp_path, WORKED_PLAN.read_text())
    close("FY22-Q1")  # closed by another plan's run: CS-FY22 has none there, so it may still change
    for quarter in ("FY22-Q3", "FY22-Q2", "FY22-Q3"):
        run_of("CS-FY22", quarter)
    run_of("CS-FY22", "FY22-Q4", status="failed")

    said = load(tmp_path, WORKED_PLAN.read_text().replace("cap: 1.0}", "cap: 1.2}"))

    assert said.endswith(
        "read the old plan: calculate FY22-Q2 and FY22-Q3 again (manage.py calculate QUARTER --plan CS-FY22)"
    )
    assert "FY22-Q4" not in said and "FY22-Q1" not in said


@pytest.mark.django_db
def test_a_change_of_credit_dates_names_the_runs_of_plans_sharing_a_person(cco, tmp_path):
    # E1 leaves CS-FY22 on 2021-07-31 for T-MOVE, which has a run of FY22-Q3: a deal dated across the move
    # is credited by the date CS-FY22 names (DESIGN §3 "Plans"), so T-MOVE's run read CS-FY22's rules.
    load_worked_example(cco)
    load(
        tmp_path,
        "code: T-MOVE\nname: T move\nfiscal_year: FY22\ncurrency: USD\n"
        "components:\n  - {code: NRR, metric: nrr, weight: 1, goal: 1.10}\n",
    )
    e1 = User.objects.get(employee_id="E1")
    Assignment.objects.filter(employee=e1, plan__code="CS-FY22").update(end_date=date(2021, 7, 31))
    Assignment.objects.create(
        employee=e1,
        plan=Plan.objects.get(code="T-MOVE"),
        start_date=date(2021, 8, 1),
        on_target_amount="1000",
    )
    run_of("T-MOVE", "FY22-Q3")

    goal_only = load(tmp_path, WORKED_PLAN.read_text().replace("goal: 1.10", "goal: 1.20"))
    rules = load(tmp_path, WORKED_PLAN.read_text() + "credit_date_by_type: {expansion: effective}\n")

    assert "T-MOVE" not in goal_only
    assert rules.endswith(
        ". Runs of T-MOVE in FY22-Q3 may read the old credit dates of CS-FY22 (for a deal dated across a "
        "change of plan): calculate them again too (manage.py calculate FY22-Q3 --plan T-MOVE); a run whose "
        "inputs did not change is kept"
    )


@pytest.mark.django_db
def test_a_file_that_says_what_is_loaded_is_still_unchanged(calculated_q2, tmp_path):
    assert load(tmp_path, WORKED_PLAN.read_text()) == (
        f"Plan CS-FY22 unchanged: plan.yaml says what is loaded already; nothing was written ({DESCRIBED})"
    )


# --- the same notice after a change in the admin ---------------------------------------------------------


def _warnings(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "warning"]


@pytest.mark.django_db
def test_a_change_in_the_admin_names_the_open_quarter_to_calculate_again(calculated_q2, admin_client):
    plan = Plan.objects.get(code="CS-FY22")
    nrr = plan.components.get(code="NRR")

    response = admin_client.post(
        f"/admin/commissions/plan/{plan.pk}/change/",
        plan_form(plan, **{"components-1-goal": "1.20"}),
        follow=True,
    )

    nrr.refresh_from_db()
    assert nrr.goal == Decimal("1.20"), response.content.decode()[-3000:]
    assert _warnings(response) == [
        "Plan CS-FY22 changed: runs of its open quarters made before this change read the old plan: "
        "calculate FY22-Q2 again (manage.py calculate FY22-Q2 --plan CS-FY22)."
    ]
    assert not plan_state(period=calculated_q2, plan=plan).up_to_date


@pytest.mark.django_db
def test_a_change_in_the_admin_the_engine_does_not_read_says_nothing_of_runs(calculated_q2, admin_client):
    plan = Plan.objects.get(code="CS-FY22")

    response = admin_client.post(
        f"/admin/commissions/plan/{plan.pk}/change/", plan_form(plan, name="Renamed"), follow=True
    )

    assert Plan.objects.get(pk=plan.pk).name == "Renamed"
    assert _warnings(response) == []
    assert plan_state(period=calculated_q2, plan=plan).up_to_date


@pytest.mark.django_db
def test_a_component_changed_in_the_admin_names_the_open_quarter_to_calculate_again(
    calculated_q2, admin_client
):
    plan = Plan.objects.get(code="CS-FY22")
    kpi = plan.components.get(code="KPI")
    data = {name: getattr(kpi, name) for name in ("position", "code", "metric", "kpi", "source", "measure")}
    data |= {name: getattr(kpi, name) for name in ("direction", "weight", "goal", "threshold", "accelerator")}
    data |= {"plan": plan.pk, "cap": "1.5", "ceiling": "", "floor": ""}
    data = {key: "" if value is None else value for key, value in data.items()}

    response = admin_client.post(f"/admin/commissions/component/{kpi.pk}/change/", data, follow=True)

    kpi.refresh_from_db()
    assert kpi.cap == Decimal("1.5"), response.content.decode()[-3000:]
    assert _warnings(response) == [
        "Plan CS-FY22 changed: runs of its open quarters made before this change read the old plan: "
        "calculate FY22-Q2 again (manage.py calculate FY22-Q2 --plan CS-FY22)."
    ]
