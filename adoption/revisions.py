"""The last draft of a target snapshot (DESIGN §3 "Target snapshots"): what each targets import changed.

A draft snapshot changes with each targets import. ``record_target_changes`` is the targets import's
``before_write`` hook (``commissions/services/imports/specs.py``): it runs in the import's transaction,
after the file is staged and before the upsert writes it, so it still sees the lines as they were. For
each snapshot of the file the import changes, it adds one to ``Snapshot.revision`` and records every
line created or changed as a ``TargetChange`` of that revision — one ``INSERT … SELECT`` joining the
staging table and the stored lines, whatever the file's size. A first import into an empty snapshot
records no line (everything is new; the review says so). A dry run rolls all of it back with the import;
an approved snapshot never gets here (the import refuses it first, and the database would too).
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from .models import Snapshot, TargetChange, TargetLine


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _changed(line: str, staged: str) -> str:
    """SQL: the staged row creates ``line`` (none stored) or changes its baseline or target."""
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    return (
        f"({line}.id IS NULL OR {line}.baseline_score {distinct} {staged}.baseline_score"
        f" OR {line}.target_score {distinct} {staged}.target_score)"
    )


def record_target_changes(cursor: Any, stage: str) -> None:
    """Bump the revision of each snapshot the staged targets change and record their changed lines.

    ``stage`` is the quoted name of the import's staging table, with TargetLine's columns (snapshot_id,
    customer_id, period, baseline_score, target_score). Statements: one to find the file's snapshots,
    one ``INSERT … SELECT`` for the changes, one ``UPDATE`` for the revisions. Raises nothing of its own;
    a database error aborts the import's transaction.
    """
    lines, snapshots, changes = (
        _qn(TargetLine._meta.db_table),
        _qn(Snapshot._meta.db_table),
        _qn(TargetChange._meta.db_table),
    )
    # The file's snapshots (a handful), and whether each already had lines before this import.
    cursor.execute(
        f"SELECT n.id, EXISTS (SELECT 1 FROM {lines} l WHERE l.snapshot_id = n.id)"  # noqa: S608
        f" FROM {snapshots} n WHERE n.id IN (SELECT DISTINCT snapshot_id FROM {stage})"
    )
    found = [(int(pk), bool(had_lines)) for pk, had_lines in cursor.fetchall()]
    first = [pk for pk, had_lines in found if not had_lines]
    later = [pk for pk, had_lines in found if had_lines]
    if later:
        marks = ", ".join(["%s"] * len(later))
        cursor.execute(
            f"INSERT INTO {changes} (snapshot_id, revision, customer_id, period, action,"  # noqa: S608
            " old_baseline_score, new_baseline_score, old_target_score, new_target_score)"
            " SELECT s.snapshot_id, n.revision + 1, s.customer_id, s.period,"
            " CASE WHEN t.id IS NULL THEN %s ELSE %s END,"
            " t.baseline_score, s.baseline_score, t.target_score, s.target_score"
            f" FROM {stage} s JOIN {snapshots} n ON n.id = s.snapshot_id"
            f" LEFT JOIN {lines} t ON t.snapshot_id = s.snapshot_id AND t.customer_id = s.customer_id"
            " AND t.period = s.period"
            f" WHERE s.snapshot_id IN ({marks}) AND {_changed('t', 's')}",
            [TargetChange.Action.CREATED, TargetChange.Action.UPDATED, *later],
        )
    # An empty snapshot in the file gains lines; one that had lines changed when it got change rows.
    conditions = []
    params: list[int] = []
    if first:
        conditions.append(f"id IN ({', '.join(['%s'] * len(first))})")
        params += first
    if later:
        marks = ", ".join(["%s"] * len(later))
        conditions.append(
            f"(id IN ({marks}) AND EXISTS (SELECT 1 FROM {changes} c WHERE c.snapshot_id"  # noqa: S608
            f" = {snapshots}.id AND c.revision = {snapshots}.revision + 1))"
        )
        params += later
    if conditions:
        cursor.execute(
            f"UPDATE {snapshots} SET revision = revision + 1 WHERE {' OR '.join(conditions)}",  # noqa: S608
            params,
        )
