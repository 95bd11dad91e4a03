"""The one bulk upsert every table-shaped import uses (DESIGN §3: upsert on the natural key).

Rows go to a temporary staging table — PostgreSQL ``COPY``, SQLite batched inserts — and from there
one SQL statement counts what would be created, updated or left as it is, and one
``INSERT … ON CONFLICT (natural key) DO UPDATE … WHERE values differ`` writes only the rows that change,
so a re-import of the same file writes no row at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, models

from commissions.bulk import Columns, insert_rows

from .base import Counts


def upsert(
    model: type[models.Model],
    key_fields: list[str],
    value_fields: list[str],
    rows: Iterable[tuple] | Columns,
    *,
    apply: bool,
    before_write: Callable[[Any, str], None] | None = None,
) -> Counts:
    """Stage ``rows`` (key values then other values, in field order; tuples or a ``bulk.Columns``), count
    created/updated/unchanged against ``model``'s table and, when ``apply``, insert or update the rows
    that differ.

    Must run inside the import's transaction; the staging table is dropped before returning.
    ``before_write(cursor, stage)`` runs after staging and before the table changes (also in a dry run),
    with the staging table's quoted name: e.g. to record what a draft snapshot had before (its columns are
    the model fields' columns).
    """
    fields = [model._meta.get_field(name) for name in [*key_fields, *value_fields]]
    columns = [field.column for field in fields]
    keys, values = columns[: len(key_fields)], columns[len(key_fields) :]
    pk = connection.ops.quote_name(model._meta.pk.column)
    table, stage = model._meta.db_table, f"import_stage_{model._meta.db_table}"
    qn = connection.ops.quote_name
    cols = ", ".join(qn(column) for column in columns)
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {qn(stage)}")
        definition = ", ".join(f"{qn(f.column)} {f.db_type(connection)}" for f in fields)
        cursor.execute(f"CREATE TEMPORARY TABLE {qn(stage)} ({definition})")
        try:
            _stage(cursor, stage, columns, rows)
            join = " AND ".join(f"t.{qn(c)} = s.{qn(c)}" for c in keys)
            differs = " OR ".join(f"t.{qn(c)} {distinct} s.{qn(c)}" for c in values) or "FALSE"
            cursor.execute(
                f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN t.{pk} IS NULL THEN 1 ELSE 0 END), 0),"  # noqa: S608
                f" COALESCE(SUM(CASE WHEN t.{pk} IS NOT NULL AND ({differs}) THEN 1 ELSE 0 END), 0)"
                f" FROM {qn(stage)} s LEFT JOIN {qn(table)} t ON {join}"
            )
            total, created, updated = (int(n) for n in cursor.fetchone())
            if before_write is not None and (created or updated):
                before_write(cursor, qn(stage))
            if apply and (created or updated):
                assign = ", ".join(f"{qn(c)} = excluded.{qn(c)}" for c in values)
                changed = " OR ".join(f"{qn(table)}.{qn(c)} {distinct} excluded.{qn(c)}" for c in values)
                # "WHERE true" lets SQLite tell the SELECT's end from the upsert clause.
                source = f"SELECT {cols} FROM {qn(stage)} WHERE true"  # noqa: S608
                if total > created + updated:
                    # Only the rows that change reach the upsert: ON CONFLICT locks every conflicting
                    # row, even one its WHERE leaves alone, so a large file with a few changes would
                    # lock (and dirty) every stored row it repeats.
                    picked = ", ".join(f"s.{qn(c)}" for c in columns)
                    source = (
                        f"SELECT {picked} FROM {qn(stage)} s LEFT JOIN {qn(table)} t ON {join}"  # noqa: S608
                        f" WHERE t.{pk} IS NULL OR {differs}"
                    )
                cursor.execute(
                    f"INSERT INTO {qn(table)} ({cols}) {source}"  # noqa: S608
                    f" ON CONFLICT ({', '.join(qn(c) for c in keys)}) DO UPDATE SET {assign} WHERE {changed}"
                )
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {qn(stage)}")
    return created, updated, total - created - updated


def _stage(cursor: Any, stage: str, columns: list[str], rows: Iterable[tuple] | Columns) -> None:
    insert_rows(stage, columns, rows)
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {connection.ops.quote_name(stage)}")
