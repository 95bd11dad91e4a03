"""Event tables of the audit trail: one django-pghistory event model per audited model (issue 4 §5).

On PostgreSQL, row-level triggers write an event for every insert, update and delete of the audited
tables — ORM saves, queryset ``update()``/``delete()``, ``bulk_create``/``bulk_update`` and raw SQL
alike — with the pghistory context (who, from which URL or command) when one is set. Each event stores
the whole row *as it is after* the change (*before* for deletes); the value before an update is the
previous event of the same row, which ``pghistory.models.Events`` exposes as ``pgh_diff``.

The tracked models' own files stay untouched: the event models are declared here, ``app_label="audit"``.
Event rows are append-only (a database trigger refuses to update or delete them). SQLite has no triggers
and these tables stay empty there: docs/audit.md says what the demo records instead.
"""

import pghistory
from django.db import models

from accounts.models import UserRole
from adoption.models import Snapshot, TargetLine
from approvals.models import Request
from commissions.models import (
    Assignment,
    Component,
    Correction,
    Hold,
    PayoutSignOff,
    Period,
    Plan,
    Run,
    TrueUp,
)
from webhooks.models import WebhookEndpoint


def _event_model(tracked: type[models.Model], name: str, *, update=None, exclude=None, verbose: str):
    """An append-only event model of ``tracked`` recording inserts, updates and deletes."""
    return pghistory.create_event_model(
        tracked,
        pghistory.InsertEvent(),
        update or pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        exclude=exclude,
        # No database constraint and DO_NOTHING: the event outlives the row it describes.
        obj_field=pghistory.ObjForeignKey(related_name="audit_events"),
        append_only=True,
        model_name=name,
        app_label="audit",
        abstract=False,
        meta={"verbose_name": f"{verbose} event", "verbose_name_plural": f"{verbose} events"},
    )


UserRoleEvent = _event_model(UserRole, "UserRoleEvent", verbose="role")
# A draft's revision counter moves with each targets import (the imports are recorded themselves); the
# approval comment is written once, with the approval, and the approved row is frozen.
SnapshotEvent = _event_model(
    Snapshot, "SnapshotEvent", exclude=["revision", "approval_comment"], verbose="snapshot"
)
TargetLineEvent = _event_model(TargetLine, "TargetLineEvent", verbose="target line")
PlanEvent = _event_model(Plan, "PlanEvent", verbose="plan")
ComponentEvent = _event_model(Component, "ComponentEvent", verbose="component")
AssignmentEvent = _event_model(Assignment, "AssignmentEvent", verbose="assignment")
# Any change of a period row is recorded; in practice that is its status and who closed it when.
PeriodStatusEvent = _event_model(Period, "PeriodStatusEvent", verbose="period")
# A run is audited when it starts, when its status changes and when it is marked final — not on each
# progress tick, and without its timings.
RunEvent = _event_model(
    Run,
    "RunEvent",
    update=pghistory.UpdateEvent(condition=pghistory.AnyChange("status", "is_final")),
    exclude=["progress", "timings"],
    verbose="run",
)
RequestEvent = _event_model(Request, "RequestEvent", verbose="request")
CorrectionEvent = _event_model(Correction, "CorrectionEvent", verbose="correction")
TrueUpEvent = _event_model(TrueUp, "TrueUpEvent", verbose="true-up")
HoldEvent = _event_model(Hold, "HoldEvent", verbose="hold")
# Finance's sign-off of a closed quarter's payouts and its revocation by a re-open (DESIGN §5).
PayoutSignOffEvent = _event_model(PayoutSignOff, "PayoutSignOffEvent", verbose="payout sign-off")
# Who configured which URL for which events, and when its secret was replaced — never the secret itself
# (docs/audit.md): the event table has no column for it, and a replacement is seen in secret_rotated_at.
WebhookEndpointEvent = _event_model(
    WebhookEndpoint, "WebhookEndpointEvent", exclude=["secret"], verbose="webhook endpoint"
)
