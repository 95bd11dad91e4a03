"""The FAQ is answered from the plan (docs/handbook.md "FAQ"): change the plan's option and the answer
changes — a 60-day window says 60 days and names the dates the engine holds harmless; a cap changes the
over-achievement answer; a plan without adoption says its window and requests change nothing."""

from dataclasses import replace
from datetime import date, timedelta

from commissions.engine import calculate_quarter
from dashboards.handbook.faq import Contacts, faq
from dashboards.handbook.rules import component_rules, credit_date_rules
from dashboards.handbook.timeline import QuarterDates, Timeline
from tests.engine.builders import adoption_only, component, customer, plan, quarter, thirds_plan

Q2_END = date(2021, 7, 31)
CONTACTS = Contacts(commission="payroll-questions@example.com", adoption="Adoption desk")


def _timeline(**overrides) -> Timeline:
    starts = [date(2021, 2, 1), date(2021, 5, 1), date(2021, 8, 1), date(2021, 11, 1), date(2022, 2, 1)]
    quarters = tuple(
        QuarterDates(
            f"FY22-Q{n + 1}",
            starts[n],
            starts[n + 1] - timedelta(days=1),
            starts[n + 1],
            None,
            None,
            False,
            None,
        )
        for n in range(4)
    )
    fields = {
        "fiscal_year": "FY22",
        "snapshot_status": "approved",
        "approved_at": date(2021, 3, 2),
        "approved_by": "Cora CCO",
        "score_source": "import",
        "quarters": quarters,
        "year_end_first": date(2022, 2, 1),
        "year_end_last": date(2022, 4, 2),
        "year_end_days": 60,
    }
    fields.update(overrides)
    return Timeline(**fields)


def answers(spec, timeline=None) -> dict[str, str]:
    items = faq(
        spec,
        quarter=("FY22-Q2", Q2_END),
        components=component_rules(spec),
        credit=credit_date_rules(spec),
        timeline=timeline or _timeline(),
        contacts=CONTACTS,
    )
    return {item.slug: " ".join(item.answer) for item in items}


def test_a_60_day_window_says_60_days_and_the_dates_the_engine_holds_harmless():
    spec = replace(thirds_plan(), new_customer_window_days=60)

    answer = answers(spec)["new-customer"]

    # end − 60 < start ≤ end: from 2021-06-02 to 2021-07-31.
    assert "The plan's new-customer window is 60 days" in answer
    assert "from 2021-06-02 to 2021-07-31, both included" in answer
    assert "90 days" not in answer
    assert "The plan's new-customer window is 90 days" in answers(thirds_plan())["new-customer"]
    # The engine agrees at both edges: started on 2021-06-02, a customer below its target is held
    # harmless; started the day before, it counts.
    inputs = quarter(
        plan_spec=replace(adoption_only(), new_customer_window_days=60),
        customers=[
            customer("NEW", start_date=date(2021, 6, 2)),
            customer("OLD", start_date=date(2021, 6, 1)),
        ],
    )
    rows = calculate_quarter(inputs).customers.set_index("customer_id")
    assert not rows.at["NEW", "counted"] and rows.at["NEW", "reason"].startswith("held harmless")
    assert rows.at["OLD", "counted"]


def test_a_cap_changes_the_over_achievement_answer():
    uncapped = answers(thirds_plan())["over-achievement"]
    assert uncapped.startswith("Yes, on NRR (no cap).")

    capped = thirds_plan(
        components=(
            component("ADOPTION", "adoption", cap="1.0"),
            component("NRR", "nrr", goal="1.10", floor="1.0", cap="1.2"),
            component("KPI", "kpi", kpi="prs", goal=10, cap="1.0"),
        )
    )
    assert answers(capped)["over-achievement"].startswith("Yes, on NRR (up to 120.0% of its share).")

    none = thirds_plan(
        components=(
            component("ADOPTION", "adoption", cap="1.0"),
            component("NRR", "nrr", goal="1.10", cap="1.0"),
        )
    )
    assert answers(none)["over-achievement"].startswith("No: every component of this plan stops at 100%")


def test_no_target_and_requests_follow_whether_the_plan_has_adoption():
    with_adoption = answers(thirds_plan())
    assert "counts with r = 100%" in with_adoption["no-target"]
    assert (
        "the CCO approves or rejects it, then finance; operations applies it" in with_adoption["exceptions"]
    )
    assert "from 2022-02-01 to 2022-04-02" in with_adoption["exceptions"]

    nrr_only = plan(component("NRR", "nrr", goal="1.10"))
    without = answers(nrr_only)
    assert "this plan has none" in without["no-target"]
    assert without["exceptions"].startswith("Exceptions and extra credit change adoption only")
    assert "changes nothing you are paid" in without["new-customer"]


def test_the_score_pull_answer_names_each_pull_date_and_the_frozen_targets():
    answer = answers(thirds_plan())["score-pull"]
    assert (
        "FY22-Q1 on 2021-05-01; FY22-Q2 on 2021-08-01; FY22-Q3 on 2021-11-01; FY22-Q4 on 2022-02-01" in answer
    )
    assert "approved on 2021-03-02 and will not change for the rest of the year" in answer
    draft = answers(thirds_plan(), _timeline(snapshot_status="draft", approved_at=None))["score-pull"]
    assert "not approved yet" in draft


def test_credit_dates_and_contacts_are_answered():
    got = answers(thirds_plan())
    assert "Renewal: counts in the quarter of its booking date (the plan's default)." in got["deals"]
    assert "payroll-questions@example.com" in got["contacts"] and "Adoption desk" in got["contacts"]


def test_a_deal_dated_around_a_change_of_plan_is_answered_with_the_years_of_the_plan():
    # DESIGN §3 "Plans" (commissions.engine.crossing): the plan a person was on at the deal's earlier date
    # decides its date, across a fiscal-year boundary or a move to or from the plan within the year.
    deals = answers(thirds_plan())["deals"]
    assert "the plan you were on at the earlier date decides" in deals
    assert "One dated in FY21 and FY22 counts as your FY21 plan credits its type" in deals
    assert (
        "Within FY22, one whose earlier date is before you moved to this plan counts as the plan you left "
        "credits it, and one whose earlier date is after you moved from this plan counts as the plan you "
        "joined credits it (when you were on one); between two plans, the plan you were on last "
        "decides." in deals
    )
    assert "One dated in FY22 and FY23 counts as this plan credits it, whatever your FY23 plan says" in deals
    assert (
        "In the quarter you move in, each plan pays its share of the quarter (by your days on it), and each "
        "counts the deals it dates in that quarter toward that share." in deals
    )
    next_year = answers(thirds_plan(), _timeline(fiscal_year="FY23"))["deals"]
    assert "One dated in FY22 and FY23 counts as your FY22 plan credits its type" in next_year
