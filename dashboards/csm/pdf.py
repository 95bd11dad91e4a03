"""Statements as PDF (DESIGN §6): one statement, and every published statement of a closed quarter in one
ZIP for operations.

The PDF holds what the statement page holds (``statements.statement_for`` and the page's tables and
derivations): the payout lines, how each was computed, the customers of the book, the credited deals, what
the quarter pays with true-ups and holds, the restated notice, and the requests and inquiries about the
quarter (``related.related_to``, their addresses written out in full). WeasyPrint renders
``templates/dashboards/csm/statement_pdf.html``, which carries its own style; it fetches nothing from the
network (``_OwnStaticFiles`` serves our static files, should a template ever use one, and refuses every
other URL). It is imported lazily: on a machine where it cannot
load (no Pango), a PDF is refused with ``PdfUnavailable`` and the rest of the site works.
"""

from __future__ import annotations

import logging
import mimetypes
import re
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from commissions.models import Payout, Period
from core.errors import AttainError
from core.links import absolute_url

from .derivation import line_facts
from .related import related_to
from .statements import Statement, statement_for
from .tables import statement_tables

TEMPLATE = "dashboards/csm/statement_pdf.html"
# The kinds of our static files a statement may use (its stylesheet; images, fonts if ever added).
# A quarter's ZIP stays in memory up to this size, then spills to a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024
SERVED = {"text/css", "image/png", "image/svg+xml", "image/jpeg", "font/woff", "font/woff2", "font/ttf"}


class PdfUnavailable(AttainError):
    """WeasyPrint (or the Pango library it needs) cannot load on this server."""


def weasyprint():
    """The ``weasyprint`` module, imported on first use; ``PdfUnavailable`` when it cannot load."""
    try:
        import weasyprint as module
    except (ImportError, OSError) as exc:  # OSError: the module is there but Pango is not
        raise PdfUnavailable(
            "PDF statements are unavailable on this server: the PDF library (WeasyPrint with Pango) "
            "cannot be loaded. The statement page and its CSV and Excel downloads work as usual."
        ) from exc
    # WeasyPrint reports each rendering step at INFO: a quarter's ZIP would fill the log with them.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    return module


def _safe(text: str) -> str:
    """A file-name part: letters, digits, dot, underscore and hyphen; anything else becomes a hyphen."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "x"


def _who_and_plan(statement: Statement) -> str:
    employee = statement.payout.employee
    return f"{_safe(employee.employee_id or str(employee.pk))}-{_safe(statement.run.plan.code)}"


def file_name(statement: Statement) -> str:
    """``statement-FY22-Q2-E1-CS-FY22.pdf``: quarter, employee id and plan."""
    return f"statement-{_safe(statement.run.period.code)}-{_who_and_plan(statement)}.pdf"


def zip_member(statement: Statement) -> str:
    """``FY22-Q2/E1-CS-FY22.pdf``: the statement's name inside a quarter's ZIP."""
    return f"{_safe(statement.run.period.code)}/{_who_and_plan(statement)}.pdf"


def statement_pdf(
    *, viewer: User, csm: User, run_id: int, employee_id: str | None = None
) -> tuple[str, bytes]:
    """The file name and PDF of ``csm``'s statement in run ``run_id`` as ``viewer`` may see it.

    ``employee_id``: the page's URL variant (``/my/<employee_id>/…``) the PDF links back to. Raises
    ``PdfUnavailable`` before reading anything when WeasyPrint cannot load; ``Http404`` outside the
    viewer's scope (a CSM: their own published statements only), as the page does.
    """
    module = weasyprint()
    shown = statement_for(viewer, csm, run_id)
    return file_name(shown), render(shown, module=module, employee_id=employee_id, viewer=viewer)


def render(
    statement: Statement, *, module=None, employee_id: str | None = None, viewer: User | None = None
) -> bytes:
    """The statement as PDF bytes (A4), from the print template.

    ``viewer``: whose reach the requests and inquiries section follows, as the page does; by default the
    statement's CSM (a quarter's ZIP holds each CSM's statement as published to them)."""
    module = module or weasyprint()
    csm = statement.payout.employee
    kwargs = {"run_id": statement.run.pk}
    if employee_id is not None:
        kwargs["employee_id"] = employee_id
    context = {
        "csm": csm,
        "statement": statement,
        **_related(related_to(viewer or csm, csm, statement)),
        "run": statement.run,
        "tables": statement_tables(statement),
        "facts": [line_facts(line, statement.payout) for line in statement.lines],
        "page_url": absolute_url(reverse("dashboards:csm-statement", kwargs=kwargs)),
        # The plan's handbook, linked from every statement (docs/handbook.md).
        "handbook_url": absolute_url(reverse("dashboards:handbook", args=[statement.run.plan.code])),
        "generated_at": timezone.now(),
    }
    html = render_to_string(TEMPLATE, context)
    document = module.HTML(string=html, base_url=absolute_url("/"), url_fetcher=_fetcher(module)())
    return document.write_pdf()


def _related(related) -> dict:
    """The page's "Requests and inquiries" section for print: each row with its absolute address (the
    request's only when the viewer may open it), since a PDF's reader follows no site-relative link."""
    return {
        "related": related,
        "related_requests": [(req, absolute_url(req.url) if req.url else "") for req in related.requests],
        "related_inquiries": [
            (inquiry, absolute_url(reverse("approvals:inquiry_detail", args=[inquiry.pk])))
            for inquiry in related.inquiries
        ],
    }


def _fetcher(module):
    """A WeasyPrint URL fetcher that serves our own static files (by the staticfiles finders, as the site
    does) and refuses every other URL: a statement never reaches the network or the file system."""

    class _OwnStaticFiles(module.urls.URLFetcher):
        def fetch(self, url, headers=None):
            prefix = absolute_url(static(""))
            if not url.startswith(prefix) or urlsplit(url).query:
                raise ValueError(f"not one of Attain's static files: {url}")
            path = unquote(url[len(prefix) :])
            kind = mimetypes.guess_type(path)[0]
            try:
                found = finders.find(path) if kind in SERVED else None
            except SuspiciousFileOperation:
                found = None
            if not found:
                raise ValueError(f"no such static file: {url}")
            with open(found, "rb") as handle:
                return module.urls.URLFetcherResponse(url, handle.read(), {"Content-Type": kind})

    return _OwnStaticFiles


def published_payouts(period: Period):
    """The payouts of ``period``'s final runs (its published statements), by employee and plan."""
    return (
        Payout.objects.filter(run__period=period, run__is_final=True)
        .select_related("employee", "run__plan", "run__period")
        .order_by("employee__employee_id", "employee_id", "run__plan__code")
    )
