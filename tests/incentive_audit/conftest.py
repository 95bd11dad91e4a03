"""Personas and readers of the incentives' audit trail (docs/audit.md, docs/design.md §11.3-11.5).

The same tests run on both databases: on PostgreSQL the entries come from the pghistory row events (the
changes below run in an audit context naming the person, as a page or a command would), on SQLite from
what the rows record of themselves.
"""

import pytest
from django.conf import settings

from accounts.models import Role
from audit.selectors import AuditFilters, audit_trail
from core.history import history_context
from tests.builders import make_user

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, email="ops@example.com")


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, email="cco@example.com")


@pytest.fixture
def finance(db):
    return make_user(Role.FINANCE, email="finance@example.com")


@pytest.fixture
def csm(db):
    return make_user(Role.CSM, email="csm@example.com", employee_id="C-1")


def as_(user):
    """The audit context of ``user`` acting (PostgreSQL; nothing on SQLite, where rows say who)."""
    return history_context(user=user.pk, url="/test")


def trail(**filters):
    """Every entry of the trail matching ``filters``, newest first."""
    return list(audit_trail(filters=AuditFilters(**filters)))


def change(entry, field: str):
    """(before, after) of ``field`` in ``entry``, or None."""
    for c in entry.changes:
        if c.field == field:
            return c.before, c.after
    return None
