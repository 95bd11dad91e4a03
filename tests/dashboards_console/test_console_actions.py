"""The quarter close through the console: pull → calculate → review → close → export (DESIGN §5, §6)."""

from decimal import Decimal

import pytest

from commissions.models import Plan, Run, ScorePull
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate, payout_changes
from dashboards.console import selectors
from tests.builders import sign_off

from .conftest import URL, page_messages, post

pytestmark = pytest.mark.django_db

SUMMARY = (
    "period,employee_id,email,plan,currency,amount,type,restates\n"
    "FY22-Q2,E1,e1@example.com,CS-FY22,USD,2333.33,commission,\n"
)


def test_pull_through_the_page_creates_a_score_pull(as_user, ops, worked, django_capture_on_commit_callbacks):
    response = post(as_user(ops), "pull", django_capture_on_commit_callbacks)

    pull = ScorePull.objects.get()
    assert (pull.period.code, pull.started_by, pull.trigger, pull.customers) == ("FY22-Q2", ops, "console", 3)
    assert "Pulled the scores of 3 customers for FY22-Q2." in page_messages(response)
    assert "Latest pull #" in response.content.decode()


def test_calculate_through_the_page_creates_a_run(
    as_user, ops, worked, inline_tasks, django_capture_on_commit_callbacks
):
    pull_scores(period=worked)

    response = post(as_user(ops), "calculate", django_capture_on_commit_callbacks)

    run = Run.objects.get()
    assert (run.plan.code, run.version, run.status, run.progress) == ("CS-FY22", 1, "succeeded", 100)
    assert (run.started_by, run.trigger) == (ops, "console")
    assert "CS-FY22: v1 queued." in page_messages(response)
    html = as_user(ops).get(URL).content.decode()
    assert f'<progress id="progress-{run.pk}" value="100" max="100"' in html


def test_calculate_again_with_unchanged_inputs_makes_no_second_run(
    as_user, ops, worked, inline_tasks, django_capture_on_commit_callbacks
):
    pull_scores(period=worked)
    client = as_user(ops)

    post(client, "calculate", django_capture_on_commit_callbacks)
    response = post(client, "calculate", django_capture_on_commit_callbacks)

    assert Run.objects.count() == 1
    # The page says what happened, and does not wait for a run that was never queued.
    assert "CS-FY22: no new run: inputs unchanged since v1." in page_messages(response)
    assert 'id="waiting"' not in response.content.decode()


def test_calculate_without_a_pull_is_refused_with_a_message(
    as_user, ops, worked, inline_tasks, django_capture_on_commit_callbacks
):
    response = post(as_user(ops), "calculate", django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert not Run.objects.exists()
    assert any("No score pull for FY22-Q2" in m for m in page_messages(response))


def test_close_without_a_run_shows_the_refusal(as_user, ops, worked, django_capture_on_commit_callbacks):
    response = post(as_user(ops), "close", django_capture_on_commit_callbacks, confirm="1")

    assert response.status_code == 200
    assert any("no successful run of CS-FY22" in m for m in page_messages(response))
    worked.refresh_from_db()
    assert not worked.is_closed


def test_an_unknown_quarter_is_a_message_not_an_error(as_user, ops, django_capture_on_commit_callbacks):
    response = post(as_user(ops), "pull", django_capture_on_commit_callbacks, period="FY22-Q9")

    assert response.status_code == 200
    assert page_messages(response)


def test_export_before_close_is_refused_with_a_message(as_user, ops, worked):
    response = as_user(ops).get("/console/export/?period=FY22-Q2", follow=True)

    assert any("is not closed" in m for m in page_messages(response))


def test_close_then_export_gives_the_payroll_csv_of_the_worked_example(
    as_user, ops, finance, worked, inline_tasks, django_capture_on_commit_callbacks
):
    client = as_user(ops)
    post(client, "pull", django_capture_on_commit_callbacks)
    post(client, "calculate", django_capture_on_commit_callbacks)

    response = post(client, "close", django_capture_on_commit_callbacks, confirm="1")

    assert any(m.startswith("Closed FY22-Q2; final runs: CS-FY22 v1.") for m in page_messages(response))
    html = response.content.decode()
    # The payroll export waits for finance's sign-off (DESIGN §5): no links yet, and the page says why.
    assert 'id="export-summary"' not in html and "pull-scores" not in html
    assert "Payouts not signed off by finance yet" in html
    worked.refresh_from_db()
    sign_off(worked, by=finance)
    html = client.get(URL).content.decode()
    assert 'id="export-summary"' in html and "Payouts signed off by" in html
    summary = client.get("/console/export/?period=FY22-Q2")
    assert summary["Content-Type"].startswith("text/csv")
    assert 'filename="payouts-FY22-Q2.csv"' in summary["Content-Disposition"]
    assert summary.content.decode() == SUMMARY
    detail = client.get("/console/export/?period=FY22-Q2&detail=1").content.decode().splitlines()
    assert (
        detail[0]
        == "period,employee_id,plan,component,metric_value,attainment,factor,weight,payout,type,restates,"
        "weight_share"
    )
    assert [line.split(",")[8] for line in detail[1:]] == ["833.33", "500.00", "1000.00"]
    # weight: the plan's weight of the component; weight_share: the share it carries (docs/design.md §6).
    assert [(line.split(",")[7], line.split(",")[11]) for line in detail[1:]] == [("1", "0.3333")] * 3


def test_progress_json(as_user, cco, worked):
    pull_scores(period=worked)
    run = calculate(period=worked, plan=Plan.objects.get(code="CS-FY22")).run

    response = as_user(cco).get(f"/console/runs/{run.pk}/progress/")

    assert response.status_code == 200
    assert response.json() == {
        "status": "succeeded",
        "progress": 100,
        "version": 1,
        "warnings": len(run.warnings),
    }
    assert as_user(cco).get("/console/runs/999999/progress/").status_code == 404


def test_review_shows_payout_changes_as_the_runs_service_computes_them(as_user, ops, worked):
    plan = Plan.objects.get(code="CS-FY22")
    pull_scores(period=worked)
    first = calculate(period=worked, plan=plan).run
    Run.objects.filter(pk=first.pk).update(fingerprint="earlier inputs")
    first.payouts.update(amount=Decimal("2000.00"))
    second = calculate(period=worked, plan=plan).run

    data = selectors.console(worked)
    response = as_user(ops).get(URL)

    assert [r.run.pk for r in data.reviews] == [second.pk]
    assert data.reviews[0].changes == payout_changes(first, second)
    assert data.reviews[0].changed == [("E1", Decimal("2000.00"), Decimal("2333.33"))]
    assert "1 of 1 CSMs" in response.content.decode()
    # A change is signed, as on the sign-off page (docs/design.md §6 "Formats").
    assert '<td class="change" data-sort="333.33">+333.33 USD</td>' in response.content.decode()
    # The person's name beside the id, on the page and in the download.
    assert data.reviews[0].names == {"E1": "Erin One"}
    download = as_user(ops).get(URL + f"&download=changes-{second.pk}&format=csv").content.decode()
    assert download.splitlines()[1].startswith("E1,Erin One,2000.00,2333.33")


def test_runs_table_downloads_as_csv(as_user, ops, worked):
    pull_scores(period=worked)
    calculate(period=worked, plan=Plan.objects.get(code="CS-FY22"))

    response = as_user(ops).get(URL + "&download=runs&format=csv")

    lines = response.content.decode().splitlines()
    assert lines[0].startswith("Plan,Version,Status,Progress")
    assert lines[1].startswith("CS-FY22,1,succeeded,100,")
