"""The Imports page in a real browser (docs/imports.md "Imports in the browser"): a file with a bad row
shows the bad-row table; the fixed file (an Excel workbook) is checked, confirmed and written.

With REDIS_URL set (CI) the dry run and the writing are tasks for a real Celery worker started around
the test, and the page follows them by polling; without it they run in-process during the POST.
"""

import pytest

from accounts.models import Role
from adoption.models import Customer
from tests.builders import make_user
from tests.imports_pages.conftest import csv_text, xlsx

from .test_console_browser import worker

HEADER = ["customer_id", "name", "geo", "start_date", "segment"]


@pytest.mark.django_db(transaction=True)
def test_ops_fixes_a_refused_file_then_confirms_the_import(sign_in, live_server):
    from playwright.sync_api import expect

    ops = make_user(Role.OPS, email="ops@example.com", name="Olive Ops")
    bad = csv_text(
        [HEADER, ["C1", "Acme", "AMER", "2019-03-01", ""], ["C2", "Globex", "emea", "2020-01-10", ""]]
    )
    fixed = xlsx(
        [HEADER, ["C1", "Acme", "AMER", "2019-03-01", None], ["C2", "Globex", "EMEA", "2020-01-10", None]]
    )
    page = sign_in(ops)

    with worker():
        page.goto(f"{live_server.url}/console/")
        page.click("#imports-link a")
        page.select_option("select[name=kind]", "customers")
        page.set_input_files(
            "input[name=file]",
            files=[{"name": "customers.csv", "mimeType": "text/csv", "buffer": bad.encode()}],
        )
        page.click("#import-upload")
        refused = page.locator("#job-refused")
        expect(refused).to_be_visible(timeout=60000)
        expect(refused).to_contain_text("refused with 1 error")
        row = page.locator("#tbl-errors tbody tr").first
        expect(row).to_contain_text("3")
        expect(row).to_contain_text("geo")
        expect(row).to_contain_text("emea")
        expect(page.locator("#confirm-import")).to_have_count(0)

        page.goto(f"{live_server.url}/console/imports/")
        page.select_option("select[name=kind]", "customers")
        page.set_input_files(
            "input[name=file]",
            files=[
                {
                    "name": "customers.xlsx",
                    "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "buffer": fixed,
                }
            ],
        )
        page.click("#import-upload")
        expect(page.locator("#job-validated")).to_be_visible(timeout=60000)
        expect(page.locator("#job-counts")).to_contain_text("2")
        assert not Customer.objects.exists()  # a dry run writes nothing

        page.click("#confirm-import")
        applied = page.locator("#job-applied")
        expect(applied).to_be_visible(timeout=60000)

    expect(page.locator("#job-status")).to_have_text("Applied")
    expect(page.locator("#applied-record")).to_be_visible()
    assert set(Customer.objects.values_list("customer_id", "geo")) == {("C1", "AMER"), ("C2", "EMEA")}
