"""Every table of the team and company pages downloads as CSV and Excel with its header row."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.dashboards_team.conftest import demo_person

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(
    ("role", "url", "table", "header"),
    [
        ("csvp", "/team/", "leaderboard", ["Rank", "CSM", "Plan", "Projected payout"]),
        ("csvp", "/team/", "at-risk", ["Customer ID", "Customer", "Owner", "Latest score"]),
        ("csvp", "/team/", "requests", ["Request", "Kind", "Customer"]),
        ("cco", "/company/", "by-geo", ["Quarter", "Geo", "Currency", "CSMs"]),
        ("cco", "/company/", "by-component", ["Quarter", "Component"]),
        ("cco", "/company/", "pending-cco", ["Request", "Kind"]),
    ],
)
def test_csv_and_excel_downloads(client, demo, on_demo_day, role, url, table, header):
    client.force_login(demo_person(role, "AMER" if role == "csvp" else ""))
    response = client.get(url, {"download": table, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][: len(header)] == header
    if table in ("leaderboard", "by-geo"):
        assert len(rows) > 1

    response = client.get(url, {"download": table, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in next(sheet.iter_rows(max_row=1))][: len(header)] == header


def test_unknown_table_is_404(client, demo):
    client.force_login(demo_person("cco"))
    assert client.get("/company/", {"download": "nope"}).status_code == 404
