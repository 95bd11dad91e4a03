"""DESIGN §5: a closed quarter's payroll is exported only after finance signed off its payouts — by the
command, the console and the API (409 with the reason) alike; a re-open revokes it until signed off again."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from commissions.models import PayrollExport
from commissions.services.close import close_period, reopen_period
from commissions.services.signoff import sign_off_payouts

from .conftest import COMMENT

pytestmark = pytest.mark.django_db
REFUSAL = "FY22-Q2 is closed but its payouts are not signed off by finance yet: "
ROW = "FY22-Q2,E1,e1@example.com,CS-FY22,USD,2333.33,commission,"


def export_command(*args) -> str:
    out = StringIO()
    call_command("export_payouts", "FY22-Q2", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_refuses_before_the_sign_off_and_writes_no_file(closed, tmp_path):
    target = tmp_path / "payroll.csv"
    with pytest.raises(CommandError, match=REFUSAL):
        export_command("-o", str(target))
    assert not target.exists() and not PayrollExport.objects.exists()


def test_the_command_exports_after_the_sign_off(closed, finance):
    sign_off_payouts(period=closed, user=finance, comment=COMMENT)
    assert export_command().splitlines()[1:] == [ROW]


def test_the_console_refuses_with_a_message_then_downloads_after_the_sign_off(client, closed, ops, finance):
    client.force_login(ops)
    refused = client.get("/console/export/?period=FY22-Q2", follow=True)
    assert any(str(m).startswith(REFUSAL) for m in refused.context["messages"])

    sign_off_payouts(period=closed, user=finance, comment=COMMENT)
    response = client.get("/console/export/?period=FY22-Q2")
    assert response["Content-Type"].startswith("text/csv") and ROW in response.content.decode()


def test_the_api_answers_409_with_the_reason_then_200_after_the_sign_off(closed, ops, finance):
    api = APIClient()
    api.force_authenticate(finance)
    refused = api.get("/api/payouts.csv?period=FY22-Q2")
    assert refused.status_code == 409
    assert refused.json()["error"]["message"].startswith(REFUSAL)

    sign_off_payouts(period=closed, user=finance, comment=COMMENT)
    response = api.get("/api/payouts.csv?period=FY22-Q2")
    assert response.status_code == 200 and ROW in response.content.decode()


def test_a_reopened_and_closed_again_quarter_waits_for_a_new_sign_off(closed, ops, finance):
    sign_off_payouts(period=closed, user=finance, comment=COMMENT)
    reopen_period(period=closed, user=ops, reason="KPI file was the wrong one.")
    closed.refresh_from_db()
    close_period(period=closed, user=ops)

    with pytest.raises(CommandError, match=REFUSAL):
        export_command()
    sign_off_payouts(period=closed, user=finance, comment="Checked again after the re-close.")
    assert export_command().splitlines()[1:] == [ROW]


def test_an_output_file_that_cannot_be_written_is_one_clear_error(closed, finance, tmp_path):
    sign_off_payouts(period=closed, user=finance, comment=COMMENT)
    target = tmp_path / "no-such-folder" / "payroll.csv"

    with pytest.raises(CommandError, match=r"Cannot write .*payroll\.csv: No such file or directory\."):
        export_command("-o", str(target))
    assert not PayrollExport.objects.exists()
