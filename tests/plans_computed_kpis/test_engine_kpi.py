"""KPI attainment where lower is better and computed KPI lines in the engine (DESIGN §4.5, §10.3), exact
at every edge, against hand computations."""

from datetime import date
from decimal import Decimal as D

import pytest

from commissions.engine import ComponentSpec, calculate_quarter
from commissions.engine.changes import with_changes
from commissions.engine.kpi import lower_is_better_attainment
from tests.engine.builders import assignment, component, line, plan, quarter, table, warnings_of

# util_below_60: goal 2 customers, ceiling 6 (issue 18's example); E1's OTI 3000.00 for the quarter.
GOAL, CEILING = D(2), D(6)


TEXT_FIELDS = ("kpi", "source", "measure", "direction")


def kpi_component(code: str, **fields) -> ComponentSpec:
    """A kpi component of weight 1; numbers given as int or str become Decimal."""
    fields = {k: v if k in TEXT_FIELDS or v is None else D(str(v)) for k, v in fields.items()}
    return ComponentSpec(code=code, metric="kpi", weight=D(1), **fields)


def lower(**fields) -> ComponentSpec:
    fields = {
        "kpi": "util_below_60",
        "goal": 2,
        "ceiling": 6,
        "direction": "lower",
        "accelerator": 0,
        **fields,
    }
    fields.setdefault("source", "computed")
    fields.setdefault("measure", "quarter_end" if fields["source"] == "computed" else "")
    return kpi_component("LOW", **fields)


def low_line(value, spec=None, **kwargs):
    kpis = {} if value is None else {("E1", "util_below_60"): value}
    result = calculate_quarter(quarter(plan_spec=plan(spec or lower()), kpis=kpis, **kwargs))
    return line(result, "LOW"), result


@pytest.mark.parametrize(
    ("value", "attainment"),
    [
        (D(2), D(1)),  # at the goal
        (D(6), D(0)),  # at the ceiling
        (D(7), D(0)),  # above the ceiling
        (D(3), D("0.75")),  # (6 − 3) / (6 − 2)
        (D(5), D("0.25")),  # (6 − 5) / (6 − 2)
        (D("2.5"), D("0.875")),  # a mean of daily counts: (6 − 2.5) / 4
        (D(1), D(1)),  # below the goal: stops at 1 without an accelerator
        (D(0), D(1)),
    ],
)
def test_lower_is_better_attainment_at_its_edges(value, attainment):
    assert lower_is_better_attainment(value, GOAL, CEILING, accelerated=False) == attainment


def test_lower_is_better_goes_above_1_below_the_goal_only_when_accelerated():
    assert lower_is_better_attainment(D(0), GOAL, CEILING, accelerated=True) == D("1.5")  # 6 / 4
    assert lower_is_better_attainment(D(1), GOAL, CEILING, accelerated=True) == D("1.25")  # 5 / 4
    assert lower_is_better_attainment(D(2), GOAL, CEILING, accelerated=True) == D(1)
    assert lower_is_better_attainment(D(4), GOAL, CEILING, accelerated=True) == D("0.5")


def test_lower_is_better_is_exact():
    # goal 0, ceiling 3, value 1: 2/3 in 28 significant digits, not a float's
    assert lower_is_better_attainment(D(1), D(0), D(3), accelerated=False) == D(2) / D(3)


def test_lower_is_better_refuses_a_ceiling_not_above_the_goal():
    with pytest.raises(ValueError, match=r"the ceiling \(2\) must be above the goal \(2\)"):
        lower_is_better_attainment(D(1), D(2), D(2), accelerated=False)


@pytest.mark.parametrize(
    ("value", "payout"),
    [(3, "2250.00"), (2, "3000.00"), (0, "3000.00"), (6, "0.00"), (9, "0.00"), (5, "750.00")],
)
def test_a_lower_is_better_line_pays_oti_times_attainment(value, payout):
    low, _ = low_line(D(value))
    assert low["metric_value"] == D(value)
    assert low["payout"] == D(payout)


def test_an_accelerated_lower_is_better_line_pays_above_oti_up_to_its_cap():
    low, _ = low_line(D(0), lower(accelerator=1))
    assert (low["attainment"], low["factor"], low["payout"]) == (D("1.5"), D("1.5"), D("4500.00"))
    low, _ = low_line(D(1), lower(accelerator=2, cap="1.3"))
    # attainment 5/4; f = 1 + 2 × 0.25 = 1.5, capped at 1.3
    assert (low["attainment"], low["factor"], low["payout"]) == (D("1.25"), D("1.3"), D("3900.00"))


def test_the_threshold_applies_to_lower_is_better_attainment():
    low, _ = low_line(D(5), lower(threshold="0.3"))  # attainment 0.25 < 0.3
    assert (low["attainment"], low["factor"], low["payout"]) == (D("0.25"), D(0), D("0.00"))


def test_an_assignment_goal_overrides_the_plans_and_must_be_below_the_ceiling():
    low, _ = low_line(D(4), assignments=[assignment(kpi_goal=3)])  # (6 − 4) / (6 − 3)
    assert low["attainment"] == D(2) / D(3)
    assert low["payout"] == D("2000.00")
    low, result = low_line(D(1), assignments=[assignment(kpi_goal=6)])
    assert (low["attainment"], low["payout"]) == (D(0), D("0.00"))
    [warning] = warnings_of(result, "goal_not_below_ceiling")
    assert warning.employee_id == "E1"
    assert warning.message == (
        "E1's util_below_60 goal (6) is not below the ceiling (6) of LOW in FY22-Q2: lower is better needs a "
        "goal below the ceiling; attainment 0. Correct the assignment's KPI goal."
    )


def test_a_goal_of_zero_is_a_lower_is_better_goal():
    low, result = low_line(D(1), lower(goal=0, ceiling=4))  # (4 − 1) / 4
    assert low["attainment"] == D("0.75")
    assert not warnings_of(result, "missing_goal")


def test_a_missing_computed_value_gives_0_with_the_missing_kpi_warning():
    low, result = low_line(None)
    assert (low["applies"], low["attainment"], low["payout"]) == (True, D(0), D("0.00"))
    [warning] = warnings_of(result, "missing_kpi")
    assert warning.message == (
        "E1 has no util_below_60 KPI value for FY22-Q2 (no daily value stored for the quarter's last day); "
        "attainment 0."
    )


def test_the_line_detail_records_how_the_kpi_was_read():
    days = table("kpi_days", [{"employee_id": "E1", "kpi": "util_below_60", "days": 1, "missing": ""}])
    low, _ = low_line(D(3), kpi_days=days)
    assert low["detail"] == {
        "kpi": "util_below_60",
        "goal": D(2),
        "source": "computed",
        "measure": "quarter_end",
        "direction": "lower",
        "ceiling": D(6),
        "days": 1,
        "missing_days": 0,
    }


def test_an_imported_higher_is_better_line_keeps_its_detail():
    result = calculate_quarter(quarter(plan_spec=plan(component("KPI", "kpi", kpi="prs", goal=10))))
    assert line(result, "KPI")["detail"] == {"kpi": "prs", "goal": D(10)}


def test_a_quarter_average_with_missing_days_warns_with_their_count():
    spec = kpi_component("WA", kpi="weekly_active", goal=10, source="computed", measure="quarter_average")
    missing = ",".join(f"2021-07-{d:02d}" for d in range(25, 32))  # 7 days the daily job did not store
    days = table("kpi_days", [{"employee_id": "E1", "kpi": "weekly_active", "days": 85, "missing": missing}])
    kpis = {("E1", "weekly_active"): D("8.5")}
    result = calculate_quarter(quarter(plan_spec=plan(spec), kpis=kpis, kpi_days=days))
    wa = line(result, "WA")
    assert (wa["attainment"], wa["payout"]) == (D("0.85"), D("2550.00"))
    assert (wa["detail"]["days"], wa["detail"]["missing_days"]) == (85, 7)
    [warning] = warnings_of(result, "kpi_days_missing")
    assert warning.message == (
        "E1: weekly_active has no stored value on 7 days of FY22-Q2 (2021-07-25, 2021-07-26, 2021-07-27, "
        "2021-07-28, 2021-07-29, …); the quarter's average of WA is the mean of the 85 days with a value."
    )


def test_a_quarter_average_with_every_day_stored_does_not_warn():
    spec = kpi_component("WA", kpi="weekly_active", goal=10, source="computed", measure="quarter_average")
    days = table("kpi_days", [{"employee_id": "E1", "kpi": "weekly_active", "days": 92, "missing": ""}])
    result = calculate_quarter(
        quarter(plan_spec=plan(spec), kpis={("E1", "weekly_active"): D(10)}, kpi_days=days)
    )
    assert not result.warnings


def test_a_what_if_value_replaces_a_computed_kpi_and_projects_lower_is_better():
    inputs = quarter(plan_spec=plan(lower()), kpis={("E1", "util_below_60"): D(5)})
    assert line(calculate_quarter(inputs), "LOW")["payout"] == D("750.00")
    changed = with_changes(inputs, employee_id="E1", kpis={"util_below_60": D(3)})
    assert line(calculate_quarter(changed), "LOW")["payout"] == D("2250.00")  # 3000 × 3/4


def test_a_plan_without_kpi_fields_keeps_its_components_text():
    """The run fingerprint hashes the plan's text: plans loaded before these fields keep their fingerprint."""
    spec = ComponentSpec(code="KPI", metric="kpi", weight=D(1), kpi="prs", goal=D(10), cap=D("1.0"))
    assert repr(spec) == (
        "ComponentSpec(code='KPI', metric='kpi', weight=Decimal('1'), kpi='prs', goal=Decimal('10'), "
        "floor=None, threshold=Decimal('0'), accelerator=Decimal('1'), cap=Decimal('1.0'))"
    )
    computed = ComponentSpec(
        code="K", metric="kpi", weight=D(1), kpi="x", source="computed", measure="quarter_end"
    )
    assert repr(computed).endswith("cap=None, source='computed', measure='quarter_end')")


def test_the_quarter_is_hand_computed_with_a_lower_and_a_higher_computed_kpi():
    """OTI 3000.00, weights 1:1. weekly_active 8 of goal 10 → 0.8 → 1500 × 0.8 = 1200.00;
    util_below_60 3 with goal 2, ceiling 6 → 0.75 → 1500 × 0.75 = 1125.00; total 2325.00."""
    wa = kpi_component("WA", kpi="weekly_active", goal=10, source="computed", measure="quarter_end")
    kpis = {("E1", "weekly_active"): D(8), ("E1", "util_below_60"): D(3)}
    result = calculate_quarter(quarter(plan_spec=plan(wa, lower()), kpis=kpis))
    assert line(result, "WA")["payout"] == D("1200.00")
    assert line(result, "LOW")["payout"] == D("1125.00")
    assert result.payouts.iloc[0]["total"] == D("2325.00")
    assert date(2021, 7, 31) == quarter().end


def test_the_worked_examples_fingerprint_is_the_one_its_runs_were_made_with():
    """Closed quarters are restated only when their inputs' fingerprint is unchanged (services.restatements):
    the KPI fields leave the fingerprint of a plan that does not use them as it was before they existed."""
    from commissions.loaders import fingerprint
    from tests.engine.builders import worked_example

    assert fingerprint(worked_example()) == "026fb2ab646b0847ba7d074566352f10292e3fb9c4a3d91b90442f7943dd3b72"
