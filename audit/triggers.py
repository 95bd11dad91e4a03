"""Installing the audit triggers from the audit app alone (see apps.py and docs/audit.md)."""

from __future__ import annotations

import pgtrigger
from django.db import connections, models
from pghistory.trigger import Event as EventTrigger


def audit_triggers() -> list[tuple[type[models.Model], pgtrigger.Trigger]]:
    """The pghistory triggers that write the audit app's event tables, with the model each sits on."""
    return [
        (model, trigger)
        for model, trigger in pgtrigger.registered()
        if isinstance(trigger, EventTrigger) and trigger.event_model._meta.app_label == "audit"
    ]


def keep_out_of_tracked_migrations() -> None:
    """Hide the audit triggers from the tracked models' migration state (makemigrations stays clean)."""
    for model, trigger in audit_triggers():
        declared = model._meta.original_attrs.get("triggers", [])
        if trigger in declared:
            model._meta.original_attrs["triggers"] = [each for each in declared if each is not trigger]


def _tables(using: str) -> set[str]:
    with connections[using].cursor() as cursor:
        return set(connections[using].introspection.table_names(cursor))


def install(using: str = "default") -> None:
    """(Re)create every audit trigger on PostgreSQL; nothing elsewhere."""
    if connections[using].vendor != "postgresql":
        return
    tables = _tables(using)
    for model, trigger in audit_triggers():
        if {model._meta.db_table, trigger.event_model._meta.db_table} <= tables:
            trigger.install(model, database=using)


def uninstall(using: str = "default") -> None:
    """Drop every audit trigger on PostgreSQL (migration 0002 reversed)."""
    if connections[using].vendor != "postgresql":
        return
    tables = _tables(using)
    for model, trigger in audit_triggers():
        if model._meta.db_table in tables:
            trigger.uninstall(model, database=using)


def install_on_migrate(sender, using: str = "default", **kwargs) -> None:
    install(using)
