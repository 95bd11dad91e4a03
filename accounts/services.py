"""Write paths for people's roles (DESIGN §1): every change of roles is recorded with who and when."""

from __future__ import annotations

from collections.abc import Iterable

from .models import RoleChange, User


def record_role_changes(
    changes: Iterable[tuple[User, Iterable[str], Iterable[str]]],
    *,
    by: User | None,
    source: str,
    note: str = "",
) -> list[RoleChange]:
    """Record ``(person, roles before, roles after)`` changes made by ``by``; unchanged sets are skipped."""
    rows = [
        RoleChange(
            user=user, by=by, before=sorted(before), after=sorted(after), source=source, note=note[:500]
        )
        for user, before, after in changes
        if set(before) != set(after)
    ]
    return RoleChange.objects.bulk_create(rows)
