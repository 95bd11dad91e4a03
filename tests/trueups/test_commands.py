"""Issue 14 from the shell: record a correction from a file, see its effect, apply it, hold and release."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commissions.models import Correction, Hold, TrueUp


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_a_kpi_correction_from_a_file_is_recorded_shown_and_applied(closed_q2, ops, tmp_path):
    path = tmp_path / "kpis.csv"
    path.write_text("period,employee_id,kpi,value\nFY22-Q2,E1,prs,5\n")
    shown = run(
        "record_correction", "FY22-Q2", "kpi", str(path), "--reason", "PR count fixed", "--user", ops.email
    )
    assert "(kpi, pending)" in shown and "CS-FY22 E1: -500.00" in shown
    correction = Correction.objects.get()
    assert f"#{correction.pk} FY22-Q2 kpi: PR count fixed" in run("apply_correction")
    applied = run("apply_correction", str(correction.pk), "--user", ops.email)
    assert "1 true-up line(s) paid in FY22-Q3" in applied and "E1 CS-FY22 KPI: -500.00 USD" in applied
    assert "no payout changes" in run("apply_correction", str(correction.pk), "--user", ops.email)
    assert TrueUp.objects.count() == 1


@pytest.mark.django_db
def test_a_correction_file_of_another_quarter_is_refused_and_nothing_is_recorded(closed_q2, ops, tmp_path):
    path = tmp_path / "kpis.csv"
    path.write_text("period,employee_id,kpi,value\nFY22-Q3,E1,prs,5\n")
    with pytest.raises(CommandError, match="Line 2: period FY22-Q3 is not the corrected quarter FY22-Q2"):
        run("record_correction", "FY22-Q2", "kpi", str(path), "--reason", "wrong file", "--user", ops.email)
    assert not Correction.objects.exists()


@pytest.mark.django_db
def test_hold_and_release_from_the_shell(closed_q2, ops):
    assert "Held E1's CS-FY22 line of FY22-Q2." in run(
        "hold_payout", "FY22-Q2", "E1", "CS-FY22", "--reason", "leaver, final pay check", "--user", ops.email
    )
    assert run("export_payouts", "FY22-Q2").count("\n") == 1
    released = run(
        "hold_payout", "FY22-Q2", "E1", "CS-FY22", "--release", "--reason", "cleared", "--user", ops.email
    )
    assert "2333.33 paid in FY22-Q3" in released
    assert Hold.objects.get().released_in.code == "FY22-Q3"
