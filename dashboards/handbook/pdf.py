"""The plan handbook as PDF (docs/handbook.md), beside the statement PDFs: the page's content
(``templates/dashboards/handbook/_content.html``) in a print template with its own style, rendered by
WeasyPrint as the statements are (``dashboards.csm.pdf.weasyprint``: ``PdfUnavailable`` where it cannot
load). A handbook uses no file and no address: its URL fetcher refuses every one.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from commissions.models import Plan
from core.links import absolute_url
from dashboards.csm.pdf import weasyprint

from .builder import Handbook, build_handbook

TEMPLATE = "dashboards/handbook/handbook_pdf.html"


def file_name(plan: Plan) -> str:
    """``handbook-CS-FY22.pdf``."""
    return f"handbook-{plan.code}.pdf"


def zip_member(period_code: str, plan: Plan) -> str:
    """``FY22-Q2/handbook-CS-FY22.pdf``: the handbook's name in a quarter's ZIP of statements."""
    return f"{period_code}/{file_name(plan)}"


def handbook_pdf(plan: Plan, *, reader: User | None, quarter: str | None = None) -> tuple[str, bytes]:
    """The file name and PDF of ``plan``'s handbook for ``reader`` in ``quarter`` (``build_handbook``).
    Raises ``PdfUnavailable`` before reading anything when WeasyPrint cannot load, ``NotFound`` for a
    quarter that is not the plan's. The caller has checked ``access.may_see_handbook``."""
    module = weasyprint()
    return file_name(plan), render(build_handbook(plan, reader=reader, quarter=quarter), module=module)


def archived(plan: Plan, period_code: str, *, module=None) -> tuple[str, bytes]:
    """The member name and PDF of ``plan``'s handbook in the ZIP of ``period_code``'s statements: as of
    that quarter, with the example's round on-target amount (the ZIP is for everyone it pays)."""
    return zip_member(period_code, plan), render(build_handbook(plan, quarter=period_code), module=module)


def render(handbook: Handbook, *, module=None) -> bytes:
    """The handbook as PDF bytes (A4)."""
    module = module or weasyprint()
    page = reverse("dashboards:handbook", args=[handbook.plan.code]) + f"?period={handbook.quarter}"
    # Written as the statement PDF writes it: the time and its zone (TIME_ZONE), "2026-12-07 02:30 UTC".
    context = {
        "handbook": handbook,
        "page_url": absolute_url(page),
        "generated_at": timezone.now(),
        "time_zone": timezone.get_current_timezone_name(),
    }
    html = render_to_string(TEMPLATE, context)
    return module.HTML(string=html, base_url=absolute_url("/"), url_fetcher=_nothing(module)).write_pdf()


def _nothing(module):
    """A URL fetcher that refuses every URL: the handbook's template carries everything it shows."""

    class _Nothing(module.urls.URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"a handbook fetches nothing: {url}")

    return _Nothing()
