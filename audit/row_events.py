"""PostgreSQL: the pghistory events of the audited tables as audit entries (docs/audit.md).

Events are read through ``pghistory.models.Events``, which unions the event tables and computes
``pgh_diff``: per changed field, the value in the previous event of the same row (before) and in this
one (after). Every insert and update is an event, so the previous event holds the row as it was.
Values are parsed with ``Decimal`` so money keeps its decimals.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from pghistory.models import Events

from accounts.models import User
from core import formatting
from incentives.models import PointsEntry, PointsRule, Redemption, Reward, Spiff, SpiffAward
from recognition.models import Contest, ContestEvent, ContestWinner, Nudge, NudgeConfig, WallSetting

from . import models as audit_models
from .entries import NATURAL_KEYS, NOT_RECORDED, AuditEntry, AuditFilters, Change, Labels, dated


def history_of(tracked: type[models.Model]) -> type[models.Model]:
    """The pghistory event model of a model its own app tracks (``related_name="audit_events"``)."""
    return tracked.audit_events.field.model


@dataclass(frozen=True)
class Audited:
    """An audited model: its filter key, its title, its event model and how its rows are labelled."""

    key: str
    title: str
    event_model: type[models.Model]
    label: str  # a str.format template over the row's fields, foreign keys by their natural key

    @property
    def tracked(self) -> type[models.Model]:
        return self.event_model.pgh_tracked_model


AUDITED = [
    Audited("snapshot", "Target snapshot", audit_models.SnapshotEvent, "{fiscal_year}"),
    Audited("target", "Target line", audit_models.TargetLineEvent, "{snapshot} · {customer} · {period}"),
    Audited("plan", "Plan", audit_models.PlanEvent, "{code}"),
    Audited("component", "Plan component", audit_models.ComponentEvent, "{plan}/{code}"),
    Audited(
        "assignment", "Assignment", audit_models.AssignmentEvent, "{employee} on {plan} from {start_date}"
    ),
    Audited("period", "Period", audit_models.PeriodStatusEvent, "{code}"),
    Audited("run", "Calculation run", audit_models.RunEvent, "{plan} {period} v{version}"),
    Audited("request", "Request", audit_models.RequestEvent, "{kind} #{id} · {customer} · {period}"),
    Audited("role", "Role", audit_models.UserRoleEvent, "{user}: {role}"),
    Audited("signoff", "Payout sign-off", audit_models.PayoutSignOffEvent, "{period}"),
    Audited("hold", "Payout hold", audit_models.HoldEvent, "{employee} · {plan} · {period}"),
    Audited("correction", "Correction", audit_models.CorrectionEvent, "{kind} · {period} · {cause}"),
    Audited(
        "trueup",
        "True-up",
        audit_models.TrueUpEvent,
        "{employee} · {plan}/{component} · {restates} paid in {paid_in}",
    ),
    Audited("webhook_endpoint", "Webhook endpoint", audit_models.WebhookEndpointEvent, "{url}"),
    # Incentives (docs/design.md §11.3-11.5): their apps track their own rows (pghistory event models
    # beside them); read here the same way.
    Audited("spiff", "SPIFF", history_of(Spiff), "{code}"),
    Audited("spiff_award", "SPIFF award", history_of(SpiffAward), "{spiff} · {employee} · {day}"),
    Audited("points_rule", "Points rule", history_of(PointsRule), "{code}"),
    Audited("reward", "Reward", history_of(Reward), "{code}"),
    Audited("redemption", "Points redemption", history_of(Redemption), "#{id} {reward} · {employee}"),
    Audited("points_entry", "Points entry", history_of(PointsEntry), "{employee} · {kind} {points}"),
    Audited("contest", "Contest", history_of(Contest), "{code}"),
    Audited("contest_event", "Contest event", history_of(ContestEvent), "{contest} · {employee} · {day}"),
    Audited("contest_winner", "Contest winner", history_of(ContestWinner), "{contest} · {employee}"),
    Audited("wall_setting", "Wall of fame setting", history_of(WallSetting), "wall of fame"),
    Audited("nudge_config", "Nudge config", history_of(NudgeConfig), "{code}"),
    Audited("nudge", "Nudge", history_of(Nudge), "{config} · {employee} · {month}"),
]
BY_TRACKED = {each.tracked._meta.label: each for each in AUDITED}


def events_queryset(filters: AuditFilters) -> models.QuerySet:
    """The events matching ``filters``, newest first, with their row and diff as JSON text."""
    chosen = [each.event_model for each in AUDITED if filters.wants(each.key)]
    if not chosen:
        return Events.objects.none()
    events = (
        Events.objects.across(*chosen)
        .annotate(data_json=Cast("pgh_data", TextField()), diff_json=Cast("pgh_diff", TextField()))
        .order_by("-pgh_created_at", "-pgh_id")
    )
    if filters.search:
        search = Q(data_json__icontains=filters.search)
        if filters.search.isdigit():
            search |= Q(pgh_obj_id=filters.search)
        events = events.filter(search)
    if filters.person:
        # The context names the person by id (pages, commands with --user), or by e-mail if given one.
        people = User.objects.filter(email__icontains=filters.person).values_list("pk", "email")
        events = events.filter(pgh_context__user__in=[value for pair in people for value in pair])
    return dated(events, "pgh_created_at", filters)


_PADDED = re.compile(r"^-?\d+\.\d*0$")


def _unpadded(value: Any) -> Any:
    """A JSON value with its exact decimals written without padding ("8.000000" → "8", 0.500000 → 0.5),
    as the pages write numbers (docs/design.md §6); nothing else changes."""
    if isinstance(value, dict):
        return {key: _unpadded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unpadded(item) for item in value]
    if isinstance(value, Decimal) or (isinstance(value, str) and _PADDED.match(value)):
        text = _exact(Decimal(value))
        return text if isinstance(value, str) else Decimal(text)
    return value


def _exact(value: Decimal) -> str:
    """Every decimal the value has, no padding and no thousands separator: ``8.000000 → 8``."""
    return formatting.number(value).replace(",", "")


def _parsed(text: str | None) -> dict:
    return json.loads(text, parse_float=Decimal) if text else {}


class _Row:
    """One event's recorded row and diff, keyed by field name, shown the way people read them."""

    def __init__(self, event, labels: Labels) -> None:
        self.event = event
        self.audited = BY_TRACKED[event.pgh_obj_model]
        self.fields = {f.column: f for f in self.audited.tracked._meta.fields}
        # In the model's field order (JSONB keeps its own), without the primary key shown as the object id.
        data, diff = _parsed(event.data_json), _parsed(event.diff_json)
        self.data = {c: data[c] for c in self.fields if c in data}
        self.diff = None if event.diff_json is None else {c: diff[c] for c in self.fields if c in diff}
        self.pk = self.audited.tracked._meta.pk.column
        self.labels = labels
        for column, value in self.data.items():
            self._want(column, value)
        for column, pair in (self.diff or {}).items():
            for value in pair:
                self._want(column, value)

    def _want(self, column: str, value) -> None:
        field = self.fields.get(column)
        if field is not None and field.is_relation:
            self.labels.want(field.related_model, value)

    def shown(self, column: str, value: Any) -> str:
        field = self.fields[column]
        if value is None:
            return ""
        if field.is_relation and field.related_model in NATURAL_KEYS:
            return self.labels.get(field.related_model, value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, dict | list):
            return json.dumps(_unpadded(value), default=str, ensure_ascii=False)
        if isinstance(field, models.DecimalField) and isinstance(value, Decimal | int):
            # Money keeps its cents; a ratio, weight or goal shows every decimal it has and no padding.
            if field.decimal_places == 2:
                return f"{Decimal(value):.2f}"
            return _exact(Decimal(value))
        return str(value)

    def label(self) -> str:
        values = _Blank({self.fields[k].name: self.shown(k, v) for k, v in self.data.items()})
        return self.audited.label.format_map(values)

    def changes(self) -> list[Change]:
        name = {column: field.name for column, field in self.fields.items()}
        action = self.event.pgh_label
        present = {k: v for k, v in self.data.items() if v not in (None, "") and k != self.pk}
        if action == "insert":
            return [Change(name[k], "", self.shown(k, v)) for k, v in present.items()]
        if action == "delete":
            return [Change(name[k], self.shown(k, v), "") for k, v in present.items()]
        if self.diff is None:
            # The first update of a row older than the audit trail: its earlier values were not recorded.
            return [
                Change(name[k], NOT_RECORDED, self.shown(k, v)) for k, v in self.data.items() if k != self.pk
            ]
        return [
            Change(name[k], self.shown(k, before), self.shown(k, after))
            for k, (before, after) in self.diff.items()
            if k in self.fields
        ]


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _who(context: dict | None, labels: Labels) -> str:
    context = context or {}
    user = context.get("user")
    if isinstance(user, str) and "@" in user:
        who = user
    elif user not in (None, ""):
        who = labels.get(User, user)
    elif context.get("os_user"):
        who = f"{context['os_user']} (shell)"
    else:
        who = ""
    via = ""
    if context.get("command"):
        via = f"command {context['command']}"
    elif context.get("task"):
        via = f"task {context['task']}"
    if via:
        return f"{who} via {via}" if who else via
    return who or "(no context: raw SQL or a background job)"


def event_entries(events: list) -> list[AuditEntry]:
    """Audit entries of a batch of events; the rows they refer to are labelled in one query per model."""
    labels = Labels()
    rows = [_Row(event, labels) for event in events]
    for event in events:
        user = (event.pgh_context or {}).get("user")
        if not isinstance(user, str):
            labels.want(User, user)
    return [
        AuditEntry(
            at=row.event.pgh_created_at,
            who=_who(row.event.pgh_context, labels),
            object_type=row.audited.title,
            object_id=row.event.pgh_obj_id or "",
            object_label=row.label(),
            action=row.event.pgh_label,
            changes=row.changes(),
            note=(row.event.pgh_context or {}).get("url", ""),
        )
        for row in rows
    ]
