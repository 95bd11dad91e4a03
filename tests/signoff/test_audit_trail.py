"""A sign-off and its revocation by a re-open are audited like holds and corrections (docs/audit.md): on
PostgreSQL every insert and update of the row is an event; the row itself is never deleted."""

import pytest
from django.db import connection

from commissions.services.close import reopen_period
from commissions.services.signoff import sign_off_payouts

from .conftest import COMMENT

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="pghistory's triggers run on PostgreSQL only"
    ),
]


def test_signing_off_and_revoking_are_row_events(closed, ops, finance):
    from audit.models import PayoutSignOffEvent

    done = sign_off_payouts(period=closed, user=finance, comment=COMMENT)
    reopen_period(period=closed, user=ops, reason="Wrong KPI file imported.")

    events = list(PayoutSignOffEvent.objects.filter(pgh_obj_id=done.pk).order_by("pgh_id"))
    assert [event.pgh_label for event in events] == ["insert", "update"]
    assert events[0].revoked_at is None and events[1].revoked_by_id == ops.pk
