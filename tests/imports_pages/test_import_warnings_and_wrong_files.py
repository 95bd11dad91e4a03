"""A file that is no CSV and no workbook is told what it is not (docs/imports.md "Excel workbooks"); a KPI
file naming a KPI no plan of its year pays on, or holding a negative value, imports with a warning on the
result and on the job's page (docs/imports.md "Rules per kind")."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from accounts.models import Role
from commissions.models import Component, ImportJob, KpiActual, Plan
from commissions.services.imports import ImportRefused, import_file
from tests.builders import make_user

from .conftest import Upload, csv_text

pytestmark = pytest.mark.django_db

URL = "/console/imports/"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Filter /FlateDecode >>\nstream\n\x78\x9c\x01\x02\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(range(256))


def refusal(content: bytes, name: str) -> str:
    with pytest.raises(ImportRefused) as caught:
        import_file(kind="scores", file=Upload(content, name), file_name=name)
    assert len(caught.value.errors) == 1
    return caught.value.errors[0].reason


@pytest.mark.parametrize("content", [PNG, PDF, JPEG], ids=["png", "pdf", "jpeg"])
def test_a_renamed_binary_named_xlsx_is_told_it_is_not_an_excel_workbook(content):
    reason = refusal(content, "scores.xlsx")

    assert reason.startswith("scores.xlsx is not an Excel workbook: an .xlsx file is a zip archive")
    assert "not UTF-8" not in reason and "renamed .xlsx" in reason


@pytest.mark.parametrize("content", [PNG, PDF], ids=["png", "pdf"])
def test_a_binary_named_csv_is_told_it_is_not_a_csv_text_file(content):
    reason = refusal(content, "scores.csv")

    assert reason.startswith("scores.csv is neither a CSV text file nor an Excel workbook")
    assert "not UTF-8" not in reason


def test_a_csv_in_another_encoding_is_still_told_to_save_it_as_utf8():
    reason = refusal("customer_id,as_of,score\nCafé,2026-01-31,50\n".encode("latin-1"), "scores.csv")

    assert "the file is not UTF-8: save it as UTF-8 CSV" in reason


@pytest.fixture
def kpi_plan(db):
    plan = Plan.objects.create(code="CS-FY27", name="CS plan", fiscal_year="FY27", currency="USD")
    Component.objects.create(plan=plan, code="prs", metric="kpi", kpi="prs", weight=Decimal("1"))
    return plan


KPIS = csv_text(
    [
        ["period", "employee_id", "kpi", "value"],
        ["FY27-Q1", "E1", "prs", "12"],
        ["FY27-Q1", "E1", "pr_count", "9"],
        ["FY27-Q2", "E1", "pr_count", "-3"],
    ]
)


def test_a_kpi_no_plan_of_its_year_pays_on_and_a_negative_value_import_with_warnings(kpi_plan):
    make_user(Role.CSM, employee_id="E1")

    result = import_file(kind="kpis", file=Upload(KPIS.encode(), "kpis.csv"), dry_run=True)

    assert result.notes == [
        "No plan of FY27 pays on KPI 'pr_count' (plans pay on: prs); check the kpi column"
        " (2 rows, first at line 3).",
        "1 negative KPI value (first at line 4: pr_count = -3); imported as they are:"
        " check the value column.",
    ]
    written = import_file(kind="kpis", file=Upload(KPIS.encode(), "kpis.csv"))
    assert written.rows == 3 and KpiActual.objects.count() == 3  # accepted: a plan may be loaded later
    assert written.notes[0].startswith("No plan of FY27 pays on KPI 'pr_count'")


def test_a_kpi_of_a_year_without_kpi_plans_says_so(db):
    make_user(Role.CSM, employee_id="E1")
    content = csv_text([["period", "employee_id", "kpi", "value"], ["FY30-Q1", "E1", "prs", "4"]])

    result = import_file(kind="kpis", file=Upload(content.encode(), "kpis.csv"), dry_run=True)

    assert result.notes == [
        "No plan of FY30 pays on KPI 'prs' (no plan of it pays on a KPI); check the kpi column"
        " (1 row, first at line 2)."
    ]


def test_known_kpis_with_values_of_zero_or_more_import_without_a_warning(kpi_plan):
    make_user(Role.CSM, employee_id="E1")
    content = csv_text([["period", "employee_id", "kpi", "value"], ["FY27-Q1", "E1", "prs", "0"]])

    assert import_file(kind="kpis", file=Upload(content.encode(), "kpis.csv"), dry_run=True).notes == []


def test_the_job_page_shows_the_warnings_of_the_check_and_of_the_write(signed_in, ops, run_now, kpi_plan):
    make_user(Role.CSM, employee_id="E1")
    client = signed_in(ops)
    handle = io.BytesIO(KPIS.encode())
    handle.name = "kpis.csv"
    location = run_now(client.post, URL, {"kind": "kpis", "file": handle})["Location"]
    job = ImportJob.objects.get()

    html = client.get(location).content.decode()
    assert job.status == ImportJob.Status.VALIDATED
    assert 'id="job-notes"' in html and "No plan of FY27 pays on KPI &#x27;pr_count&#x27;" in html
    assert "negative KPI value" in html and 'id="confirm-import"' in html

    run_now(client.post, f"{URL}jobs/{job.pk}/confirm/")
    html = client.get(location).content.decode()
    assert 'id="job-applied"' in html and "pays on KPI &#x27;pr_count&#x27;" in html
