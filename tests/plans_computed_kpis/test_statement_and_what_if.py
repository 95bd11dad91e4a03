"""A computed KPI line of a statement explained down to the book's customers, in the page and the PDF; the
what-if varying a computed KPI by its name and unit, lower is better projected (DESIGN §4.5)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import Role
from commissions.services.runs import calculate
from dashboards.csm import pdf
from dashboards.csm.forms import WhatIfForm
from dashboards.csm.statements import statement_for
from tests.builders import make_user
from tests.statements_published.conftest import pdf_text

from .conftest import LAST, PERIOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def cco(db):
    return make_user(Role.CCO)


def folded(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_statement_lists_the_customers_that_made_the_kpi(client, world, cco):
    run = calculate(period=world["period"], plan=world["kpi_plan"]).run
    client.force_login(cco)

    page = folded(client.get(f"/my/E-A/statements/{run.pk}/"))

    # The lower-is-better line: its name, its definition on hover, its measure, goal and ceiling.
    assert "Customers below 60 % utilisation (util_below_60)" in page
    assert '<abbr title="The number of customers whose utilisation on the day is strictly below 60 %' in page
    assert "measured as the value of the quarter&#x27;s last day, 2026-07-31" in page
    assert "<dt>Value</dt><dd>3 customers</dd>" in page
    assert "<dt>Goal → ceiling</dt><dd>2 customers → 6 customers</dd>" in page
    assert "3 of 10 customers of the book count on 2026-07-31" in page
    # The customers below first, with their inputs; exactly 60 % is listed as not counted.
    table = page.split('id="tbl-kpi-low"')[1].split("</table>")[0]
    rows = table.split("<tr>")[2:]
    assert [row.split("</td>")[0].rsplit(">", 1)[1] for row in rows[:3]] == ["A6", "A7", "A8"]
    a5 = next(row for row in rows if ">A5<" in row)
    assert ">no<" in a5 and ">60.0%<" in a5
    # The higher-is-better line: 8 of its goal of 10, the weekly-active customers listed.
    assert "<dt>Value</dt><dd>8 customers of 10 customers</dd>" in page
    assert "8 of 10 customers of the book count on 2026-07-31" in page


def test_a_quarter_average_says_how_many_daily_values_it_is_the_mean_of(client, world, cco):
    run = calculate(period=world["period"], plan=world["avg_plan"]).run
    client.force_login(cco)

    page = folded(client.get(f"/my/E-B/statements/{run.pk}/"))

    assert "Average utilisation, seat-weighted (avg_utilisation)" in page
    assert (
        "the mean of 3 daily values of the quarter (89 days without a stored value left out); the customers "
        "below are those of its last day, 2026-07-31"
    ) in page
    assert "<dt>Value</dt><dd>52.5% of 75.0%</dd>" in page
    # The last day's two sums: 70 capped active users of 400 seats.
    assert "2 of 2 customers have a value that day: 70 ÷ 400 = 17.5%" in page


def test_the_pdf_explains_the_kpi_down_to_the_customers(world, cco, tmp_path):
    run = calculate(period=world["period"], plan=world["kpi_plan"]).run
    statement = statement_for(cco, world["alice"], run.pk)

    text = pdf_text(pdf.render(statement, viewer=cco), tmp_path)

    assert "Customers below 60 % utilisation (util_below_60)" in text
    assert "The number of customers whose utilisation on the day is strictly below 60 %" in text
    assert "Measured as the value of the quarter's last day, 2026-07-31." in text
    assert "3 of 10 customers of the book count on 2026-07-31" in text
    for customer in ("A6 Alpha 6", "A7 Alpha 7", "A8 Alpha 8", "A5 Alpha 5"):
        assert customer in text, customer


def test_the_what_if_offers_a_computed_kpi_by_its_name_and_unit(world):
    form = WhatIfForm(
        customers=[],
        kpis=["avg_utilisation", "prs", "util_below_60"],
        period=world["period"],
        computed={"avg_utilisation", "util_below_60"},
    )
    assert form.fields["kpi"].choices == [
        ("", "—"),
        ("avg_utilisation", "Average utilisation, seat-weighted (%)"),
        ("prs", "prs"),
        ("util_below_60", "Customers below 60 % utilisation (customers)"),
    ]


def test_a_what_if_of_a_lower_is_better_kpi_projects_its_payout(client, world, cco):
    client.force_login(cco)

    response = client.post("/my/E-A/what-if/", {"period": PERIOD, "kpi": "util_below_60", "kpi_value": "2"})

    assert response.status_code == 200
    rows = {(r["plan"], r["component"]): r for r in response.context["table"].rows}
    # 2 customers below: at the goal, attainment 1 → 1500.00 (it was 0.75 → 1125.00)
    low = rows[("CS-KPI", "LOW")]
    assert (low["payout_before"], low["payout_after"]) == (Decimal("1125.00"), Decimal("1500.00"))


def test_a_what_if_of_a_computed_ratio_is_typed_as_a_percentage(client, world, cco):
    client.force_login(cco)

    response = client.post(
        "/my/E-B/what-if/", {"period": PERIOD, "kpi": "avg_utilisation", "kpi_value": "60"}
    )

    assert response.status_code == 200
    util = {r["component"]: r for r in response.context["table"].rows}["UTIL"]
    # 60 % against the goal of 75 %: 0.8 → 2000 × 0.8 = 1600.00 (it was 0.525 averaged → 1400.00)
    assert (util["payout_before"], util["payout_after"]) == (Decimal("1400.00"), Decimal("1600.00"))


def test_the_statement_lines_show_a_computed_ratio_as_a_percentage(client, world, cco):
    run = calculate(period=world["period"], plan=world["avg_plan"]).run
    client.force_login(cco)

    lines = (
        folded(client.get(f"/my/E-B/statements/{run.pk}/")).split('id="tbl-lines"')[1].split("</table>")[0]
    )

    assert ">52.5%<" in lines


def test_the_statement_says_when_the_listed_customers_no_longer_make_the_runs_value(client, world, cco):
    from adoption.models import UsageRecord

    run = calculate(period=world["period"], plan=world["kpi_plan"]).run
    # A8's usage of the quarter's last day corrected after the run: 81 of 100, no longer below 60 %.
    UsageRecord.objects.filter(customer__customer_id="A8", date=LAST, metric="active_users").update(value=81)
    client.force_login(cco)

    page = folded(client.get(f"/my/E-A/statements/{run.pk}/"))

    assert (
        "The customers below make 2 customers, not the run&#x27;s 3 customers: the book or its usage on "
        "2026-07-31 changed after this run."
    ) in page
    assert "The customers below make" not in page.split('id="kpi-book-wa"')[1].split("</section>")[0]
