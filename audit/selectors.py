"""Read paths of the audit page: the audit trail as one newest-first list of entries (issue 4 §5).

Where entries come from (docs/audit.md):

* PostgreSQL — the pghistory events of the audited tables (every insert, update and delete, with
  before → after per changed field and the person, URL or command of the context; ``row_events``),
  plus the import records and the role changes (``logs``).
* SQLite (the demo, no triggers) — the import records and role changes, plus the logs the services
  keep anyway: request timelines, period closes and re-opens, and the run rows themselves (``logs``).

Each source is a queryset ordered newest first; ``AuditTrail`` merges them lazily, so a page costs a
count and a slice per source plus one label query per referenced model.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection, models

from . import logs, row_events
from .entries import AuditEntry, AuditFilters

__all__ = ["AuditEntry", "AuditFilters", "AuditTrail", "audit_trail", "full_history_recorded"]


def full_history_recorded() -> bool:
    """True where pghistory's triggers record every row change (PostgreSQL)."""
    return connection.vendor == "postgresql"


def object_type_choices() -> list[tuple[str, str]]:
    """The object filter's choices: the audited models and the imports."""
    return [(each.key, each.title) for each in row_events.AUDITED] + [
        ("import", "Import"),
        ("role_change", "Role change"),
    ]


@dataclass(frozen=True)
class Source:
    """One queryset of the trail, newest first, and how a batch of its rows becomes entries."""

    queryset: models.QuerySet
    entries: Callable[[list], list[AuditEntry]]


class AuditTrail:
    """The sources merged newest first; countable and sliceable, so Django's Paginator pages it."""

    CHUNK = 500

    def __init__(self, sources: list[Source]) -> None:
        self.sources = sources
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = sum(source.queryset.count() for source in self.sources)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[AuditEntry]:
        if not isinstance(index, slice) or index.stop is None:
            raise TypeError("An audit trail is read in slices with an end.")
        # The first ``stop`` entries of the merge are among the first ``stop`` of each source.
        entries = [e for s in self.sources for e in s.entries(list(s.queryset[: index.stop]))]
        entries.sort(key=lambda entry: entry.at, reverse=True)
        return entries[index]

    def __iter__(self) -> Iterator[AuditEntry]:
        streams = [self._stream(source) for source in self.sources]
        return heapq.merge(*streams, key=lambda entry: entry.at, reverse=True)

    def _stream(self, source: Source) -> Iterator[AuditEntry]:
        offset = 0
        while True:
            rows = list(source.queryset[offset : offset + self.CHUNK])
            yield from source.entries(rows)
            if len(rows) < self.CHUNK:
                return
            offset += self.CHUNK


def audit_trail(*, filters: AuditFilters) -> AuditTrail:
    """The audit trail narrowed by ``filters``, newest first (its sources: the module docstring)."""
    sources = [
        Source(logs.imports_queryset(filters), logs.import_entries),
        Source(logs.role_changes_queryset(filters), logs.role_change_entries),
    ]
    if full_history_recorded():
        sources.append(Source(row_events.events_queryset(filters), row_events.event_entries))
    else:
        sources += [
            Source(logs.steps_queryset(filters), logs.step_entries),
            Source(logs.period_events_queryset(filters), logs.period_event_entries),
            Source(logs.runs_queryset(filters), logs.run_entries),
        ]
    return AuditTrail(sources)
