"""The handbook as the statements ZIP holds it is for everyone it pays (docs/handbook.md "Where it is"): no
reader, so its example amount is said neutrally — never "you are not on the plan" to the people on it — and
the handbook PDF writes when it was generated with its time zone, as the statement PDF does."""

import html
import re
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from commissions.models import Plan
from dashboards.handbook import pdf
from dashboards.handbook.builder import build_handbook

from .conftest import PLAN
from .test_timeline_and_links import _pdf_text, needs_weasyprint

pytestmark = pytest.mark.django_db

NEUTRAL = "With an example on-target amount of 10,000.00 USD for a quarter; your own statement shows yours."


def _text(markup: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", markup).split()))


def _pdf_page(handbook, **extra) -> str:
    context = {"handbook": handbook, "page_url": "/handbook/", "generated_at": timezone.now(), **extra}
    return _text(render_to_string(pdf.TEMPLATE, context))


def test_the_handbook_without_a_reader_says_the_example_amount_neutrally(e1):
    plan = Plan.objects.get(code=PLAN)

    text = _pdf_page(build_handbook(plan, quarter="FY22-Q2"))

    assert NEUTRAL in text
    assert "you are not on" not in text and "a person on it sees their own" not in text


def test_a_reader_not_on_the_plan_is_still_told_so(e1, manager):
    plan = Plan.objects.get(code=PLAN)

    text = _pdf_page(build_handbook(plan, reader=manager, quarter="FY22-Q2"))

    assert f"you are not on {PLAN} in FY22-Q2; a person on it sees their own" in text
    assert "your own statement shows yours" not in text


def test_the_pdf_writes_the_generation_time_with_its_zone(e1, monkeypatch):
    plan = Plan.objects.get(code=PLAN)
    moment = datetime(2026, 12, 7, 2, 30, tzinfo=UTC)
    monkeypatch.setattr(pdf.timezone, "now", lambda: moment)
    written = []

    class HTML:  # WeasyPrint's entry point, keeping the HTML it is given
        def __init__(self, *, string, **kwargs):
            written.append(string)

        def write_pdf(self):
            return b"%PDF"

    module = SimpleNamespace(HTML=HTML, urls=SimpleNamespace(URLFetcher=object))

    pdf.render(build_handbook(plan), module=module)

    # As the statement PDF: "generated 2026-12-07 02:30 UTC" (TIME_ZONE is UTC here).
    assert "generated 2026-12-07 02:30 UTC from the plan" in _text(written[0])


@needs_weasyprint
def test_the_zips_handbook_pdf_is_neutral_and_dated_in_utc(e1, tmp_path):
    plan = Plan.objects.get(code=PLAN)

    name, content = pdf.archived(plan, "FY22-Q2")

    text = html.unescape(_pdf_text(content, tmp_path))
    assert name == f"FY22-Q2/handbook-{PLAN}.pdf"
    assert "your own statement shows yours" in text and "you are not on" not in text
    assert re.search(r"generated \d{4}-\d\d-\d\d \d\d:\d\d UTC", text)
