"""SQLite: audit entries from the rows that record payout decisions themselves (docs/audit.md).

Finance's sign-offs and their revocations (``PayoutSignOff``), holds and their releases (``Hold``) and
corrections of closed quarters, recorded and applied (``Correction``) each keep who and when on their
own row. On PostgreSQL the pghistory events of those tables say the same and more (``row_events``).
A row that records two acts (signed then revoked, held then released, recorded then applied) gives two
entries, from two sources: each a queryset newest first, as ``selectors.AuditTrail`` merges them.
"""

from __future__ import annotations

import json

from django.db import models
from django.db.models import Q

from commissions.models import Correction, Hold, PayoutSignOff

from .entries import AuditEntry, AuditFilters, Change
from .logs import narrowed

SIGNOFF, HOLD, CORRECTION = "signoff", "hold", "correction"


def _text(value) -> str:
    return json.dumps(value, sort_keys=True, default=str) if value else ""


# --- Sign-offs -----------------------------------------------------------------------------------------


def _signoffs() -> models.QuerySet:
    return PayoutSignOff.objects.select_related("period", "signed_by", "revoked_by")


def signoffs_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(SIGNOFF):
        return PayoutSignOff.objects.none()
    rows = _signoffs().order_by("-signed_at", "-pk")
    text = Q(period__code__icontains=filters.search)
    return narrowed(rows, filters, text=text, id_field="pk", person="signed_by", at="signed_at")


def signoff_entries(rows: list[PayoutSignOff]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=row.signed_at,
            who=row.signed_by.email,
            object_type="Payout sign-off",
            object_id=str(row.pk),
            object_label=row.period.code,
            action="signed off",
            changes=[
                Change("totals", "", _text(row.totals)),
                Change("final runs", "", _text(row.final_runs)),
            ],
            note=row.comment,
        )
        for row in rows
    ]


def revocations_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(SIGNOFF):
        return PayoutSignOff.objects.none()
    rows = _signoffs().filter(revoked_at__isnull=False).order_by("-revoked_at", "-pk")
    text = Q(period__code__icontains=filters.search)
    return narrowed(rows, filters, text=text, id_field="pk", person="revoked_by", at="revoked_at")


def revocation_entries(rows: list[PayoutSignOff]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=row.revoked_at,
            who=row.revoked_by.email if row.revoked_by else "",
            object_type="Payout sign-off",
            object_id=str(row.pk),
            object_label=row.period.code,
            action="sign-off revoked",
            changes=[Change("status", "signed off", "revoked")],
            note=row.revoke_reason,
        )
        for row in rows
    ]


# --- Holds ---------------------------------------------------------------------------------------------


def _holds(filters: AuditFilters) -> tuple[models.QuerySet, Q]:
    rows = Hold.objects.select_related("period", "plan", "employee", "held_by", "released_by", "released_in")
    search = filters.search
    text = (
        Q(period__code__icontains=search)
        | Q(plan__code__icontains=search)
        | Q(employee__email__icontains=search)
        | Q(employee__employee_id__iexact=search)
    )
    return rows, text


def _hold_label(row: Hold) -> str:
    return f"{row.employee.email} · {row.plan.code} · {row.period.code}"


def holds_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(HOLD):
        return Hold.objects.none()
    rows, text = _holds(filters)
    rows = rows.order_by("-held_at", "-pk")
    return narrowed(rows, filters, text=text, id_field="pk", person="held_by", at="held_at")


def hold_entries(rows: list[Hold]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=row.held_at,
            who=row.held_by.email,
            object_type="Payout hold",
            object_id=str(row.pk),
            object_label=_hold_label(row),
            action="held",
            changes=[Change("status", "", "held")],
            note=row.reason,
        )
        for row in rows
    ]


def releases_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(HOLD):
        return Hold.objects.none()
    rows, text = _holds(filters)
    rows = rows.filter(released_at__isnull=False).order_by("-released_at", "-pk")
    return narrowed(rows, filters, text=text, id_field="pk", person="released_by", at="released_at")


def release_entries(rows: list[Hold]) -> list[AuditEntry]:
    entries = []
    for row in rows:
        changes = [Change("status", "held", "released")]
        if row.released_amount is not None:
            changes.append(Change("released amount", "", f"{row.released_amount:.2f}"))
        if row.released_in is not None:
            changes.append(Change("released in", "", row.released_in.code))
        entries.append(
            AuditEntry(
                at=row.released_at,
                who=row.released_by.email if row.released_by else "",
                object_type="Payout hold",
                object_id=str(row.pk),
                object_label=_hold_label(row),
                action="released",
                changes=changes,
                note=row.release_reason,
            )
        )
    return entries


# --- Corrections ---------------------------------------------------------------------------------------


def _corrections(filters: AuditFilters) -> tuple[models.QuerySet, Q]:
    rows = Correction.objects.select_related("period", "recorded_by", "applied_by")
    search = filters.search
    text = Q(period__code__icontains=search) | Q(cause__icontains=search) | Q(kind__iexact=search)
    return rows, text


def _correction_label(row: Correction) -> str:
    return f"{row.kind} · {row.period.code} · {row.cause}"


def corrections_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(CORRECTION):
        return Correction.objects.none()
    rows, text = _corrections(filters)
    rows = rows.order_by("-recorded_at", "-pk")
    return narrowed(rows, filters, text=text, id_field="pk", person="recorded_by", at="recorded_at")


def correction_entries(rows: list[Correction]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=row.recorded_at,
            who=row.recorded_by.email if row.recorded_by else "(no user given)",
            object_type="Correction",
            object_id=str(row.pk),
            object_label=_correction_label(row),
            action="recorded",
            changes=[
                Change("kind", "", row.get_kind_display()),
                Change("rows", "", str(len(row.rows or []))),
                Change("status", "", Correction.Status.PENDING.label.lower()),
            ],
            note=row.reason,
        )
        for row in rows
    ]


def applications_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(CORRECTION):
        return Correction.objects.none()
    rows, text = _corrections(filters)
    rows = rows.filter(applied_at__isnull=False).order_by("-applied_at", "-pk")
    return narrowed(rows, filters, text=text, id_field="pk", person="applied_by", at="applied_at")


def application_entries(rows: list[Correction]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=row.applied_at,
            who=row.applied_by.email if row.applied_by else "(no user given)",
            object_type="Correction",
            object_id=str(row.pk),
            object_label=_correction_label(row),
            action="applied",
            changes=[Change("status", "pending", "applied")],
            note=row.reason,
        )
        for row in rows
    ]
