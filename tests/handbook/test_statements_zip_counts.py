"""The statements ZIP's page counts what the archive holds (docs/handbook.md "Where it is"): its
statements and, after them, one plan handbook per plan paid — never the handbooks as statements nor as
"PDFs" of a number the ZIP does not hold."""

import io
import re
import zipfile

import pytest

from dashboards import archives, tasks
from dashboards.models import StatementArchive

from .conftest import PLAN
from .test_timeline_and_links import closed_run, needs_weasyprint  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_archives(monkeypatch):
    """``build_statement_archive.delay`` runs the task at once, in this process, as without REDIS_URL."""
    monkeypatch.setattr(
        tasks.build_statement_archive,
        "delay",
        lambda *args, **kwargs: tasks.build_statement_archive.apply(args, kwargs),
    )


@needs_weasyprint
@pytest.mark.usefixtures("closed_run")
def test_the_archive_page_counts_the_statements_and_the_handbooks_the_zip_holds(
    client, ops, django_capture_on_commit_callbacks
):
    client.force_login(ops)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/console/statements/", {"period": "FY22-Q2"})
    archive = StatementArchive.objects.get()

    page = " ".join(client.get(f"/console/statements/{archive.pk}/").content.decode().split())
    names = zipfile.ZipFile(io.BytesIO(bytes(archive.data))).namelist()

    # E1's statement and CS-FY22's handbook: the page says so, in the singular.
    assert names == ["FY22-Q2/E1-CS-FY22.pdf", f"FY22-Q2/handbook-{PLAN}.pdf"]
    assert archives.archive_contents(archive) == {"statements": 1, "handbooks": 1}
    counted = re.search(r'<span class="muted" id="archive-contents">\(([^,]+),', page).group(1)
    assert counted == "1 statement and 1 plan handbook"
    assert "PDFs" not in page and "1 PDF" not in page
    assert [p.code for p in archives.handbook_plans(archive.run_ids)] == [PLAN]
