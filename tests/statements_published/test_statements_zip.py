"""Operations download every published statement of a closed quarter as one ZIP of PDFs (DESIGN §6):
one PDF per CSM and plan, for holders of ``access.may_download_statements``; an open quarter is refused."""

import io
import sys
import zipfile

import pytest

from accounts.models import Role
from tests.builders import make_user

from .conftest import PERIOD, pdf_text

pytestmark = pytest.mark.django_db

URL = f"/console/statements.zip?period={PERIOD}"


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize("role", [Role.OPS, Role.FINANCE])
def test_the_zip_holds_one_pdf_per_csm_and_plan_of_the_closed_quarter(client, closed_run, role, tmp_path):
    client.force_login(make_user(role, geo=""))

    response = client.get(URL)

    assert response.status_code == 200
    assert response.streaming  # served from the spooled file, not built in a string
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="statements-{PERIOD}.zip"'
    archive = _zip(response)
    assert archive.namelist() == [f"{PERIOD}/E1-CS-FY22.pdf", f"{PERIOD}/E2-CS-FY22.pdf"]
    assert "2,333.33 USD" in pdf_text(archive.read(f"{PERIOD}/E1-CS-FY22.pdf"), tmp_path)
    e2 = pdf_text(archive.read(f"{PERIOD}/E2-CS-FY22.pdf"), tmp_path)
    assert "Eve Two (E2)" in e2 and "1,500.00 USD" in e2


def test_an_open_quarter_is_refused_with_a_message(client, calculated, ops):
    client.force_login(ops)

    response = client.get(URL, follow=True)

    assert response.redirect_chain[-1][0] == f"/console/?period={PERIOD}"
    assert f"{PERIOD} is open: its statements are published when it closes." in response.content.decode()


def test_a_quarter_that_does_not_exist_or_no_code_is_refused_with_a_message(client, e1, ops):
    client.force_login(ops)
    page = client.get("/console/statements.zip?period=FY22-Q9", follow=True).content.decode()
    assert "FY22-Q9" in page and "message error" in page
    page = client.get("/console/statements.zip", follow=True).content.decode()
    assert "Say which quarter&#x27;s statements to download" in page


@pytest.mark.parametrize("role", [Role.CSM, Role.CSVP, Role.CCO, Role.ADMIN])
def test_only_operations_and_finance_download_every_statement(client, closed_run, role):
    client.force_login(make_user(role))
    assert client.get(URL).status_code == 403


def test_the_console_offers_the_zip_for_a_closed_quarter_to_holders_of_the_right(
    client, closed_run, ops, cco
):
    client.force_login(ops)
    page = client.get(f"/console/?period={PERIOD}").content.decode()
    assert f'href="/console/statements.zip?period={PERIOD}"' in page
    client.force_login(cco)  # sees the console, may not download every statement
    assert "statements.zip" not in client.get(f"/console/?period={PERIOD}").content.decode()


def test_the_console_offers_no_zip_for_an_open_quarter(client, calculated, ops):
    client.force_login(ops)
    assert "statements.zip" not in client.get(f"/console/?period={PERIOD}").content.decode()


def test_without_weasyprint_the_zip_answers_503(client, closed_run, ops, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    client.force_login(ops)

    response = client.get(URL)

    assert response.status_code == 503
    assert "PDF statements are unavailable on this server" in response.content.decode()
    assert client.get(f"/console/?period={PERIOD}").status_code == 200
