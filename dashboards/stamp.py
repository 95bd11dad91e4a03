"""The inputs stamp: one cheap query whose answer changes whenever anything the projection reads changes.

The dashboards cache the engine's projection (dashboards/projection.py) under this stamp, so a cached
projection can never outlive the data it was computed from. The stamp is kept by database triggers on
every table ``commissions.loaders.load_quarter`` and ``dashboards.projection.project`` read, not by
Python signals: imports write with ``COPY`` and bulk upserts, services use ``QuerySet.update()``, and an
operator may fix a row in ``psql`` — a trigger sees all of them, a ``post_save`` signal sees none.

- PostgreSQL: a statement-level trigger upserts the writing transaction's row in
  ``dashboards_inputchange`` (its id, and ``clock_timestamp()`` of its latest write statement): one row per
  transaction, so writers never wait on each other. The stamp is ``count(*)``, ``max(txid)`` and
  ``max(changed_at)`` of the rows visible: another transaction's commit adds a row, so the count changes
  exactly when its change becomes visible; within a transaction every write statement moves
  ``changed_at`` on (a projection cached halfway through a transaction is not the one its later writes
  or its commit show); a rolled-back transaction leaves no row, and its data is gone too; transaction ids
  are never reused, so the stamp never comes back to an earlier value with different data.
- SQLite (one writer at a time): a row-level trigger puts a new random ``token`` in the single row 0.

No row at all (a fresh or flushed database) reads as ``None``: nothing is cached then.

The triggers are (re)installed after every ``migrate`` (``post_migrate``), because SQLite drops a table's
triggers when a migration rebuilds the table.
"""

from __future__ import annotations

import hashlib

from django.apps import apps
from django.db import connection, connections

# app_label.Model -> None (any change), or the columns whose change matters.
INPUTS: dict[str, tuple[str, ...] | None] = {
    "commissions.Plan": None,
    "commissions.Component": None,
    "commissions.Assignment": None,
    "commissions.Deal": None,
    "commissions.KpiActual": None,
    "commissions.FxRate": None,
    "commissions.ScorePull": None,
    "commissions.PulledScore": None,
    # A plan's escalators gate on imported person metrics (DESIGN §11.2): the loader reads them.
    "commissions.PersonMetric": None,
    "adoption.Customer": None,
    "adoption.Ownership": None,
    "adoption.ArrRecord": None,
    "adoption.Snapshot": None,
    "adoption.TargetLine": None,
    "adoption.ScoreObservation": None,
    # A plan's computed KPIs are read from the stored daily portfolio KPIs (DESIGN §4.5).
    "adoption.PortfolioKpiDay": None,
    "approvals.Request": None,
    # The engine keys CSMs by employee_id; the at-risk list shows the owner's name.
    "accounts.User": ("employee_id", "name"),
}

LOG = "dashboards_inputchange"
TRIGGER = "dashboards_inputs_stamp"
PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {LOG} (txid, token, changed_at) VALUES (txid_current(), '', clock_timestamp())
    ON CONFLICT (txid) DO UPDATE SET changed_at = excluded.changed_at;
    RETURN NULL;
END;
$$;
"""  # noqa: S608 - constants only
# No ON CONFLICT clause: SQLite lets the statement that fired a trigger override the trigger's conflict
# policy (an upserting import would turn "INSERT OR REPLACE" into a failing INSERT).
SQLITE_BUMP = (
    f"INSERT INTO {LOG} (txid, token) SELECT 0, '' WHERE NOT EXISTS (SELECT 1 FROM {LOG} WHERE txid = 0); "  # noqa: S608
    f"UPDATE {LOG} SET token = lower(hex(randomblob(16))), changed_at = CURRENT_TIMESTAMP WHERE txid = 0;"
)


def input_tables() -> list[tuple[str, tuple[str, ...] | None]]:
    """(table, watched columns or None) of every input of the projection."""
    tables = []
    for label, columns in INPUTS.items():
        model = apps.get_model(label)
        if columns is not None:
            columns = tuple(model._meta.get_field(name).column for name in columns)
        tables.append((model._meta.db_table, columns))
    return tables


def _postgresql_statements() -> list[str]:
    statements = [PG_FUNCTION]
    for table, columns in input_tables():
        update = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
        statements += [
            f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{table}";',
            f'DROP TRIGGER IF EXISTS {TRIGGER}_truncate ON "{table}";',
            f'CREATE TRIGGER {TRIGGER} AFTER INSERT OR {update} OR DELETE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}();",
            f'CREATE TRIGGER {TRIGGER}_truncate AFTER TRUNCATE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}();",
        ]
    return statements


def _sqlite_statements() -> list[str]:
    statements = []
    for table, columns in input_tables():
        for operation in ("INSERT", "UPDATE", "DELETE"):
            name = f"{TRIGGER}_{table}_{operation.lower()}"
            event = f"UPDATE OF {', '.join(columns)}" if operation == "UPDATE" and columns else operation
            statements += [
                f'DROP TRIGGER IF EXISTS "{name}";',
                f'CREATE TRIGGER "{name}" AFTER {event} ON "{table}" BEGIN {SQLITE_BUMP} END;',
            ]
    return statements


def install_triggers(using: str = "default") -> None:
    """Create or replace the stamp's triggers on every input table (idempotent)."""
    conn = connections[using]
    if conn.vendor == "postgresql":
        statements = _postgresql_statements()
    elif conn.vendor == "sqlite":
        statements = _sqlite_statements()
    else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
        return
    with conn.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install_after_migrate(sender, using: str = "default", plan=None, **kwargs) -> None:
    """``post_migrate`` receiver: the log table exists once dashboards' migrations ran."""
    if LOG in connections[using].introspection.table_names():
        install_triggers(using)


def inputs_stamp() -> str | None:
    """A string that changes whenever committed input data changes; None when nothing was ever written
    (then nothing may be cached). One query."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), max(txid), max(token), max(changed_at) FROM {LOG}")  # noqa: S608
        count, txid, token, changed_at = cursor.fetchone()
    if not count:
        return None
    parts = f"{connection.settings_dict['NAME']}:{count}:{txid}:{token}:{changed_at}"
    return hashlib.sha256(parts.encode()).hexdigest()[:32]


def compact() -> int:
    """Keep only the newest row of the log (PostgreSQL); returns how many rows went.

    The log grows by one row per writing transaction, and the stamp reads all of it. After compacting,
    the row count is smaller than any count the newest transaction id was ever stamped with, so the
    stamp is one never seen before: cached projections are computed afresh, never confused. SQLite keeps
    a single row anyway.
    """
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LOG} WHERE txid < (SELECT max(txid) FROM {LOG})")  # noqa: S608
        return cursor.rowcount
