"""The `employees` import (DESIGN §3): people, their managers and roles.

Not a plain table upsert: an employee is a ``User`` (unusable password until they sign in another way),
may name a manager listed later in the same file, and holds a set of ``UserRole`` rows that the file's
set replaces. Roles are an admin's to change, never their own (``access.may_change_roles``): anyone who
may import people may create them and change names, geos and managers, but a row that adds or removes a
role is refused unless the importer is an admin other than the person. Role changes are recorded.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db.models.functions import Lower

from accounts import access
from accounts.models import RoleChange, User, UserRole
from accounts.services import record_role_changes
from core.history import history_context

from .base import Counts, ParsedFile, RowError

PROFILE = ("email", "name", "geo")


def check_emails(parsed: ParsedFile) -> list[RowError]:
    """An e-mail address belongs to one person: once in the file, and not to another stored user."""
    employee_at, email_at = parsed.index("employee_id"), parsed.index("email")
    errors: list[RowError] = []
    first: dict[str, int] = {}
    owner_in_file: dict[str, str] = {}
    for row in parsed.rows:
        line = first.setdefault(row[email_at], row[0])
        if line != row[0]:
            errors.append(
                RowError(row[0], "email", row[email_at], f"duplicate email: already on line {line}")
            )
        owner_in_file.setdefault(row[email_at], row[employee_at])
    # Case-insensitive, as everywhere (accounts.emails): file e-mails are lower-cased by the parser.
    stored = (
        User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=list(owner_in_file))
        .values_list("email_lower", "employee_id")
    )
    taken = {email: employee_id for email, employee_id in stored if employee_id != owner_in_file[email]}
    for row in parsed.rows:
        if row[email_at] in taken and first[row[email_at]] == row[0]:
            holder = taken[row[email_at]]
            who = f"employee {holder}" if holder else "a user who is not an employee"
            errors.append(RowError(row[0], "email", row[email_at], f"email already belongs to {who}"))
    return errors


def check_employees(parsed: ParsedFile) -> list[RowError]:
    return check_emails(parsed) + check_role_changes(parsed)


def _held_roles(employee_ids: list[str]) -> tuple[dict[str, User], dict[int, set[str]]]:
    users = {user.employee_id: user for user in User.objects.filter(employee_id__in=employee_ids)}
    held: dict[int, set[str]] = defaultdict(set)
    stored = UserRole.objects.filter(user__in=list(users.values())).values_list("user_id", "role")
    for user_id, role in stored:
        held[user_id].add(role)
    return users, held


def check_role_changes(parsed: ParsedFile) -> list[RowError]:
    """Each row that adds or removes a role (a new person with roles adds them) needs the right to."""
    employee_at, roles_at = parsed.index("employee_id"), parsed.index("roles")
    users, held = _held_roles([row[employee_at] for row in parsed.rows])
    errors: list[RowError] = []
    for row in parsed.rows:
        target = users.get(row[employee_at])
        current = held[target.pk] if target is not None else set()
        wanted = set(row[roles_at] or ())
        if wanted == current:
            continue
        decision = access.may_change_roles(parsed.user, target)
        if not decision:
            before = ";".join(sorted(current)) or "none"
            reason = f"changes roles ({before} → {';'.join(sorted(wanted)) or 'none'}): {decision.reason}"
            errors.append(RowError(row[0], "roles", ";".join(sorted(wanted)), reason))
    return errors


def write_employees(parsed: ParsedFile, apply: bool) -> Counts:
    """Create or update the users of the file, then their managers, then their roles."""
    at = {name: parsed.index(name) for name in parsed.spec.column_index}
    ids = [row[at["employee_id"]] for row in parsed.rows]
    users: dict[str, User] = {user.employee_id: user for user in User.objects.filter(employee_id__in=ids)}
    stored_managers = dict(
        User.objects.filter(employee_id__in=ids).values_list("employee_id", "manager__employee_id")
    )
    held: dict[int, set[str]] = defaultdict(set)
    for user_id, role in UserRole.objects.filter(user__in=list(users.values())).values_list(
        "user_id", "role"
    ):
        held[user_id].add(role)

    new_users: list[User] = []
    changed: dict[str, User] = {}
    for row in parsed.rows:
        profile = {name: row[at[name]] for name in PROFILE}
        user = users.get(row[at["employee_id"]])
        if user is None:
            user = User(employee_id=row[at["employee_id"]], password=make_password(None), **profile)
            users[user.employee_id] = user
            new_users.append(user)
        elif any(getattr(user, name) != value for name, value in profile.items()):
            for name, value in profile.items():
                setattr(user, name, value)
            changed[user.employee_id] = user
    if apply:
        User.objects.bulk_create(new_users)

    new = {user.employee_id for user in new_users}
    role_changes: list[tuple[User, set[str], set[str]]] = []
    for row in parsed.rows:
        employee_id, manager = row[at["employee_id"]], row[at["manager_employee_id"]]
        user = users[employee_id]
        if manager != stored_managers.get(employee_id):
            user.manager_id = _manager_pk(manager, users, parsed.refs["manager_employee_id"])
            changed[employee_id] = user
        wanted = set(row[at["roles"]] or ())
        current = held[user.pk] if employee_id not in new else set()
        if wanted != current:
            role_changes.append((user, wanted - current, current - wanted))
            if employee_id not in new:
                changed[employee_id] = user
    if apply:
        # The importer in the audit context too (docs/audit.md): an API token's user is not known to the
        # web middleware that sets it for signed-in pages.
        who = {"user": parsed.user.pk} if parsed.user is not None else {}
        with history_context(**who):
            _save(changed, new, role_changes)
        record_role_changes(
            _before_after(role_changes, held, new),
            by=parsed.user,
            source=RoleChange.Source.IMPORT,
            note=f"employees import of {len(parsed.rows)} rows",
        )
    created = len(new_users)
    updated = len(set(changed) - new)
    return created, updated, len(parsed.rows) - created - updated


def _before_after(role_changes, held: dict[int, set[str]], new: set[str]):
    for user, added, removed in role_changes:
        before = held[user.pk] if user.employee_id not in new else set()
        yield user, before, (before | added) - removed


def _manager_pk(manager: str | None, users: dict[str, User], stored: dict[str, Any]) -> Any:
    if manager is None:
        return None
    return users[manager].pk if manager in users else stored[manager]


def _save(
    changed: dict[str, User], new: set[str], role_changes: list[tuple[User, set[str], set[str]]]
) -> None:
    stored = [user for employee_id, user in changed.items() if employee_id not in new]
    if stored:
        User.objects.bulk_update(stored, [*PROFILE, "manager"], batch_size=1000)
    # A new user was created with their profile: only a manager created after them is left to set
    # (a statement of one field: four times less SQL to build and run for a first import).
    managed = [user for employee_id, user in changed.items() if employee_id in new]
    if managed:
        User.objects.bulk_update(managed, ["manager"], batch_size=1000)
    for user, _added, removed in role_changes:
        if removed:
            UserRole.objects.filter(user=user, role__in=removed).delete()
    UserRole.objects.bulk_create(
        [UserRole(user=user, role=role) for user, added, _removed in role_changes for role in sorted(added)]
    )
