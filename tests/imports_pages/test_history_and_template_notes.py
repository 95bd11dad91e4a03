"""The import history shows no counts for a refused file (it was not counted: its reading stopped at the
bad rows), and the Excel template's notes give examples in this year's quarter codes."""

import io

import pytest
from openpyxl import load_workbook

from commissions.services.imports import ImportRefused, import_file
from core.fiscal import calendar
from dashboards.console.tables import imports_table

pytestmark = pytest.mark.django_db


def test_a_refused_import_shows_no_row_counts(tmp_path):
    bad = tmp_path / "customers.csv"
    bad.write_text("customer_id,name,geo,start_date,segment\nC9,Nine,AMER,not-a-date,smb\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        import_file(kind="customers", path=bad)

    [row] = imports_table([refused.value.record]).rows

    assert [row[key] for key in ("rows", "created", "updated", "unchanged", "errors")] == [None] * 4 + [1]


def test_the_excel_templates_notes_use_this_years_codes(client, ops):
    from django.utils import timezone

    quarter = calendar().period_of(timezone.localdate())
    client.force_login(ops)

    response = client.get("/console/imports/templates/kpis/?format=xlsx")

    notes = load_workbook(io.BytesIO(response.content))["Notes"]
    text = " ".join(str(cell.value) for row in notes.iter_rows() for cell in row if cell.value)
    assert f"a quarter, e.g. {quarter.code}" in text and "docs/" not in text
