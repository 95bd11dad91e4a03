"""The admin shows runs, their warnings and results, and the difference between two runs."""

import pytest
from django.urls import reverse

from commissions.models import KpiActual, Period, Plan, QuarterEndJob, Run
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from tests.builders import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_runs(worked):
    period = get_period("FY22-Q2")
    pull_scores(period=period)
    plan = Plan.objects.get(code="CS-FY22")
    first = calculate(period=period, plan=plan).run
    KpiActual.objects.all().delete()
    second = calculate(period=period, plan=plan).run
    return first, second


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("admin", is_staff=True, is_superuser=True))
    return client


def test_run_page_shows_warnings_results_and_difference_from_previous(two_runs, admin_client):
    _, second = two_runs
    page = admin_client.get(reverse("admin:commissions_run_change", args=[second.pk])).content.decode()
    assert "E1 has no prs KPI value for FY22-Q2" in page
    assert "against v1" in page and "2333.33" in page and "1333.33" in page and "-1000.00" in page


def test_every_quarter_admin_list_loads(two_runs, admin_client):
    models = ("period", "scorepull", "run", "customerresult", "componentresult", "payout", "quarterendjob")
    for model in models:
        assert admin_client.get(reverse(f"admin:commissions_{model}_changelist")).status_code == 200


def test_compare_action_shows_changed_component_lines(two_runs, admin_client):
    response = admin_client.post(
        reverse("admin:commissions_run_changelist"),
        {"action": "compare_runs", "_selected_action": [r.pk for r in two_runs]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "KPI" in page and "1000.00" in page and "0.00" in page


def test_runs_cannot_be_edited_in_the_admin(two_runs, admin_client):
    first, _ = two_runs
    url = reverse("admin:commissions_run_change", args=[first.pk])
    admin_client.post(url, {"status": "failed"})
    assert Run.objects.get(pk=first.pk).status == Run.Status.SUCCEEDED


def test_admin_runs_the_quarter_end_job_for_any_quarter(worked, admin_client):
    period = get_period("FY22-Q2")
    response = admin_client.post(
        reverse("admin:commissions_period_changelist"),
        {"action": "run_quarter_end_job", "_selected_action": [period.pk]},
        follow=True,
    )
    assert "Quarter-end job of FY22-Q2: queued." in response.content.decode()
    assert QuarterEndJob.objects.filter(period=period).exists()
    assert Period.objects.get(pk=period.pk).code == "FY22-Q2"
