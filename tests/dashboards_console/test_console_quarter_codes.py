"""The console starts no quarter that no plan covers, acts only on stored quarters, and names the run
version that Calculate makes (DESIGN §2, §5)."""

import pytest

from commissions.models import Period, Plan, Run, ScorePull
from commissions.services.pulls import pull_scores

from .conftest import PERIOD, page_messages


def post(client, name: str, capture, period: str):
    with capture(execute=True):
        return client.post(f"/console/{name}/", {"period": period}, follow=True)


@pytest.mark.django_db
def test_pull_of_a_quarter_no_plan_covers_is_refused_and_creates_nothing(
    as_user, ops, worked, django_capture_on_commit_callbacks
):
    response = post(as_user(ops), "pull", django_capture_on_commit_callbacks, "FY90-Q1")
    assert "No plan covers FY90-Q1 (plans exist for FY22)." in page_messages(response)
    assert not Period.objects.filter(code="FY90-Q1").exists() and not ScorePull.objects.exists()
    assert "FY90-Q1" not in response.context["codes"]  # nor in the quarter dropdown


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["calculate", "close"])
def test_calculate_and_close_never_create_the_quarter_they_name(
    as_user, ops, worked, django_capture_on_commit_callbacks, action
):
    response = post(as_user(ops), action, django_capture_on_commit_callbacks, "FY22-Q3")
    assert any("There is no quarter FY22-Q3 yet" in m for m in page_messages(response))
    assert not Period.objects.filter(code="FY22-Q3").exists()


@pytest.mark.django_db(transaction=True)
def test_calculate_names_the_version_it_makes(as_user, ops, worked, inline_tasks):
    # transaction=True: on_commit runs the (inline) task at once, as an eager worker does on a page.
    pull_scores(period=worked)
    client = as_user(ops)
    response = client.post("/console/calculate/", {"period": PERIOD}, follow=True)
    assert "CS-FY22: v1 queued." in page_messages(response)
    assert list(Run.objects.values_list("version", flat=True)) == [1]
    # A failed run counts: the next run is v3, and the page says so.
    Run.objects.filter(version=1).update(fingerprint="before")
    Run.objects.create(plan=Plan.objects.get(), period=worked, version=2, status=Run.Status.FAILED)
    response = client.post("/console/calculate/", {"period": PERIOD}, follow=True)
    assert "CS-FY22: v3 queued." in page_messages(response)
    assert sorted(Run.objects.values_list("version", flat=True)) == [1, 2, 3]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/console/", "/console/sign-off/", "/console/export/"])
def test_a_code_that_is_no_quarter_is_the_friendly_404_never_another_quarter(as_user, ops, worked, url):
    """Like every other page: the sentence names the bad code; no quarter's console (or Close) stands in."""
    response = as_user(ops).get(url, {"period": "bogus"})
    assert response.status_code == 404
    body = response.content.decode()
    assert "“bogus” is not a quarter: write it like FY27-Q1." in body and "Close" not in body
