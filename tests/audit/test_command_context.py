"""Changes made by management commands carry the command and the person in the audit context."""

import pytest
from django.core.management import call_command

from audit.models import PeriodStatusEvent
from commissions.models import Plan, Run
from commissions.services.runs import prepare

from .conftest import postgres_only

pytestmark = [pytest.mark.django_db, postgres_only]


def test_a_command_with_user_records_that_user_and_the_command(ops, plan, period):
    # A run of the quarter's current inputs (close accepts only a current run).
    digest = prepare(period=period, plan=Plan.objects.get(pk=plan.pk))[1]
    Run.objects.create(plan=plan, period=period, version=1, fingerprint=digest, status="succeeded")
    call_command("close_period", "FY22-Q2", user="ops@example.com")
    event = PeriodStatusEvent.objects.get(pgh_obj_id=period.pk, pgh_label="update")
    assert event.pgh_context.metadata == {"command": "close_period", "user": ops.pk}


def test_a_command_without_user_records_the_operating_system_user(db):
    # A pull may start FY22-Q3 only when a plan of FY22 exists.
    Plan.objects.create(code="CS-FY22", name="CS plan", fiscal_year="FY22", currency="USD")
    call_command("pull_scores", "FY22-Q3")
    event = PeriodStatusEvent.objects.filter(pgh_label="insert").get(code="FY22-Q3")
    metadata = event.pgh_context.metadata
    assert metadata["command"] == "pull_scores" and metadata["os_user"] and "user" not in metadata
