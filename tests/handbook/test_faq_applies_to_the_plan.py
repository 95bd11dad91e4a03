"""A question about adoption scores is answered for what the plan is (docs/handbook.md "FAQ"): a plan
without an adoption component (NRR and KPIs only) says it does not use adoption scores instead of
explaining a score pull and targets that change nothing it pays; its quarters' calculation dates stay."""

from tests.engine.builders import component, plan, thirds_plan

from .test_faq import _timeline, answers

PULLS = "FY22-Q1 on 2021-05-01; FY22-Q2 on 2021-08-01; FY22-Q3 on 2021-11-01; FY22-Q4 on 2022-02-01"


def test_a_plan_without_adoption_says_it_does_not_use_adoption_scores():
    nrr_and_kpi = plan(component("NRR", "nrr", goal="1.10"), component("KPI", "kpi", kpi="prs", goal=10))

    answer = answers(nrr_and_kpi)["score-pull"]

    assert answer.startswith("This plan does not use adoption scores")
    assert f"calculated on each quarter's pull date, the first day of the month after it ends: {PULLS}." in (
        answer
    )
    # Nothing of a score pull or the snapshot's targets, whether approved or not.
    assert "latest score" not in answer and "approved on" not in answer
    draft = answers(nrr_and_kpi, _timeline(snapshot_status="draft", approved_at=None))["score-pull"]
    assert "not approved yet" not in draft


def test_a_plan_with_adoption_still_explains_the_pull():
    answer = answers(thirds_plan())["score-pull"]

    assert answer.startswith(
        f"On each quarter's pull date, the first day of the month after it ends: {PULLS}."
    )
    assert "does not use adoption scores" not in answer
