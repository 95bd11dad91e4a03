"""The Imports page with Django's test client (docs/imports.md "Imports in the browser"): who sees it and
who may upload and confirm, the bad-row table and its downloads, the confirmed result, the history's
record pages and the template files."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from accounts.models import Role
from commissions.models import ImportJob, ImportRecord
from tests.builders import make_user

from .conftest import csv_text, xlsx

pytestmark = pytest.mark.django_db

URL = "/console/imports/"
HEADER = ["customer_id", "name", "geo", "start_date", "segment"]
GOOD = csv_text([HEADER, ["C1", "Acme", "AMER", "2019-03-01", "enterprise"]])
# Line 3's name looks like a formula: the downloads must not let a spreadsheet run it.
BAD = csv_text(
    [HEADER, ["C1", "Acme", "AMER", "2019-03-01", ""], ["C2", "=HYPERLINK(1)", "emea", "2020-01-10", ""]]
)


def upload(client, run_now, content: str | bytes, name: str = "customers.csv", kind: str = "customers"):
    data = content.encode() if isinstance(content, str) else content
    handle = io.BytesIO(data)
    handle.name = name
    return run_now(client.post, URL, {"kind": kind, "file": handle})


def test_a_csm_cannot_see_the_imports_pages(signed_in, csm, ops, run_now):
    response = upload(signed_in(ops), run_now, GOOD)
    job = ImportJob.objects.get()
    record = ImportRecord.objects.get()
    client = signed_in(csm)

    for url in [
        URL,
        response["Location"],
        f"{URL}jobs/{job.pk}/progress/",
        f"{URL}records/{record.pk}/",
        f"{URL}templates/customers/?format=csv",
    ]:
        assert client.get(url).status_code == 403, url
    assert upload(client, run_now, GOOD).status_code == 403
    assert client.post(f"{URL}jobs/{job.pk}/confirm/").status_code == 403


def test_viewers_without_the_right_see_the_history_but_no_form_and_may_not_act(signed_in, cco, ops, run_now):
    upload(signed_in(ops), run_now, GOOD)
    job = ImportJob.objects.get()
    client = signed_in(cco)

    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="import-form"' not in html and 'id="imports-read-only"' in html
    assert "customers.csv" in html
    assert upload(client, run_now, GOOD).status_code == 403
    job_page = client.get(f"{URL}jobs/{job.pk}/").content.decode()
    assert 'id="confirm-import"' not in job_page
    assert client.post(f"{URL}jobs/{job.pk}/confirm/").status_code == 403
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED


def test_an_admin_is_offered_only_the_employees_import(signed_in, run_now):
    admin = make_user(Role.ADMIN, email="admin@example.com")
    client = signed_in(admin)

    html = client.get(URL).content.decode()

    assert '<option value="employees">' in html and '<option value="customers">' not in html
    assert upload(client, run_now, GOOD).status_code == 403


def test_a_bad_file_shows_every_bad_row_downloadable_as_csv_and_excel(signed_in, ops, run_now):
    client = signed_in(ops)

    response = upload(client, run_now, BAD)
    assert response.status_code == 302
    page = client.get(response["Location"])

    html = page.content.decode()
    assert 'id="job-refused"' in html and "refused with 1 error" in html
    assert "emea" in html and "a geo is an upper-case code" in html
    assert 'id="confirm-import"' not in html
    as_csv = client.get(response["Location"], {"download": "errors", "format": "csv"})
    rows = list(csv.reader(io.StringIO(as_csv.content.decode())))
    assert rows[0] == ["Line", "Column", "Value", "Reason"]
    assert rows[1][:3] == ["3", "geo", "emea"]
    as_xlsx = client.get(response["Location"], {"download": "errors", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert [cell.value for cell in sheet[2]][:3] == [3, "geo", "emea"]


def test_a_formula_in_a_bad_value_is_not_run_by_the_download(signed_in, ops, run_now):
    client = signed_in(ops)
    bad = csv_text([HEADER, ["C2", "Two", "AMER", "=1+1", ""]])

    location = upload(client, run_now, bad)["Location"]

    as_csv = client.get(location, {"download": "errors", "format": "csv"}).content.decode()
    assert "'=1+1" in as_csv
    sheet = load_workbook(
        io.BytesIO(client.get(location, {"download": "errors", "format": "xlsx"}).content)
    ).active
    assert sheet["C2"].value == "=1+1" and sheet["C2"].data_type == "s"  # text as imported, no formula


def test_a_good_file_shows_what_it_would_change_then_confirming_writes_it(signed_in, ops, run_now):
    client = signed_in(ops)
    location = upload(client, run_now, xlsx([HEADER, ["C1", "Acme", "AMER", "2019-03-01", None]]), "c.xlsx")[
        "Location"
    ]
    job = ImportJob.objects.get()

    html = client.get(location).content.decode()
    assert 'id="job-validated"' in html and 'id="confirm-import"' in html
    assert client.get(f"{URL}jobs/{job.pk}/progress/").json() == {
        "status": "validated",
        "label": "Checked: ready to confirm",
        "stage": "checked: confirm to write it",
        "waiting": False,
        "rows": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "error_count": 0,
    }

    confirmed = run_now(client.post, f"{URL}jobs/{job.pk}/confirm/")
    assert confirmed.status_code == 302
    html = client.get(location).content.decode()
    assert 'id="job-applied"' in html
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED
    assert f'href="/console/imports/records/{job.applied_record.pk}/"' in html
    again = run_now(client.post, f"{URL}jobs/{job.pk}/confirm/", follow=True)
    assert "only a checked import that is ready to confirm can be confirmed" in again.content.decode()
    assert ImportRecord.objects.filter(status="applied").count() == 1


def test_a_waiting_job_says_so_and_follows_its_progress(signed_in, ops, django_capture_on_commit_callbacks):
    client = signed_in(ops)
    handle = io.BytesIO(GOOD.encode())
    handle.name = "c.csv"
    client.post(URL, {"kind": "customers", "file": handle})  # its task is never run here: still queued
    job = ImportJob.objects.get()

    html = client.get(f"{URL}jobs/{job.pk}/").content.decode()

    assert 'data-waiting="1"' in html and 'id="job-waiting"' in html and "reload the page" in html
    assert "dashboards/follow_job.js" in html  # the script that polls
    assert client.get(f"{URL}jobs/{job.pk}/progress/").json()["waiting"] is True


def test_a_file_above_the_limit_is_refused_with_413(signed_in, ops, run_now, settings):
    settings.MAX_UPLOAD_BYTES = 20

    response = upload(signed_in(ops), run_now, GOOD)

    assert response.status_code == 413
    assert "MAX_UPLOAD_BYTES" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_history_links_each_import_record_to_its_page(signed_in, ops, cco, run_now):
    upload(signed_in(ops), run_now, BAD)
    record = ImportRecord.objects.get()
    client = signed_in(cco)

    for page in (URL, "/console/"):
        assert f'href="/console/imports/records/{record.pk}/"' in client.get(page).content.decode(), page
    assert 'href="/console/imports/"' in client.get("/console/").content.decode()
    html = client.get(f"/console/imports/records/{record.pk}/").content.decode()
    assert record.sha256 in html and "ops@example.com" in html and "refused" in html.lower()
    assert 'id="record-error-count">1<' in html and "a geo is an upper-case code" in html
    as_csv = client.get(f"/console/imports/records/{record.pk}/", {"download": "errors", "format": "csv"})
    assert as_csv.content.decode().splitlines()[1].startswith("3,geo,emea,")


@pytest.mark.parametrize("kind", ["customers", "targets", "deals", "employees"])
def test_each_kind_has_a_template_file_with_its_header(signed_in, cco, kind):
    from commissions.services.imports.specs import SPECS

    client = signed_in(cco)
    header = [column.name for column in SPECS[kind].columns]

    as_csv = client.get(f"{URL}templates/{kind}/", {"format": "csv"})
    assert as_csv["Content-Disposition"] == f'attachment; filename="{kind}-template.csv"'
    assert as_csv.content.decode().splitlines() == [",".join(header)]
    book = load_workbook(io.BytesIO(client.get(f"{URL}templates/{kind}/", {"format": "xlsx"}).content))
    assert [cell.value for cell in book.worksheets[0][1]] == header
    notes = [
        [cell.value for cell in row] for row in book["Notes"].iter_rows(min_row=2, max_row=len(header) + 1)
    ]
    assert [row[0] for row in notes] == header
    assert client.get(f"{URL}templates/plans/", {"format": "csv"}).status_code == 404


def test_a_template_file_is_read_as_a_file_with_nothing_to_import(signed_in, ops, run_now):
    # Changed on purpose: a file with a header and no data row used to be offered for confirmation.
    client = signed_in(ops)
    template = client.get(f"{URL}templates/customers/", {"format": "xlsx"}).content

    location = upload(client, run_now, template, "customers-template.xlsx")["Location"]

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REFUSED and job.rows == 0 and job.data is None
    html = client.get(location).content.decode()
    assert 'id="job-nothing"' in html and "nothing to import" in html.lower()
    assert 'id="confirm-import"' not in html
