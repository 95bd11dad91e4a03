"""The statement page explains every number of the worked example (DESIGN §4)."""

import pytest

from accounts.models import Role
from commissions.models import Run
from tests.builders import make_user

pytestmark = pytest.mark.django_db


def test_statement_derives_every_line_of_the_worked_example(client, worked, worked_run):
    client.force_login(worked)
    response = client.get(f"/my/statements/{worked_run.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "75.0%",  # r of C1 (docs/design.md §6 "Formats": a ratio as a percentage with one decimal)
        "no target; score improved",  # C2
        "held harmless",  # C3
        "150,000.00",  # NRR start ARR
        "D1",  # the credited deal
        "12 of 10",  # KPI value and goal
        "833.33",
        "500.00",
        "1,000.00",
        "2,333.33",
        "833.333333 USD → rounded 833.33 USD",  # every amount with its currency
    ):
        assert text in page, text
    assert "<details" in page
    # The CSM compares only with statements published to them (DESIGN §5): none before this one.
    assert "No earlier statement of CS-FY22 for FY22-Q2 was published to you." in page


def test_statement_compares_with_the_previous_run(client, worked, ops):
    from commissions.models import KpiActual, Plan
    from commissions.services.periods import get_period
    from commissions.services.pulls import pull_scores
    from commissions.services.runs import calculate

    period = get_period("FY22-Q2")
    pull_scores(period=period, user=ops)
    plan = Plan.objects.get()
    calculate(period=period, plan=plan, user=ops)
    KpiActual.objects.filter(employee=worked).update(value=5)
    second = calculate(period=period, plan=plan, user=ops).run
    # The comparison reads an earlier run: someone who sees the open quarter's runs (its Geo VP) opens it.
    client.force_login(make_user(Role.CSVP, geo="AMER"))
    page = client.get(f"/my/E1/statements/{second.pk}/").content.decode()
    assert "Against the previous successful run" in page
    assert "1,000.00" in page and "500.00" in page  # KPI line before → after
    assert "-500.00" in page


def test_statement_downloads_csv_with_header(client, worked, worked_run):
    client.force_login(worked)
    response = client.get(f"/my/statements/{worked_run.pk}/?download=customers&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "Customer,Name,Baseline,Target,Score,r,Counted,Why,Weight (ARR)"
    assert any(line.startswith("C1,") and "0.7500" in line for line in lines)


def test_statement_of_an_unknown_run_is_404(client, worked, worked_run):
    client.force_login(worked)
    assert client.get(f"/my/statements/{Run.objects.count() + 99}/").status_code == 404
