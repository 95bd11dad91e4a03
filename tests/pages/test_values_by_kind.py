"""Each value written by its kind, on the pages of the demo company (docs/design.md §6 "Formats"): a KPI's
metric value is its count, a request's value a percentage (an exception's r) or percentage points added to r
(extra credit), scores with two decimals in tables and charts alike, a change of money signed, the exact
amount before rounding labelled so, downloads' numeric columns numbers only."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest

from approvals.models import Request
from approvals.notifications import message
from commissions.models import ComponentResult, Payout
from tests.dashboards_team.conftest import demo_person
from tests.pages.reading import read
from tests.pages.test_every_page_reads_one_way import tables_of

pytestmark = pytest.mark.usefixtures("on_demo_day")


def rows_of(html: str, *, chart: bool = False) -> list[dict[str, str]]:
    """Every row of every table (of the charts' data tables with ``chart``) as {header: text}."""
    return [
        dict(zip(headers, row, strict=True))
        for headers, rows, in_chart in tables_of(read(html))
        if in_chart == chart
        for row in rows
        if len(row) == len(headers)
    ]


def kpi_statement():
    """A CSM's final run with a KPI line (the demo's plans have one), and the CSM."""
    line = (
        ComponentResult.objects.filter(metric="kpi", applies=True, run__is_final=True)
        .select_related("employee", "run")
        .order_by("pk")
        .first()
    )
    return line.employee, line.run, line


def test_a_kpi_value_is_its_count_on_the_statement_and_my_quarter(client, demo):
    csm, run, line = kpi_statement()
    client.force_login(csm)

    statement = rows_of(client.get(f"/my/statements/{run.pk}/").content.decode())
    quarter = rows_of(client.get("/my/").content.decode())

    kpis = [row for row in statement + quarter if row.get("Metric") == "kpi" and "Metric value" in row]
    assert kpis, "the statement and /my/ show a KPI line"
    assert all("%" not in row["Metric value"] for row in kpis)
    count = f"{line.metric_value.normalize():f}"
    assert any(row["Metric value"] == count for row in statement if row.get("Metric") == "kpi")
    adoption = [row for row in statement + quarter if row.get("Metric") in ("adoption", "nrr")]
    assert all(row["Metric value"].endswith("%") for row in adoption if row["Metric value"])


def requests_of_both_kinds() -> tuple[Request, Request]:
    """An exception granting r = 0.5 and extra credit of 0.1 points, filed by a Geo VP for a customer of
    their geo in the demo's open quarter, waiting for the CCO."""
    from adoption.models import Customer
    from commissions.models import Period

    vp = demo_person("csvp")
    customer = Customer.objects.filter(geo=vp.geo).order_by("customer_id").first()
    period = Period.objects.filter(status=Period.Status.OPEN).order_by("start").first()
    filed = {"customer": customer, "period": period, "filed_by": vp, "justification": "x" * 40}
    exception = Request.objects.create(kind="exception", value=Decimal("0.5"), **filed)
    extra = Request.objects.create(kind="extra_credit", value=Decimal("0.1"), **filed)
    return exception, extra


def test_a_requests_value_is_a_percentage_or_points_of_r_on_every_page_and_e_mail(client, demo):
    exception, extra = requests_of_both_kinds()
    client.force_login(demo_person("cco"))
    r, points = "50.0%", "+10.0 percentage points"

    detail = client.get(f"/requests/{exception.pk}/").content.decode()
    listing = client.get("/requests/").content.decode()
    company = client.get("/company/").content.decode()

    assert re.search(rf"<dt>Granted attainment r</dt><dd>{re.escape(r)}</dd>", detail)
    extra_page = client.get(f"/requests/{extra.pk}/").content.decode()
    assert f"<dd>{points}</dd>" in extra_page
    for html in (listing, company):
        values = {(row["Kind"], row["Value"]) for row in rows_of(html) if row.get("Kind") and "Value" in row}
        assert {("Exception", r), ("Extra credit", points)} <= values
    assert f"Value: {r}\n" in message(exception, "filed")[1]
    assert f"Value: {points}\n" in message(extra, "filed")[1]


def test_scores_have_two_decimals_in_the_book_and_in_the_charts_data_tables(client, demo):
    csm = demo_person("csm")
    client.force_login(csm)
    html = client.get("/my/").content.decode()

    book = [row for row in rows_of(html) if "Latest score" in row]
    dumbbell = [row for row in rows_of(html, chart=True) if "Current" in row]

    assert book and dumbbell
    two_decimals = re.compile(r"\d{1,3}(?:,\d{3})*\.\d{2}|—|")
    for row in book:
        assert all(two_decimals.fullmatch(row[key]) for key in ("Baseline", "Target", "Latest score")), row
    for row in dumbbell:
        assert all(two_decimals.fullmatch(row[key]) for key in ("Baseline", "Current", "Target")), row


def test_snapshot_averages_have_two_decimals(client, demo):
    from adoption.models import Snapshot

    client.force_login(demo_person("cco"))
    year = Snapshot.objects.order_by("fiscal_year").values_list("fiscal_year", flat=True).first()

    rows = [
        row
        for row in rows_of(client.get(f"/snapshots/{year}/").content.decode())
        if "Average baseline" in row
    ]

    assert rows
    for row in rows:
        averages = [text for label, text in row.items() if label.startswith("Average") and text]
        assert all(re.fullmatch(r"\d{1,3}(?:,\d{3})*\.\d{2}", text) for text in averages), row


def test_chart_data_tables_write_money_with_its_currency(client, demo):
    client.force_login(demo_person("cco"))

    rows = rows_of(client.get("/company/").content.decode(), chart=True)

    money = [text for row in rows for text in list(row.values())[1:] if re.match(r"-?\d", text)]
    assert money and all(re.fullmatch(r"-?\d{1,3}(?:,\d{3})*\.\d{2} [A-Z]{3}", text) for text in money)


def test_the_exact_amount_before_rounding_is_labelled_exact(client, demo):
    csm, run, _ = kpi_statement()
    client.force_login(csm)

    html = client.get(f"/my/statements/{run.pk}/").content.decode()

    lines = [row for row in rows_of(html) if "Exact amount before rounding" in row]
    assert lines and "Before rounding" not in [h for headers, _, _ in tables_of(read(html)) for h in headers]
    assert "OTI × share × factor, exact before rounding" in html


def test_a_deal_in_the_plans_currency_has_fx_rate_1_in_the_csv(client, demo):
    payout = Payout.objects.filter(run__is_final=True).select_related("employee", "run").order_by("pk")
    for p in payout:
        client.force_login(p.employee)
        response = client.get(f"/my/statements/{p.run_id}/?download=deals&format=csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        if rows:
            break
    assert rows, "a statement with credited deals"
    for row in rows:
        assert re.fullmatch(r"\d+(?:\.\d+)?", row["FX rate"]), row["FX rate"]
