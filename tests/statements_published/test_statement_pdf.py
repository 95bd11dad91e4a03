"""A statement downloads as PDF (DESIGN §6) with the page's lines, totals and explanations, under the
page's access; WeasyPrint fetches nothing from the network; without WeasyPrint the PDF answers 503."""

import sys
from decimal import Decimal

import pytest

from accounts.models import Role
from commissions.models import Plan
from commissions.services.runs import calculate
from dashboards.csm import pdf
from dashboards.csm.derivation import line_facts
from dashboards.csm.statements import Restatement, statement_for
from tests.builders import make_user

from .conftest import PERIOD, SITE, pdf_text

pytestmark = pytest.mark.django_db

# What the statement page of the worked example shows (tests/dashboards_csm/test_statement.py), as text.
WORKED_EXAMPLE = (
    "ADOPTION",
    "NRR",
    "KPI",
    "833.33",
    "500.00",
    "1,000.00",
    "2,333.33 USD",
    "3,000.00 USD",  # on-target amount
    "75.0%",  # r of C1 (docs/design.md §6 "Formats")
    "no target; score improved",  # C2
    "held harmless",  # C3
    "150,000.00",  # NRR start ARR
    "D1",  # the credited deal
    "12 of 10",  # KPI value and goal
    "833.333333 USD → rounded 833.33 USD",
    "Paid in FY22-Q2",
    "Total to be paid (lines not held) 2,333.33 USD",
    # The CSM compares only with statements published to them (DESIGN §5): none before this one.
    "No earlier statement of CS-FY22 for FY22-Q2 was published to you.",
    "Requests and inquiries about FY22-Q2",
)


def test_the_pdf_holds_the_lines_totals_and_explanations_of_the_page(client, e1, closed_run, tmp_path):
    client.force_login(e1)
    page = " ".join(client.get(f"/my/statements/{closed_run.pk}/").content.decode().split())

    response = client.get(f"/my/statements/{closed_run.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="statement-{PERIOD}-E1-CS-FY22.pdf"'
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content, tmp_path)
    for expected in WORKED_EXAMPLE:
        assert expected in text, expected
    # Every explanation the page gives of a line (label and value) is in the PDF too.
    shown = statement_for(e1, e1, closed_run.pk)
    for item in (line_facts(line, shown.payout) for line in shown.lines):
        assert f"{item['line'].component} ({item['line'].metric}) — {item['line'].payout:,.2f} USD" in text
        for label, value in item["facts"]:
            assert label in page and label in text, label
            assert value in text, (label, value)
    assert f"{SITE}/my/statements/{closed_run.pk}/" in text  # where the statement lives online


def test_the_pdf_says_when_a_closed_quarter_was_restated(client, e1, closed_run, tmp_path, monkeypatch):
    from dashboards.csm import statements

    real = statements.payable_lines

    def restated(csm, period):
        payable = real(csm, period)
        payable.restatements = [
            Restatement("FY22-Q3", False, Decimal("166.67"), "USD", "FY22-Q2 restated: exception", "CS-FY22")
        ]
        return payable

    monkeypatch.setattr(statements, "payable_lines", restated)
    client.force_login(e1)
    text = pdf_text(client.get(f"/my/statements/{closed_run.pk}/pdf/").content, tmp_path)
    assert "FY22-Q2 was restated after its close" in text
    assert "CS-FY22: 166.67 USD to be paid in FY22-Q3 (open): FY22-Q2 restated: exception" in text


def test_the_statement_page_links_to_its_pdf(client, e1, closed_run, ops):
    client.force_login(e1)
    assert (
        f'href="/my/statements/{closed_run.pk}/pdf/"'
        in client.get(f"/my/statements/{closed_run.pk}/").content.decode()
    )
    client.force_login(ops)
    page = client.get(f"/my/E1/statements/{closed_run.pk}/").content.decode()
    assert f'href="/my/E1/statements/{closed_run.pk}/pdf/"' in page
    response = client.get(f"/my/E1/statements/{closed_run.pk}/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


def test_another_csms_pdf_is_404(client, e2, closed_run):
    client.force_login(e2)  # E2 is paid by the same run: the run's E1 statement is not theirs
    assert client.get(f"/my/E1/statements/{closed_run.pk}/pdf/").status_code == 404
    own = client.get(f"/my/statements/{closed_run.pk}/pdf/")
    assert own.status_code == 200 and "E2-CS-FY22.pdf" in own["Content-Disposition"]


def test_an_unpublished_statements_pdf_is_404_for_a_csm_but_not_for_the_geo_vp(client, e1, calculated, ops):
    run = calculate(
        period=calculated, plan=Plan.objects.get(), user=ops
    ).run  # inputs unchanged: the same run
    client.force_login(e1)
    assert client.get(f"/my/statements/{run.pk}/pdf/").status_code == 404
    client.force_login(make_user(Role.CSVP, geo="AMER"))
    assert client.get(f"/my/E1/statements/{run.pk}/pdf/").status_code == 200


def test_a_csvp_of_another_geo_gets_404_and_an_anonymous_visitor_signs_in(client, closed_run):
    client.force_login(make_user(Role.CSVP, geo="EMEA"))
    assert client.get(f"/my/E1/statements/{closed_run.pk}/pdf/").status_code == 404
    client.logout()
    response = client.get(f"/my/statements/{closed_run.pk}/pdf/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_without_weasyprint_the_pdf_answers_503_and_the_page_still_works(client, e1, closed_run, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # ``import weasyprint`` raises ImportError
    client.force_login(e1)

    response = client.get(f"/my/statements/{closed_run.pk}/pdf/")

    assert response.status_code == 503
    assert "PDF statements are unavailable on this server" in response.content.decode()
    assert client.get(f"/my/statements/{closed_run.pk}/").status_code == 200


def test_weasyprint_fetches_only_our_own_static_files():
    import weasyprint

    fetcher = pdf._fetcher(weasyprint)()
    css = fetcher(f"{SITE}/static/attain.css")
    assert b".listing" in css.read() and css.content_type == "text/css"
    for url in (
        "https://example.com/attain.css",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        f"{SITE}/static/../../../etc/passwd",
        f"{SITE}/static/%2e%2e/%2e%2e/config/settings.py",
        f"{SITE}/my/statements/1/",
        f"{SITE}/static/nothing-here.css",
        "data:text/css,body{}",
    ):
        with pytest.raises(ValueError):
            fetcher(url)


def test_a_page_referring_to_the_network_renders_without_a_connection(monkeypatch):
    import socket

    import weasyprint

    attempts = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: attempts.append(address))
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: attempts.append(args) or [])
    html = (
        '<link rel="stylesheet" href="https://example.com/x.css"><img src="http://example.com/x.png">'
        '<p style="background: url(//example.com/y.png)">Hi</p>'
    )
    document = weasyprint.HTML(string=html, base_url=f"{SITE}/", url_fetcher=pdf._fetcher(weasyprint)())

    assert document.write_pdf().startswith(b"%PDF-")
    assert attempts == []


def test_the_pdf_writes_a_kpi_value_as_its_count_and_adoption_as_a_percentage(
    client, e1, closed_run, tmp_path
):
    """docs/design.md §6 "Formats": a KPI value is a count (12 PRs), never "1,200.0%"; A is a ratio."""
    client.force_login(e1)

    text = " ".join(pdf_text(client.get(f"/my/statements/{closed_run.pk}/pdf/").content, tmp_path).split())

    assert "1,200.0%" not in text
    assert "KPI kpi yes 12 " in text
    assert "ADOPTION adoption yes 83.3%" in text
