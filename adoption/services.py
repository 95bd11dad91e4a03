"""Write paths for target snapshots."""

from django.db import transaction
from django.utils import timezone

from accounts import access
from accounts.models import User
from core.calendar import FiscalYear
from core.errors import AttainError, NotFound, SnapshotFrozen

from .models import Snapshot


def approve_snapshot(*, fiscal_year: str, user: User) -> Snapshot:
    """Approve the draft snapshot of ``fiscal_year`` as ``user`` (a ``cco``); it is frozen from then on.

    Compare-and-set on the draft row, so two approvals at once approve it once. Raises ``NotAllowed``,
    ``NotFound``, ``SnapshotFrozen`` (already approved) or ``AttainError`` (no target lines).
    """
    code = FiscalYear.parse(fiscal_year).code
    access.require(access.may_approve_snapshot(user, code))
    with transaction.atomic():
        # Locked: waits for a targets import in progress (it holds the row), then sees its lines.
        snapshot = Snapshot.objects.select_for_update().filter(fiscal_year=code).first()
        if snapshot is None:
            raise NotFound(f"There is no target snapshot for {code}: import its targets first.")
        if snapshot.is_frozen:
            raise SnapshotFrozen(code)
        if not snapshot.lines.exists():
            raise AttainError(f"The target snapshot of {code} has no target lines to approve.")
        changed = Snapshot.objects.filter(pk=snapshot.pk, status=Snapshot.Status.DRAFT).update(
            status=Snapshot.Status.APPROVED, approved_by=user, approved_at=timezone.now()
        )
        if changed != 1:
            raise SnapshotFrozen(code)
    snapshot.refresh_from_db()
    return snapshot
