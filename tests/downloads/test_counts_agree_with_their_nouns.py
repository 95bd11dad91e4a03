"""Every count a command prints agrees with its noun (``core.words.counted``): the payroll export writes
"1 row", a calculation "1 CSM" and "1 warning", never "1 rows" or "1 CSMs"; 0 and 2 or more take the
plural."""

from io import StringIO

import pytest
from django.core.management import call_command

from commissions.models import Plan
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from core.words import counted
from dashboards.handbook import words
from tests.builders import sign_off
from tests.signoff.conftest import cco, closed, finance, ops, worked  # noqa: F401 (fixtures)


def test_a_count_of_one_takes_the_singular_and_any_other_the_plural():
    assert counted(1, "CSM") == "1 CSM"
    assert counted(0, "CSM") == "0 CSMs"
    assert counted(2, "warning") == "2 warnings"
    assert counted(1, "webhook delivery", "webhook deliveries") == "1 webhook delivery"
    assert counted(3, "webhook delivery", "webhook deliveries") == "3 webhook deliveries"
    assert counted(2051, "row") == "2,051 rows"
    # The handbook counts its days with the same function.
    assert words.counted is counted and words.days(1) == "1 day"


@pytest.mark.django_db
def test_the_payroll_export_says_it_wrote_1_row(closed, finance, tmp_path):  # noqa: F811
    sign_off(closed)
    target = tmp_path / "payroll.csv"
    err = StringIO()

    call_command("export_payouts", "FY22-Q2", "--user", finance.email, "-o", str(target), stderr=err)

    assert err.getvalue() == f"Wrote 1 row to {target}.\n"


@pytest.mark.django_db
def test_a_calculation_of_one_csm_says_1_csm(worked, ops):  # noqa: F811
    pull_scores(period=get_period("FY22-Q2"), user=ops)
    out = StringIO()

    call_command("calculate", "FY22-Q2", "--plan", "CS-FY22", "--user", ops.email, stdout=out)

    said = out.getvalue()
    run = Plan.objects.get(code="CS-FY22").runs.get()
    assert f"CS-FY22 FY22-Q2 v1: 1 CSM, total 2,333.33 USD, {counted(len(run.warnings), 'warning')}, " in said
    assert "1 CSMs" not in said and "1 warnings" not in said
