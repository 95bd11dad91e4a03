"""A closed quarter whose final run recorded its fingerprint before assignment ends were hashed as the
quarter reads them (an end on or after its last day hashed as the date) is still read as paid: its
corrections are restated, not refused as inputs changed behind its back (commissions.loaders
``fingerprints``; DESIGN §3 "Frozen and closed data")."""

from contextlib import nullcontext
from datetime import date
from decimal import Decimal

import pgtrigger
import pytest
from django.db import connection

from commissions.loaders import fingerprint, load_quarter
from commissions.models import Assignment, Plan, Run
from commissions.services.corrections import apply_correction, record_correction

pytestmark = pytest.mark.django_db


def behind_the_freeze():
    """PostgreSQL refuses changes to a closed quarter's runs (commissions.frozen): ignored here to stand
    for a run recorded before; SQLite has no triggers."""
    if connection.vendor != "postgresql":
        return nullcontext()
    return pgtrigger.ignore("commissions.Run:run_closed_quarter")


def test_a_final_run_with_the_fingerprint_of_ends_as_stored_is_still_restated(closed_q2, ops):
    plan = Plan.objects.get(code="CS-FY22")
    Assignment.objects.filter(plan=plan).update(end_date=date(2022, 1, 31))  # past FY22-Q2's last day
    final = Run.objects.get(plan=plan, period=closed_q2, is_final=True)
    inputs = load_quarter(plan=plan, period=closed_q2, pull=final.pull)
    legacy = fingerprint(inputs, ends_as_read=False)
    assert legacy != fingerprint(inputs)
    with behind_the_freeze():
        Run.objects.filter(pk=final.pk).update(fingerprint=legacy)  # as such a run recorded it

    correction = record_correction(
        period=closed_q2,
        kind="kpi",
        rows=[{"employee_id": "E1", "kpi": "prs", "value": "5"}],
        reason="PRs were counted twice in June.",
        user=ops,
    )
    [line] = apply_correction(correction=correction, user=ops)
    assert line.amount == Decimal("-500.00")
