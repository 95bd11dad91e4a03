"""The shapes of the audit trail: its filters, its entries and the natural keys entries are labelled with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models

from accounts.models import User
from adoption.models import Customer, Snapshot
from commissions.models import Period, Plan
from incentives.models import PointsRule, Reward, Spiff
from recognition.models import Contest, NudgeConfig

NOT_RECORDED = "(not recorded)"

# How a foreign key is shown: the natural key of the row it points at.
NATURAL_KEYS: dict[type[models.Model], str] = {
    User: "email",
    Customer: "customer_id",
    Snapshot: "fiscal_year",
    Plan: "code",
    Period: "code",
    Spiff: "code",
    PointsRule: "code",
    Reward: "code",
    Contest: "code",
    NudgeConfig: "code",
}


@dataclass(frozen=True)
class AuditFilters:
    """What the audit page narrows the trail to; empty means everything."""

    object_type: str = ""
    search: str = ""  # an object id, or any recorded value (code, fiscal year, file name…)
    person: str = ""  # part of an e-mail address
    date_from: date | None = None
    date_to: date | None = None

    def wants(self, object_type: str) -> bool:
        return self.object_type in ("", object_type)


@dataclass(frozen=True)
class Change:
    """One field of one change: its value before and after, as text ("" when there was none)."""

    field: str
    before: str
    after: str


@dataclass
class AuditEntry:
    """One line of the audit trail, whatever recorded it."""

    at: datetime
    who: str
    object_type: str
    object_id: str
    object_label: str
    action: str
    changes: list[Change] = field(default_factory=list)
    note: str = ""

    @property
    def changes_text(self) -> str:
        return "; ".join(f"{c.field}: {c.before or '—'} → {c.after or '—'}" for c in self.changes)


class Labels:
    """Natural keys of the rows a batch of entries refers to, loaded with one query per model."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set] = {model: set() for model in NATURAL_KEYS}
        self.loaded: dict[type[models.Model], dict[str, str]] = {}

    def want(self, model: type[models.Model], pk) -> None:
        if model in self.wanted and pk not in (None, ""):
            self.wanted[model].add(pk)

    def get(self, model: type[models.Model], pk) -> str:
        if pk in (None, ""):
            return ""
        if model not in self.loaded:
            ids = self.wanted.get(model, set())
            rows = model.objects.filter(pk__in=ids).values_list("pk", NATURAL_KEYS[model]) if ids else []
            self.loaded[model] = {str(key): value for key, value in rows}
        return self.loaded[model].get(str(pk), f"#{pk}")


def dated(queryset: models.QuerySet, at: str, filters: AuditFilters) -> models.QuerySet:
    """``queryset`` narrowed to the filters' dates (inclusive) on its timestamp ``at``."""
    if filters.date_from:
        queryset = queryset.filter(**{f"{at}__date__gte": filters.date_from})
    if filters.date_to:
        queryset = queryset.filter(**{f"{at}__date__lte": filters.date_to})
    return queryset
