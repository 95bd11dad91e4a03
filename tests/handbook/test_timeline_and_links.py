"""The handbook's timeline follows the year as it happens (docs/handbook.md "Timeline"): the snapshot's
approval, each quarter's pull date, and its pull, close and sign-off once they happen; every statement links
to its plan's handbook, its PDF too; the handbook's PDF renders (WeasyPrint) with the page's content."""

import html
import subprocess

import pytest
from django.utils import timezone

from accounts.models import Role
from adoption.models import Snapshot
from commissions.models import Plan
from commissions.services.close import close_period
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from dashboards.handbook.builder import build_handbook
from tests.builders import make_user, sign_off

from .conftest import PAGE, PLAN

pytestmark = pytest.mark.django_db


def _weasyprint_loads() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: the module is there, Pango is not
        return False
    return True


needs_weasyprint = pytest.mark.skipif(
    not _weasyprint_loads(), reason="WeasyPrint (with Pango) cannot load here"
)


@pytest.fixture
def closed_run(e1, ops, django_capture_on_commit_callbacks):
    """FY22-Q2 pulled, calculated and closed by ops. Returns the final run."""
    period = get_period("FY22-Q2")
    pull_scores(period=period, user=ops)
    calculate(period=period, plan=Plan.objects.get(code=PLAN), user=ops)
    with django_capture_on_commit_callbacks(execute=True):
        (run,) = close_period(period=period, user=ops)
    return run


def _quarters(plan) -> dict:
    return {q.code: q for q in build_handbook(plan, quarter="FY22-Q2").timeline.quarters}


def test_the_timeline_shows_the_snapshot_pull_dates_and_what_happened(e1, closed_run):
    plan = Plan.objects.get(code=PLAN)
    snapshot = Snapshot.objects.get(fiscal_year="FY22")

    timeline = build_handbook(plan, quarter="FY22-Q2").timeline
    quarters = {q.code: q for q in timeline.quarters}

    assert timeline.snapshot_status == "approved"
    assert timeline.approved_at == timezone.localtime(snapshot.approved_at)
    assert [q.pull_date.isoformat() for q in timeline.quarters] == [
        "2021-05-01",
        "2021-08-01",
        "2021-11-01",
        "2022-02-01",
    ]
    q2 = quarters["FY22-Q2"]
    assert q2.pulled_at is not None and q2.closed_at == timezone.localtime(closed_run.period.closed_at)
    assert q2.signed_off_at is None and q2.state.startswith("closed: its statements are published")
    assert quarters["FY22-Q3"].closed_at is None
    # The year-end window: from the year's last pull date, YEAR_END_WINDOW_DAYS (60) days after it.
    assert (timeline.year_end_first.isoformat(), timeline.year_end_last.isoformat()) == (
        "2022-02-01",
        "2022-04-02",
    )

    signed = sign_off(closed_run.period)

    q2 = _quarters(plan)["FY22-Q2"]
    assert q2.signed_off_at == timezone.localtime(signed.signed_at)
    assert q2.state == "closed and signed off: its payroll may be exported"


def test_every_statement_links_to_its_plans_handbook(client, e1, closed_run):
    client.force_login(e1)

    page = client.get(f"/my/statements/{closed_run.pk}/").content.decode()

    assert f'href="/handbook/{PLAN}/?period=FY22-Q2"' in page
    assert f'href="/handbook/{PLAN}/pdf/?period=FY22-Q2"' in page
    assert client.get(f"/handbook/{PLAN}/?period=FY22-Q2").status_code == 200


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "file.pdf"
    path.write_bytes(content)
    out = subprocess.run(["/usr/bin/pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
    return " ".join(out.stdout.split())


@needs_weasyprint
def test_the_handbook_pdf_holds_the_pages_content(client, e1, tmp_path):
    client.force_login(e1)

    response = client.get(f"{PAGE}pdf/", {"period": "FY22-Q2"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="handbook-{PLAN}.pdf"'
    text = _pdf_text(response.content, tmp_path)
    for expected in (
        "Plan handbook",
        "ADOPTION 33.3%, NRR 33.3%, KPI 33.3%",
        "3,000.00 USD",
        "1,500.00 USD",
        "3,500.00 USD",
        "The plan's new-customer window is 90 days",
        "When is my score pulled?",
        f"/handbook/{PLAN}/?period=FY22-Q2",
    ):
        assert expected in html.unescape(text), expected


@needs_weasyprint
def test_the_statement_pdf_names_the_handbooks_address(client, e1, closed_run, tmp_path, settings):
    settings.SITE_URL = "https://attain.example.com"
    client.force_login(e1)

    text = _pdf_text(client.get(f"/my/statements/{closed_run.pk}/pdf/").content, tmp_path)

    assert f"https://attain.example.com/handbook/{PLAN}/" in text


def test_without_weasyprint_the_handbook_pdf_answers_503(client, e1, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # ``import weasyprint`` raises ImportError
    client.force_login(make_user(Role.OPS, geo=""))

    response = client.get(f"{PAGE}pdf/")

    assert response.status_code == 503
    assert "The handbook's PDF is unavailable on this server" in html.unescape(response.content.decode())
