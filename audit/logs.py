"""Audit entries from the records the services keep anyway (docs/audit.md).

Import records on both databases — a bulk import is audited through its record: who, which file and
its SHA-256, what it did — and role changes (``RoleChange``: who changed whose roles, from what to
what). On SQLite, which has no history triggers, also the request timelines
(RequestStep), period closes and re-opens (PeriodEvent) and the calculation runs themselves.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.models import RoleChange, User
from approvals.models import RequestStep
from commissions.models import ImportRecord, PeriodEvent, Run

from .entries import AuditEntry, AuditFilters, Change, Labels, dated


def _search(filters: AuditFilters, text: Q, *, id_field: str) -> Q | None:
    if not filters.search:
        return None
    if filters.search.isdigit():
        return text | Q(**{id_field: int(filters.search)})
    return text


def narrowed(queryset, filters: AuditFilters, *, text: Q, id_field: str, person: str, at: str):
    search = _search(filters, text, id_field=id_field)
    if search is not None:
        queryset = queryset.filter(search)
    if filters.person:
        queryset = queryset.filter(**{f"{person}__email__icontains": filters.person})
    return dated(queryset, at, filters)


# --- Import records (both databases) --------------------------------------------------------------------


def imports_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants("import"):
        return ImportRecord.objects.none()
    search = filters.search
    text = Q(file_name__icontains=search) | Q(kind__iexact=search) | Q(sha256__istartswith=search)
    records = ImportRecord.objects.select_related("user").order_by("-started_at", "-pk")
    return narrowed(records, filters, text=text, id_field="pk", person="user", at="started_at")


def import_entries(records: list[ImportRecord]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=record.started_at,
            who=record.user.email if record.user else "(no user given)",
            object_type="Import",
            object_id=str(record.pk),
            object_label=f"{record.kind}: {record.file_name}",
            action=f"import ({record.get_status_display().lower()})",
            changes=[
                Change(name, "", str(getattr(record, name)))
                for name in ("rows", "created", "updated", "unchanged")
            ],
            note=f"sha256 {record.sha256}" + (f"; {record.error_count} error(s)" if record.errors else ""),
        )
        for record in records
    ]


# --- Role changes (both databases) -----------------------------------------------------------------------


def role_changes_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants("role_change"):
        return RoleChange.objects.none()
    changes = RoleChange.objects.order_by("-at", "-pk")
    if filters.search:
        people = User.objects.filter(email__icontains=filters.search).values("pk")
        text = Q(user_id__in=people) | Q(note__icontains=filters.search)
        changes = changes.filter(text | Q(user_id=int(filters.search)) if filters.search.isdigit() else text)
    if filters.person:
        changes = changes.filter(by_id__in=User.objects.filter(email__icontains=filters.person).values("pk"))
    return dated(changes, "at", filters)


def role_change_entries(changes: list[RoleChange]) -> list[AuditEntry]:
    labels = Labels()  # no database constraint on the people: a deleted person is shown by id
    for change in changes:
        labels.want(User, change.user_id)
        labels.want(User, change.by_id)
    return [
        AuditEntry(
            at=change.at,
            who=labels.get(User, change.by_id) or "(no user given)",
            object_type="Role change",
            object_id=str(change.user_id),
            object_label=labels.get(User, change.user_id),
            action=f"roles changed ({change.get_source_display()})",
            changes=[Change("roles", ", ".join(change.before), ", ".join(change.after))],
            note=change.note,
        )
        for change in changes
    ]


# --- SQLite: request timelines, period events, runs -----------------------------------------------------


def steps_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants("request"):
        return RequestStep.objects.none()
    search = filters.search
    text = Q(request__customer__customer_id__icontains=search) | Q(request__period__code__icontains=search)
    steps = RequestStep.objects.select_related("actor", "request__customer", "request__period")
    steps = steps.order_by("-at", "-pk")
    return narrowed(steps, filters, text=text, id_field="request_id", person="actor", at="at")


def step_entries(steps: list[RequestStep]) -> list[AuditEntry]:
    # The status before a step is the status after the step before it, of the same request.
    timeline = RequestStep.objects.filter(request_id__in={s.request_id for s in steps}).order_by("at", "pk")
    before, last = {}, {}
    for step_id, request_id, status in timeline.values_list("pk", "request_id", "status_after"):
        before[step_id] = last.get(request_id, "")
        last[request_id] = status
    entries = []
    for step in steps:
        request = step.request
        entries.append(
            AuditEntry(
                at=step.at,
                who=f"{step.actor.email} (as {step.role})",
                object_type="Request",
                object_id=str(step.request_id),
                object_label=f"{request.kind} #{request.pk} · {request.customer.customer_id} · "
                f"{request.period.code}",
                action=step.action,
                changes=[Change("status", before.get(step.pk, ""), step.status_after)],
                note=step.comment,
            )
        )
    return entries


def period_events_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants("period"):
        return PeriodEvent.objects.none()
    events = PeriodEvent.objects.select_related("user", "period").order_by("-at", "-pk")
    text = Q(period__code__icontains=filters.search)
    return narrowed(events, filters, text=text, id_field="period_id", person="user", at="at")


def period_event_entries(events: list[PeriodEvent]) -> list[AuditEntry]:
    statuses = {
        PeriodEvent.Action.CLOSED: ("open", "closed"),
        PeriodEvent.Action.REOPENED: ("closed", "open"),
    }
    return [
        AuditEntry(
            at=event.at,
            who=event.user.email,
            object_type="Period",
            object_id=str(event.period_id),
            object_label=event.period.code,
            action=event.action,
            changes=[Change("status", *statuses[event.action])],
            note=event.reason,
        )
        for event in events
    ]


def runs_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants("run"):
        return Run.objects.none()
    runs = Run.objects.select_related("plan", "period", "started_by").order_by("-created_at", "-pk")
    text = Q(plan__code__icontains=filters.search) | Q(period__code__icontains=filters.search)
    return narrowed(runs, filters, text=text, id_field="pk", person="started_by", at="created_at")


def run_entries(runs: list[Run]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=run.created_at,
            who=run.started_by.email if run.started_by else f"({run.trigger})",
            object_type="Calculation run",
            object_id=str(run.pk),
            object_label=f"{run.plan.code} {run.period.code} v{run.version}",
            action="calculated",
            changes=[Change("status", "", run.status), Change("final", "", "yes" if run.is_final else "no")],
            note=run.error,
        )
        for run in runs
    ]
