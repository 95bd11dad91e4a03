"""Every table of the review is paged in the database, 200 rows a page, and downloads whole as CSV and
Excel (DESIGN §3 "Target snapshots"; the download helpers of dashboards/tables.py and core/downloads.py)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from adoption.services import approve_snapshot
from dashboards.snapshots import comparison

from .conftest import customers

pytestmark = pytest.mark.django_db
N = 205  # one full page of 200 and 5 more


@pytest.fixture
def big(import_targets, cco):
    """FY21 approved and FY22 draft, N customers in both; revision 2 of FY22 changed every customer."""
    ids = customers(N)
    import_targets(*(f"FY21,{c},30,FY21-Q1,40" for c in ids))
    approve_snapshot(fiscal_year="FY21", user=cco)
    import_targets(*(f"FY22,{c},40,FY22-Q1,50" for c in ids))
    import_targets(*(f"FY22,{c},40,FY22-Q1,55" for c in ids))
    return ids


@pytest.fixture
def signed_in(client, cco, review_day):
    client.force_login(cco)
    return client


def review_table(response, name: str):
    tables = [*response.context["summaries"], response.context["changes"], *response.context["comparisons"]]
    return next(t for t in tables if t.name == name)


@pytest.mark.parametrize("name", ["last-draft", "both-years"])
def test_a_table_shows_200_rows_a_page(big, signed_in, name):
    first = review_table(signed_in.get("/snapshots/FY22/"), name)
    second = review_table(signed_in.get(f"/snapshots/FY22/?page-{name}=2"), name)

    assert (len(first.page.rows), first.page.count, first.page.num_pages) == (200, N, 2)
    assert [row["code"] for row in first.page.rows][:2] == ["C0001", "C0002"]
    assert [row["code"] for row in second.page.rows] == big[200:]
    assert first.links == {"next": f"?page-{name}=2#table-{name}"}
    assert second.links == {"previous": f"?page-{name}=1#table-{name}"}


def test_each_table_keeps_its_own_page(big, signed_in):
    response = signed_in.get("/snapshots/FY22/?page-last-draft=2")

    assert review_table(response, "last-draft").page.number == 2
    assert review_table(response, "both-years").page.number == 1
    assert review_table(response, "both-years").links == {
        "next": "?page-last-draft=2&page-both-years=2#table-both-years"
    }


@pytest.mark.parametrize(("asked", "shown"), [("99", 2), ("0", 1), ("abc", 1), ("-3", 1)])
def test_a_page_out_of_range_or_malformed_shows_the_nearest(big, signed_in, asked, shown):
    response = signed_in.get(f"/snapshots/FY22/?page-last-draft={asked}")

    assert response.status_code == 200
    assert review_table(response, "last-draft").page.number == shown


def test_the_pagination_is_on_the_page(big, signed_in):
    page = signed_in.get("/snapshots/FY22/").content.decode()

    assert 'aria-label="Pages of Changed by revision 2"' in page
    assert "Page 1 of 2" in page
    assert "rows 1–200 of 205" in page


@pytest.mark.parametrize("name", ["last-draft", "both-years", "new-customers", "by-geo", "by-csm", "totals"])
def test_the_csv_download_holds_every_row(big, signed_in, name, monkeypatch):
    monkeypatch.setattr(comparison, "CHUNK", 50)  # walks the customers in several chunks

    response = signed_in.get(f"/snapshots/FY22/?download={name}&format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="{name}.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    expected = {"last-draft": N, "both-years": N, "new-customers": 0, "by-geo": 1, "by-csm": 1, "totals": 5}
    assert len(rows) - 1 == expected[name]


def test_the_csv_of_the_last_year_comparison_holds_then_and_now(big, signed_in, monkeypatch):
    monkeypatch.setattr(comparison, "CHUNK", 50)
    response = signed_in.get("/snapshots/FY22/?download=both-years&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))

    assert rows[0][:7] == [
        "Customer",
        "Name",
        "Geo",
        "Baseline then",
        "Baseline now",
        "Q1 target then",
        "Q1 target now",
    ]
    assert rows[1][:1] + rows[1][2:7] == ["C0001", "AMER", "30.00", "40.00", "40.00", "55.00"]
    assert [row[0] for row in rows[1:]] == big


def test_the_excel_download_holds_every_row(big, signed_in):
    response = signed_in.get("/snapshots/FY22/?download=last-draft&format=xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Customer",
        "Name",
        "Geo",
        "Quarter",
        "Change",
        "Baseline before",
        "Baseline now",
        "Target before",
        "Target now",
    )
    assert len(rows) == N + 1
    assert rows[1][0] == "C0001" and rows[1][4] == "updated" and rows[1][7:] == (50, 55)


def test_an_unknown_table_is_not_found(big, signed_in):
    assert signed_in.get("/snapshots/FY22/?download=nothing&format=csv").status_code == 404


def test_the_list_downloads(big, signed_in):
    response = signed_in.get("/snapshots/?download=snapshots&format=csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Fiscal year", "Status", "Revision", "Target lines", "Approved by", "Approved on"]
    assert [row[:4] for row in rows[1:]] == [
        ["FY22", "Draft", "2", str(N)],
        ["FY21", "Approved", "1", str(N)],
    ]
