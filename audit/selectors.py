"""Read paths of the audit page: the audit trail as one newest-first list of entries (issue 4 §5).

Where entries come from (docs/audit.md):

* PostgreSQL — the pghistory events of the audited tables (every insert, update and delete, with
  before → after per changed field and the person, URL or command of the context; ``row_events``), the
  incentives' tables among them, plus the import records, the role changes (``logs``), the webhook
  resends (``webhook_logs``), the SPIFF steps (``incentive_logs``) and the nudge months decided
  (``recognition_logs``).
* SQLite (the demo, no triggers) — the import records, role changes, webhook resends, SPIFF steps and
  nudge months, plus the logs the services keep anyway: request timelines, period closes and re-opens,
  the run rows themselves (``logs``), payout sign-offs, holds and corrections (``payout_logs``), webhook
  endpoints (``webhook_logs``), and what the incentives' rows record of themselves: awards and grant
  decisions, points rules, ledger entries, redemptions asked, decided and handed out
  (``incentive_logs``), contests, their events and winners, the wall's setting, nudge configs and nudges
  (``recognition_logs``).

Each source is a queryset ordered newest first; ``AuditTrail`` merges them lazily, so a page costs a
count and a slice per source plus one label query per referenced model.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection, models

from . import incentive_logs, logs, payout_logs, recognition_logs, row_events, webhook_logs
from .entries import AuditEntry, AuditFilters

__all__ = ["AuditEntry", "AuditFilters", "AuditTrail", "audit_trail", "full_history_recorded"]


def full_history_recorded() -> bool:
    """True where pghistory's triggers record every row change (PostgreSQL)."""
    return connection.vendor == "postgresql"


# Audited models whose rows record nothing of their making: on SQLite, without row events, a filter on
# them could only ever be empty, so it is not offered there (docs/audit.md).
UNRECORDED_ON_SQLITE = {"reward"}


def object_type_choices() -> list[tuple[str, str]]:
    """The object filter's choices: the audited models (on SQLite those it has a record of), the imports,
    role changes and webhook resends."""
    hidden = set() if full_history_recorded() else UNRECORDED_ON_SQLITE
    return [(each.key, each.title) for each in row_events.AUDITED if each.key not in hidden] + [
        ("import", "Import"),
        ("role_change", "Role change"),
        (webhook_logs.RESEND, "Webhook delivery resent"),
    ]


@dataclass(frozen=True)
class Source:
    """One queryset of the trail, newest first, and how a batch of its rows becomes entries.

    A ``merged`` source is ordered by its timestamp field then its primary key, and is read together
    with the other merged sources in one UNION ALL of (timestamp, source, key): a page costs one count,
    one slice and one fetch per source present on it, however many sources there are. An unmerged
    source (the pghistory events, a union of their own) is counted and sliced by itself.
    """

    queryset: models.QuerySet
    entries: Callable[[list], list[AuditEntry]]
    merged: bool = True

    @property
    def empty(self) -> bool:
        return self.queryset.query.is_empty()

    @property
    def at(self) -> str:
        return str(self.queryset.query.order_by[0]).lstrip("-")

    def keyed(self, index: int) -> models.QuerySet:
        """(at, source, key) of each row: the shape every merged source shares in the union."""
        return self.queryset.order_by().values(
            trail_at=models.F(self.at),
            trail_source=models.Value(index, models.IntegerField()),
            trail_key=models.F("pk"),
        )


class AuditTrail:
    """The sources merged newest first; countable and sliceable, so Django's Paginator pages it."""

    CHUNK = 500

    def __init__(self, sources: list[Source]) -> None:
        self.sources = sources
        self._count: int | None = None

    def _union(self) -> models.QuerySet | None:
        keyed = [s.keyed(i) for i, s in enumerate(self.sources) if s.merged and not s.empty]
        if not keyed:
            return None
        return keyed[0].union(*keyed[1:], all=True) if len(keyed) > 1 else keyed[0]

    def count(self) -> int:
        if self._count is None:
            union = self._union()
            self._count = union.count() if union is not None else 0
            self._count += sum(s.queryset.count() for s in self.sources if not s.merged and not s.empty)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[AuditEntry]:
        if not isinstance(index, slice) or index.stop is None:
            raise TypeError("An audit trail is read in slices with an end.")
        # The first ``stop`` entries of the merge are among the first ``stop`` of each source.
        entries = [
            e
            for s in self.sources
            if not s.merged and not s.empty
            for e in s.entries(list(s.queryset[: index.stop]))
        ]
        union = self._union()
        if union is not None:
            keys: dict[int, list] = {}
            for row in union.order_by("-trail_at", "-trail_key")[: index.stop]:
                keys.setdefault(row["trail_source"], []).append(row["trail_key"])
            for number, wanted in keys.items():
                source = self.sources[number]
                rows = source.queryset.in_bulk(wanted)
                entries += source.entries([rows[key] for key in wanted if key in rows])
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
        Source(webhook_logs.resends_queryset(filters), webhook_logs.resend_entries),
        Source(incentive_logs.spiff_steps_queryset(filters), incentive_logs.spiff_step_entries),
        Source(recognition_logs.nudge_months_queryset(filters), recognition_logs.nudge_month_entries),
    ]
    if full_history_recorded():
        sources.append(Source(row_events.events_queryset(filters), row_events.event_entries, merged=False))
    else:
        sources += [
            Source(logs.steps_queryset(filters), logs.step_entries),
            Source(logs.period_events_queryset(filters), logs.period_event_entries),
            Source(logs.runs_queryset(filters), logs.run_entries),
            Source(payout_logs.signoffs_queryset(filters), payout_logs.signoff_entries),
            Source(payout_logs.revocations_queryset(filters), payout_logs.revocation_entries),
            Source(payout_logs.holds_queryset(filters), payout_logs.hold_entries),
            Source(payout_logs.releases_queryset(filters), payout_logs.release_entries),
            Source(payout_logs.corrections_queryset(filters), payout_logs.correction_entries),
            Source(payout_logs.applications_queryset(filters), payout_logs.application_entries),
            Source(webhook_logs.endpoints_added_queryset(filters), webhook_logs.endpoint_added_entries),
            Source(webhook_logs.secrets_replaced_queryset(filters), webhook_logs.secret_replaced_entries),
            *_incentive_records(filters),
        ]
    return AuditTrail(sources)


def _incentive_records(filters: AuditFilters) -> list[Source]:
    """SQLite: what the incentives' rows record of themselves (``incentive_logs``, ``recognition_logs``)."""
    i, r = incentive_logs, recognition_logs
    return [
        Source(i.awards_queryset(filters), i.award_entries),
        Source(i.grant_decisions_queryset(filters), i.grant_decision_entries),
        Source(i.points_rules_queryset(filters), i.points_rule_entries),
        Source(i.points_entries_queryset(filters), i.points_entry_entries),
        Source(i.requests_queryset(filters), i.request_entries),
        Source(i.decisions_queryset(filters), i.decision_entries),
        Source(i.fulfilments_queryset(filters), i.fulfilment_entries),
        Source(r.contests_created_queryset(filters), r.contest_created_entries),
        Source(r.contests_finished_queryset(filters), r.contest_finished_entries),
        Source(r.contest_events_queryset(filters), r.contest_event_entries),
        Source(r.contest_winners_queryset(filters), r.contest_winner_entries),
        Source(r.wall_settings_queryset(filters), r.wall_setting_entries),
        Source(r.nudge_configs_queryset(filters), r.nudge_config_entries),
        Source(r.nudges_queryset(filters), r.nudge_entries),
        Source(r.nudges_emailed_queryset(filters), r.nudge_emailed_entries),
    ]
