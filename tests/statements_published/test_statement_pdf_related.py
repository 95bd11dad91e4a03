"""The PDF holds the page's "Requests and inquiries" section (DESIGN §5 "Inquiries", §6), its addresses
written out in full on SITE_URL."""

import pytest

from approvals.services import open_inquiry
from dashboards.csm import pdf
from dashboards.csm.statements import statement_for

from .conftest import PERIOD, SITE, pdf_text

pytestmark = pytest.mark.django_db


def test_the_pdf_lists_the_csms_inquiries_about_the_quarter(client, e1, closed_run, tmp_path):
    inquiry = open_inquiry(
        user=e1, period=closed_run.period, component="ADOPTION", message="Why is my adoption line low?"
    )
    client.force_login(e1)
    page = client.get(f"/my/statements/{closed_run.pk}/").content.decode()

    text = pdf_text(client.get(f"/my/statements/{closed_run.pk}/pdf/").content, tmp_path)

    assert (
        f"Requests and inquiries about {PERIOD}" in page and f"Requests and inquiries about {PERIOD}" in text
    )
    assert f"inquiry #{inquiry.pk}" in page and f"inquiry #{inquiry.pk}" in text
    assert f"{SITE}/requests/inquiries/{inquiry.pk}/" in text.replace(" ", "")
    expected = f"No exception or extra-credit request concerns the customers of this statement in {PERIOD}."
    assert expected in page and expected in text


def test_a_quarters_zip_statement_holds_the_section_as_published_to_the_csm(e1, ops, closed_run, tmp_path):
    inquiry = open_inquiry(
        user=e1, period=closed_run.period, component="KPI", message="Is the KPI goal the right one?"
    )
    # The ZIP renders each statement without a viewer: the section is the CSM's own.
    content = pdf.render(statement_for(ops, e1, closed_run.pk))

    assert f"inquiry #{inquiry.pk}" in pdf_text(content, tmp_path)
