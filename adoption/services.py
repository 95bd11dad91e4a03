"""Write paths for target snapshots."""

from django.db import transaction
from django.utils import timezone

from accounts import access
from accounts.models import User
from core.calendar import FiscalYear
from core.errors import AttainError, Conflict, NotFound, SnapshotFrozen
from core.text import CONTROL_CHARACTERS

from .models import Snapshot

MAX_COMMENT = 2000


def _checked_comment(comment: str | None) -> str:
    """An approval's comment, stripped; ``AttainError`` when too long or holding a control character."""
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise AttainError(
            f"The approval comment is {len(comment):,} characters long: at most {MAX_COMMENT:,}."
        )
    found = CONTROL_CHARACTERS.search(comment)
    if found:
        raise AttainError(
            f"The approval comment holds the control character U+{ord(found.group()):04X}: remove it."
        )
    return comment


def approve_snapshot(
    *, fiscal_year: str, user: User, comment: str = "", revision: int | None = None
) -> Snapshot:
    """Approve the draft snapshot of ``fiscal_year`` as ``user`` (a ``cco``); it is frozen from then on
    (DESIGN §3 "Target snapshots"). ``comment`` (optional, at most ``MAX_COMMENT`` characters) is kept on
    the snapshot; ``revision``, when given, is the draft revision the person reviewed: a draft that
    changed since is not approved.

    Compare-and-set on the draft row, so two approvals at once approve it once. Raises ``NotAllowed``,
    ``NotFound``, ``SnapshotFrozen`` (already approved), ``Conflict`` (the draft changed since
    ``revision``) or ``AttainError`` (no target lines; a comment too long or holding a control
    character).
    """
    code = FiscalYear.parse(fiscal_year).code
    access.require(access.may_approve_snapshot(user, code))
    comment = _checked_comment(comment)
    with transaction.atomic():
        # Locked: waits for a targets import in progress (it holds the row), then sees its lines.
        snapshot = Snapshot.objects.select_for_update().filter(fiscal_year=code).first()
        if snapshot is None:
            raise NotFound(f"There is no target snapshot for {code}: import its targets first.")
        if snapshot.is_frozen:
            raise SnapshotFrozen(code)
        if revision is not None and snapshot.revision != revision:
            raise Conflict(
                f"The draft of {code} changed since you reviewed it (revision {revision}; it is now"
                f" revision {snapshot.revision}): review the changes again before approving."
            )
        if not snapshot.lines.exists():
            raise AttainError(f"The target snapshot of {code} has no target lines to approve.")
        changed = Snapshot.objects.filter(pk=snapshot.pk, status=Snapshot.Status.DRAFT).update(
            status=Snapshot.Status.APPROVED,
            approved_by=user,
            approved_at=timezone.now(),
            approval_comment=comment,
        )
        if changed != 1:
            raise SnapshotFrozen(code)
    snapshot.refresh_from_db()
    return snapshot
