"""A computed ratio KPI's value is written as a percentage wherever a line's metric value is written — the
projection on /my/ and its CSV and Excel downloads, the statement and its downloads, the what-if's
warnings — and a computed count as customers; downloads keep the number and say its unit (DESIGN §4.5, §6
"Formats"). bob's UTIL line averages avg_utilisation to 0.525 (conftest); alice's WA counts 8 customers
and LOW 3."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accounts.models import Role
from commissions.services.plans import line_unit, line_value_text
from commissions.services.runs import calculate
from tests.builders import make_user

from .conftest import PERIOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def cco(db):
    return make_user(Role.CCO)


def table_html(response, name: str) -> str:
    page = " ".join(response.content.decode().split())
    return page.split(f'id="tbl-{name}"')[1].split("</table>")[0]


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_lines_unit_comes_from_its_metric_and_kpi():
    computed = {"source": "computed"}
    assert line_unit("adoption", {}) == "ratio"
    assert line_unit("nrr", {"goal": Decimal("1.1")}) == "ratio"
    assert line_unit("kpi", {**computed, "kpi": "avg_utilisation"}) == "ratio"
    assert line_unit("kpi", {**computed, "kpi": "dau_mau"}) == "ratio"
    assert line_unit("kpi", {**computed, "kpi": "weekly_active"}) == "customers"
    assert line_unit("kpi", {**computed, "kpi": "util_below_60"}) == "customers"
    # an imported KPI is the count the import gave, whatever its code
    assert line_unit("kpi", {"kpi": "dau_mau"}) == ""
    assert line_value_text(Decimal("0.549315"), "kpi", {**computed, "kpi": "avg_utilisation"}) == "54.9%"
    assert line_value_text(Decimal("0.579719"), "kpi", {**computed, "kpi": "dau_mau"}) == "58.0%"
    assert line_value_text(Decimal("8.000000"), "kpi", {**computed, "kpi": "weekly_active"}) == "8 customers"
    assert line_value_text(Decimal("1"), "kpi", {**computed, "kpi": "weekly_active"}) == "1 customer"
    assert line_value_text(Decimal("8.000000"), "kpi", {"kpi": "prs"}) == "8"


def test_the_projection_shows_a_computed_ratio_as_a_percentage(client, world, cco):
    client.force_login(cco)

    projection = table_html(client.get(f"/my/E-B/?period={PERIOD}"), "projection")

    assert ">52.5%<" in projection
    assert ">0.525" not in projection  # (the sort key keeps the exact value)
    assert ">ratio<" in projection


def test_the_projection_shows_a_computed_count_as_customers(client, world, cco):
    client.force_login(cco)

    projection = table_html(client.get(f"/my/E-A/?period={PERIOD}"), "projection")

    assert ">8<" in projection and ">3<" in projection
    assert projection.count(">customers<") == 2


def test_the_projection_csv_writes_the_ratio_with_4_decimals_and_its_unit(client, world, cco):
    client.force_login(cco)

    response = client.get(f"/my/E-B/?period={PERIOD}&download=projection&format=csv")

    (util,) = [row for row in csv_rows(response) if row["Component"] == "UTIL"]
    assert (util["Metric value"], util["Unit"]) == ("0.5250", "ratio")


def test_the_projection_csv_writes_a_count_plainly_with_its_unit(client, world, cco):
    client.force_login(cco)

    response = client.get(f"/my/E-A/?period={PERIOD}&download=projection&format=csv")

    rows = {row["Component"]: row for row in csv_rows(response)}
    assert (Decimal(rows["WA"]["Metric value"]), rows["WA"]["Unit"]) == (8, "customers")
    assert (Decimal(rows["LOW"]["Metric value"]), rows["LOW"]["Unit"]) == (3, "customers")


def test_the_projection_xlsx_writes_the_ratio_as_a_number_with_its_unit(client, world, cco):
    client.force_login(cco)

    response = client.get(f"/my/E-B/?period={PERIOD}&download=projection&format=xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    head, *rows = list(sheet.values)
    (util,) = [dict(zip(head, row, strict=True)) for row in rows if "UTIL" in row]
    assert Decimal(str(util["Metric value"])) == Decimal("0.525")
    assert util["Unit"] == "ratio"


def test_the_statement_and_its_csv_write_the_ratio_as_the_projection_does(client, world, cco):
    run = calculate(period=world["period"], plan=world["avg_plan"]).run
    client.force_login(cco)

    lines = table_html(client.get(f"/my/E-B/statements/{run.pk}/"), "lines")
    rows = csv_rows(client.get(f"/my/E-B/statements/{run.pk}/?download=lines&format=csv"))

    assert ">52.5%<" in lines and ">ratio<" in lines
    (util,) = [row for row in rows if row["Component"] == "UTIL"]
    assert (util["Metric value"], util["Unit"]) == ("0.5250", "ratio")


def test_the_what_if_warns_in_the_kpis_unit(client, world, cco):
    client.force_login(cco)

    # 8000 % typed: over 100× the goal of 75.0 %
    response = client.post(
        "/my/E-B/what-if/", {"period": PERIOD, "kpi": "avg_utilisation", "kpi_value": "8000"}
    )

    (warning,) = response.context["implausible"]
    assert "8,000.0%" in warning and "75.0%" in warning
