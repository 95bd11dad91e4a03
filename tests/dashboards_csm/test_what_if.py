"""The what-if estimator: the engine's projection with the CSM's changes; nothing is saved."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _rows(response) -> dict[str, dict]:
    return {row["component"]: row for row in response.context["table"].rows}


@pytest.fixture
def open_quarter(worked, ops):
    """The worked example, pulled and calculated but open; the page opened once (period row exists)."""
    from commissions.models import Plan
    from commissions.services.periods import get_period
    from commissions.services.pulls import pull_scores
    from commissions.services.runs import calculate

    period = get_period("FY22-Q2")
    pull_scores(period=period, user=ops)
    calculate(period=period, plan=Plan.objects.get(), user=ops)
    return worked


def test_kpi_what_if_changes_the_payout_and_writes_nothing(client, open_quarter):
    client.force_login(open_quarter)
    client.get("/my/?period=FY22-Q2")
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/my/what-if/", {"period": "FY22-Q2", "kpi": "prs", "kpi_value": "5"})
    assert response.status_code == 200
    rows = _rows(response)
    assert rows["KPI"]["payout_before"] == Decimal("1000.00")
    assert rows["KPI"]["payout_after"] == Decimal("500.00")
    assert rows["Total"]["payout_after"] == Decimal("1833.33")
    writes = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert "Nothing was saved" in response.content.decode()


def test_score_and_deal_what_if_raise_adoption_and_nrr(client, open_quarter):
    client.force_login(open_quarter)
    response = client.post(
        "/my/what-if/",
        {
            "period": "FY22-Q2",
            "score_customer": "C1",
            "score": "60",
            "deal_customer": "C1",
            "deal_type": "expansion",
            "deal_amount": "7500",
            "deal_currency": "usd",
            "deal_date": date(2021, 7, 1).isoformat(),
        },
    )
    assert response.status_code == 200
    rows = _rows(response)
    assert rows["ADOPTION"]["payout_after"] == Decimal("1000.00")  # C1 r 1, C2 r 1
    assert rows["NRR"]["payout_after"] == Decimal("1000.00")  # NRR 1.10
    from commissions.models import Deal

    assert Deal.objects.count() == 1


def test_what_if_refuses_an_incomplete_deal(client, open_quarter):
    client.force_login(open_quarter)
    response = client.post("/my/what-if/", {"period": "FY22-Q2", "deal_customer": "C1"})
    assert response.status_code == 400
    assert "needs a customer, a type, an amount and a date" in response.content.decode()


def test_what_if_form_is_on_the_page_with_csrf(client, open_quarter):
    client.force_login(open_quarter)
    page = client.get("/my/?period=FY22-Q2").content.decode()
    assert 'action="/my/what-if/"' in page and "csrfmiddlewaretoken" in page


def test_what_if_table_downloads_with_the_posted_changes(client, open_quarter):
    client.force_login(open_quarter)
    data = {"period": "FY22-Q2", "kpi": "prs", "kpi_value": "5", "download": "what-if", "format": "csv"}
    response = client.post("/my/what-if/", data)
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("Plan,Component,Attainment now")
    assert "CS-FY22,KPI,1.2000,0.5000,1000.00,500.00,-500.00" in lines


def test_every_help_text_is_the_one_its_field_names_for_screen_readers(client, open_quarter):
    import re

    client.force_login(open_quarter)
    html = client.get("/my/?period=FY22-Q2").content.decode()

    described = re.findall(r'aria-describedby="([^"]+)"', html)
    assert described  # the ARR change's "Signed, e.g. 10000" at least
    for target in described:
        assert f'id="{target}"' in html, f"aria-describedby points at {target}, which is on no element"


def _implausible(client, open_quarter, data) -> list[str]:
    client.force_login(open_quarter)
    response = client.post("/my/what-if/", {"period": "FY22-Q2", **data})
    assert response.status_code == 200  # a warning, not a refusal of the form
    return response.context["implausible"]


def test_an_implausible_input_is_a_warning_instead_of_a_figure_until_confirmed(client, open_quarter):
    """Issue 16: a KPI of 1,001 against a goal of 10 warns instead of projecting 10,010% attainment; the
    CSM may confirm the input, and then the projection is shown with the warning beside it."""
    client.force_login(open_quarter)
    data = {"period": "FY22-Q2", "kpi": "prs", "kpi_value": "1001"}
    held = client.post("/my/what-if/", data).content.decode()
    assert "no projection is shown for it" in held and 'id="tbl-what-if"' not in held
    assert 'name="as_given"' in held
    shown = client.post("/my/what-if/", {**data, "as_given": "1"}).content.decode()
    assert "Projected as given" in shown and 'id="tbl-what-if"' in shown
    plausible = client.post("/my/what-if/", {**data, "kpi_value": "12"}).content.decode()
    assert 'id="tbl-what-if"' in plausible and "Check your input" not in plausible


def test_a_score_out_of_range_is_said_once_not_also_as_missing(client, open_quarter):
    client.force_login(open_quarter)
    response = client.post("/my/what-if/", {"period": "FY22-Q2", "score_customer": "C1", "score": "150"})
    assert response.status_code == 400
    assert response.context["form"].errors["score"] == ["Ensure this value is less than or equal to 100."]


def test_a_kpi_over_100_times_its_goal_is_questioned(client, open_quarter):
    [warning] = _implausible(client, open_quarter, {"kpi": "prs", "kpi_value": "1001"})
    assert warning == "The prs value 1,001 is more than 100× its goal of 10 in CS-FY22: check the value."


def test_a_kpi_of_100_times_its_goal_is_not_questioned(client, open_quarter):
    assert _implausible(client, open_quarter, {"kpi": "prs", "kpi_value": "1000"}) == []


def test_a_negative_kpi_is_questioned(client, open_quarter):
    [warning] = _implausible(client, open_quarter, {"kpi": "prs", "kpi_value": "-3"})
    assert warning.startswith("The prs value -3 is negative")


def test_a_deal_over_10_times_the_books_arr_is_questioned(client, open_quarter):
    deal = {
        "deal_customer": "C1",
        "deal_type": "expansion",
        "deal_currency": "USD",
        "deal_date": "2021-06-15",
    }
    # S = 150,000 USD at FY22-Q2's start (docs/design.md §4 worked example): the bar is 1,500,000.
    assert _implausible(client, open_quarter, {**deal, "deal_amount": "1500000"}) == []
    [warning] = _implausible(client, open_quarter, {**deal, "deal_amount": "1500000.01"})
    assert warning.startswith("The deal's ARR change of 1,500,000.01 USD is more than 10× the book's ARR")
    assert "(150,000.00 USD, CS-FY22)" in warning


def test_a_deal_outside_the_quarter_names_the_quarter_as_a_date_range_with_an_en_dash(client, open_quarter):
    client.force_login(open_quarter)
    deal = {"deal_customer": "C1", "deal_type": "expansion", "deal_amount": "100", "deal_currency": "USD"}

    response = client.post("/my/what-if/", {"period": "FY22-Q2", **deal, "deal_date": "2021-11-01"})

    html = response.content.decode()
    assert "Only deals credited in FY22-Q2 (2021-05-01 \u2013 2021-07-31) count." in html
    assert "\u2026" not in html.split("Only deals credited")[1][:60]
