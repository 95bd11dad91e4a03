"""What the Imports pages say of a job (docs/imports.md "Imports in the browser"): only where it stands now,
in the same words on every page; a file with no data row offers nothing to confirm; the bad rows download
under the file's name and say when only the first 1,000 are listed; an example file per kind."""

from __future__ import annotations

import csv
import io

import pytest

from commissions.models import ImportJob, ImportRecord
from commissions.services.imports.specs import SPECS
from dashboards.console.import_tables import example_rows
from tests.builders import make_customer, make_snapshot

from .conftest import csv_text

pytestmark = pytest.mark.django_db

URL = "/console/imports/"
HEADER = ["customer_id", "name", "geo", "start_date", "segment"]
GOOD = csv_text([HEADER, ["C1", "Acme", "AMER", "2019-03-01", "enterprise"]])
BAD = csv_text([HEADER, ["C1", "Acme", "emea", "2019-03-01", ""]])


def upload(client, run_now, content: str | bytes, name: str = "customers.csv", kind: str = "customers"):
    handle = io.BytesIO(content.encode() if isinstance(content, str) else content)
    handle.name = name
    return run_now(client.post, URL, {"kind": kind, "file": handle})


@pytest.mark.parametrize("name", ["customers.csv", "customers.xlsx"])
def test_a_file_with_a_header_and_no_data_row_offers_nothing_to_confirm(signed_in, ops, run_now, name):
    from .conftest import xlsx

    client = signed_in(ops)
    content = csv_text([HEADER]) if name.endswith(".csv") else xlsx([HEADER])

    location = upload(client, run_now, content, name)["Location"]

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REFUSED and job.data is None
    html = client.get(location).content.decode()
    assert 'id="job-nothing"' in html and "there is nothing to confirm" in html
    assert "found no bad row" not in html and 'id="confirm-import"' not in html


def test_a_confirmed_file_refused_when_written_shows_only_the_refusal(signed_in, ops, cco, run_now):
    make_customer("C1")
    targets = csv_text(
        [
            ["fiscal_year", "customer_id", "baseline_score", "period", "target_score"],
            ["FY22", "C1", 40, "FY22-Q2", 60],
        ]
    )
    client = signed_in(ops)
    location = upload(client, run_now, targets, "targets.csv", "targets")["Location"]
    make_snapshot("FY22", approved_by=cco)  # frozen meanwhile: the write is refused
    job = ImportJob.objects.get()

    run_now(client.post, f"{URL}jobs/{job.pk}/confirm/")  # the worker refuses it before the page is read
    html = client.get(location).content.decode()

    assert 'id="job-refused"' in html and "Refused when writing: nothing was written" in html
    assert "being written" not in html and "Confirmed:" not in html
    assert html.count("nothing was written") == 1 and location.endswith(f"/jobs/{job.pk}/")


def test_status_words_are_the_same_on_every_page_and_never_repeated(signed_in, ops, run_now):
    client = signed_in(ops)
    location = upload(client, run_now, GOOD)["Location"]

    job_page = client.get(location).content.decode()
    imports_page = client.get(URL).content.decode()
    console = client.get("/console/").content.decode()
    record = ImportRecord.objects.get()
    record_page = client.get(f"{URL}records/{record.pk}/").content.decode()
    history = client.get(URL, {"download": "imports", "format": "csv"}).content.decode()

    assert "Checked: ready to confirm" in job_page and "checked: confirm to write it" not in job_page
    assert "Checked: ready to confirm" in imports_page  # the Uploads table
    for page in (imports_page, console, record_page, history):
        assert "Checked (dry run): nothing written" in page
        assert ">dry_run<" not in page and ",dry_run," not in page


def test_the_bad_rows_download_is_named_after_the_file_and_its_kind(signed_in, ops, run_now):
    client = signed_in(ops)
    location = upload(client, run_now, BAD, "upload.csv")["Location"]
    record = ImportRecord.objects.get()

    for url in (location, f"{URL}records/{record.pk}/"):
        for fmt in ("csv", "xlsx"):
            response = client.get(url, {"download": "errors", "format": fmt})
            assert response["Content-Disposition"] == f'attachment; filename="customers-upload-errors.{fmt}"'
    named = client.get(location, {"download": "errors", "format": "csv"})
    assert named.status_code == 200 and "emea" in named.content.decode()


def test_more_than_1000_errors_says_the_first_1000_are_listed_out_of_all(signed_in, ops, run_now):
    client = signed_in(ops)
    rows = [[f"C{n}", "Acme", "emea", "2019-03-01", ""] for n in range(1, 1201)]

    location = upload(client, run_now, csv_text([HEADER, *rows]))["Location"]

    html = client.get(location).content.decode()
    assert "refused with 1,200 errors. The first 1,000 of the 1,200 are listed below and in the CSV" in html
    as_csv = client.get(location, {"download": "errors", "format": "csv"}).content.decode()
    assert len(list(csv.reader(io.StringIO(as_csv)))) == 1 + 1000
    record_page = client.get(f"{URL}records/{ImportRecord.objects.get().pk}/").content.decode()
    assert "The first 1,000 of the 1,200 are listed" in record_page


@pytest.mark.parametrize("kind", list(SPECS))
def test_each_kind_has_an_example_file_with_its_header_and_well_formed_rows(signed_in, cco, kind):
    response = signed_in(cco).get(f"{URL}templates/{kind}/", {"format": "csv", "example": "1"})

    assert response["Content-Disposition"] == f'attachment; filename="{kind}-example.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    columns = SPECS[kind].columns
    assert rows == example_rows(kind) and rows[0] == [column.name for column in columns]
    assert len(rows) == 3
    for row in rows[1:]:
        for column, value in zip(columns, row, strict=True):
            assert value or not column.required, (kind, column.name)
            if value:
                column.parse(value)  # raises for a value the import would refuse


def test_the_page_offers_the_example_files_and_says_their_ids_are_examples(signed_in, ops):
    html = signed_in(ops).get(URL).content.decode()

    assert "?format=csv&amp;example=1" in html and "scores-example.csv" in html
    assert "its ids, dates and periods are examples" in html


def test_the_example_file_of_scores_imports_against_its_customers(signed_in, ops, run_now):
    make_customer("CUST-0001")
    make_customer("CUST-0002")
    client = signed_in(ops)
    example = client.get(f"{URL}templates/scores/", {"format": "csv", "example": "1"}).content

    upload(client, run_now, example, "scores-example.csv", "scores")

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.VALIDATED, job.errors
    assert job.rows == 2
