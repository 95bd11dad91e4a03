"""The worked example of DESIGN §4 with FY22-Q2 closed and paid (2333.33) and FY22-Q3 open."""

import pytest
from django.utils import timezone

from commissions.models import Period
from commissions.services.close import close_period
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from tests.builders import sign_off
from tests.quarter.conftest import cco, load_worked_example, ops, worked  # noqa: F401 (fixtures)


@pytest.fixture
def closed_q2(db, cco, ops) -> Period:  # noqa: F811
    """FY22-Q2 of the worked example, calculated, closed by ops and signed off by finance (its payroll may
    be exported, DESIGN §5); FY22-Q3 exists and is open."""
    load_worked_example(cco)
    q2 = get_period("FY22-Q2")
    pull_scores(period=q2, user=ops)
    from commissions.models import Plan

    calculate(period=q2, plan=Plan.objects.get(code="CS-FY22"), user=ops)
    close_period(period=q2, user=ops)
    sign_off(q2)
    get_period("FY22-Q3")
    q2.refresh_from_db()
    assert q2.is_closed and timezone.localdate() > q2.end
    return q2


def import_rows(kind: str, text: str, tmp_path):
    """Import ``text`` (a CSV with its header) as ``kind`` through the import service."""
    from commissions.services.imports import import_file

    path = tmp_path / f"{kind}.csv"
    path.write_text(text)
    return import_file(kind=kind, path=path)


def close_quarter(code: str, ops) -> Period:  # noqa: F811
    """Pull, calculate and close the worked example's plan in ``code``; finance signs it off."""
    from commissions.models import Plan

    period = get_period(code)
    pull_scores(period=period, user=ops)
    calculate(period=period, plan=Plan.objects.get(code="CS-FY22"), user=ops)
    close_period(period=period, user=ops)
    sign_off(period)
    period.refresh_from_db()
    return period
