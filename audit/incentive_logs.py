"""Audit entries of SPIFFs and points (docs/design.md §11.3, §11.4; docs/audit.md).

On both databases: each step of a SPIFF or of a grant (``SpiffEvent``: who, which step, the comment, the
status after), which the row events do not say. On SQLite, which has no history triggers, also what the
rows themselves record: the awards written (a grant with the status it was written with, pending) and
each grant's approval or rejection as a change of its award, points rules made (with every field: metric,
threshold, points, months, expiry), the ledger's entries (earned, redeemed, expired) and each redemption
asked, decided and handed out. A reward records nothing of its making, so the demo offers no "Reward"
filter (``selectors.object_type_choices``). On PostgreSQL the pghistory events of
``Spiff``, ``SpiffAward``, ``PointsRule``, ``Reward``, ``Redemption`` and ``PointsEntry`` say that and more
(``row_events``).

A redemption's decision and hand-out are dated by the day only (``decided_on``, ``fulfilled_on``): their
entries sit at 00:00 UTC of that day, and say so.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast

from accounts.models import User
from core import formatting as fmt
from incentives.models import PointsEntry, PointsRule, Redemption, SpiffAward, SpiffEvent

from .entries import AuditEntry, AuditFilters, Change, Labels, dated
from .logs import narrowed

SPIFF, AWARD, RULE, ENTRY, REDEMPTION = "spiff", "spiff_award", "points_rule", "points_entry", "redemption"
DAY_ONLY = "(the day is recorded, not the time)"


def at_day(day: date) -> datetime:
    """A day recorded without its time, as the trail's timestamp: 00:00 UTC of it."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def by_day(queryset: models.QuerySet, field: str, filters: AuditFilters) -> models.QuerySet:
    """``queryset`` annotated ``trail_day`` (``field``, a date, as a timestamp), newest first, narrowed to
    the filters' dates."""
    queryset = queryset.filter(**{f"{field}__isnull": False})
    if filters.date_from:
        queryset = queryset.filter(**{f"{field}__gte": filters.date_from})
    if filters.date_to:
        queryset = queryset.filter(**{f"{field}__lte": filters.date_to})
    return queryset.annotate(trail_day=Cast(field, models.DateTimeField())).order_by("-trail_day", "-pk")


def email_of(user: User | None, default: str = "(no user given)") -> str:
    """Who an incentive or recognition entry names: the user's e-mail, or ``default`` when none is given."""
    return user.email if user is not None else default


# --- SPIFF steps (both databases) -----------------------------------------------------------------------


def spiff_steps_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(SPIFF):
        return SpiffEvent.objects.none()
    steps = SpiffEvent.objects.select_related("spiff", "award__employee").order_by("-at", "-pk")
    if filters.search:
        text = Q(spiff__code__icontains=filters.search) | Q(comment__icontains=filters.search)
        steps = steps.filter(text | Q(spiff_id=int(filters.search)) if filters.search.isdigit() else text)
    if filters.person:  # no database constraint on the person: matched by id
        people = User.objects.filter(email__icontains=filters.person).values("pk")
        steps = steps.filter(user_id__in=people)
    return dated(steps, "at", filters)


def _statuses_before(steps: list[SpiffEvent]) -> dict[int, str]:
    """Per step, the status before it: the status after the step before it, of the same SPIFF or grant."""
    chain = SpiffEvent.objects.filter(spiff_id__in={s.spiff_id for s in steps}).order_by("at", "pk")
    before, last = {}, {}
    rows = chain.values_list("pk", "spiff_id", "award_id", "action", "status_after")
    for pk, spiff_id, award_id, action, status in rows:
        key = (spiff_id, award_id)
        before[pk] = last.get(key, "")
        if status:
            last[key] = status
        elif action == SpiffEvent.Action.GRANTED:  # the grant's step records no status: it is written pending
            last[key] = SpiffAward.Status.PENDING
    return before


def spiff_step_entries(steps: list[SpiffEvent]) -> list[AuditEntry]:
    before = _statuses_before(steps)
    labels = Labels()
    for step in steps:
        labels.want(User, step.user_id)
    entries = []
    for step in steps:
        changes = [Change("status", before.get(step.pk, ""), step.status_after)] if step.status_after else []
        award = step.award
        if award is not None:
            grant = f"#{award.pk} {fmt.money(award.amount, step.spiff.currency)} to {award.employee.email}"
            changes.append(Change("grant", "", f"{grant} on {award.day}"))
        entries.append(
            AuditEntry(
                at=step.at,
                who=labels.get(User, step.user_id) or "(the schedule)",
                object_type="SPIFF",
                object_id=str(step.spiff_id),
                object_label=step.spiff.code,
                action=step.get_action_display(),
                changes=changes,
                note=step.comment,
            )
        )
    return entries


# --- SQLite: awards and points rules --------------------------------------------------------------------


def awards_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(AWARD):
        return SpiffAward.objects.none()
    rows = SpiffAward.objects.select_related("spiff", "employee", "granted_by", "period")
    rows = rows.order_by("-created_at", "-pk")
    text = Q(spiff__code__icontains=filters.search) | Q(employee__email__icontains=filters.search)
    return narrowed(rows, filters, text=text, id_field="pk", person="employee", at="created_at")


def _award_label(award: SpiffAward) -> str:
    return f"{award.spiff.code} · {award.employee.email} · {award.day}"


def _created_status(award: SpiffAward) -> str:
    """The status an award was written with: a grant waits for approval (its decision is an entry of its
    own, ``grant_decision_entries``); a rule's award is written approved or not funded and stays so."""
    return SpiffAward.Status.PENDING if award.source == SpiffAward.Source.GRANT else award.status


def award_entries(rows: list[SpiffAward]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=row.created_at,
            who=email_of(row.granted_by, "(rule run)"),
            object_type="SPIFF award",
            object_id=str(row.pk),
            object_label=_award_label(row),
            action="granted" if row.source == SpiffAward.Source.GRANT else "awarded",
            changes=[
                Change("amount", "", fmt.money(row.amount, row.spiff.currency)),
                Change("status", "", _created_status(row)),
                Change("period", "", row.period.code),
            ],
            note=row.reason,
        )
        for row in rows
    ]


GRANT_DECISIONS = (
    SpiffEvent.Action.GRANT_APPROVED_CCO,
    SpiffEvent.Action.GRANT_APPROVED_FINANCE,
    SpiffEvent.Action.GRANT_REJECTED,
)


def grant_decisions_queryset(filters: AuditFilters) -> models.QuerySet:
    """SQLite: each approval or rejection of a grant, as a change of its award (PostgreSQL has the award's
    row events instead)."""
    if not filters.wants(AWARD):
        return SpiffEvent.objects.none()
    steps = SpiffEvent.objects.filter(award__isnull=False, action__in=GRANT_DECISIONS)
    steps = steps.select_related("spiff", "award__employee").order_by("-at", "-pk")
    if filters.search:
        text = (
            Q(spiff__code__icontains=filters.search)
            | Q(award__employee__email__icontains=filters.search)
            | Q(comment__icontains=filters.search)
        )
        steps = steps.filter(text | Q(award_id=int(filters.search)) if filters.search.isdigit() else text)
    if filters.person:  # no database constraint on the person: matched by id
        people = User.objects.filter(email__icontains=filters.person).values("pk")
        steps = steps.filter(user_id__in=people)
    return dated(steps, "at", filters)


def grant_decision_entries(steps: list[SpiffEvent]) -> list[AuditEntry]:
    before = _statuses_before(steps)
    labels = Labels()
    for step in steps:
        labels.want(User, step.user_id)
    return [
        AuditEntry(
            at=step.at,
            who=labels.get(User, step.user_id) or "(no user given)",
            object_type="SPIFF award",
            object_id=str(step.award_id),
            object_label=_award_label(step.award),
            action=step.get_action_display(),
            changes=[Change("status", before.get(step.pk, ""), step.status_after)]
            if step.status_after
            else [],
            note=step.comment,
        )
        for step in steps
    ]


def _expiry(rule: PointsRule) -> str:
    """The months its points last: its own, or the setting's it follows when earned."""
    if rule.expiry_months:
        return str(rule.expiry_months)
    return f"POINTS_EXPIRY_MONTHS (now {settings.POINTS_EXPIRY_MONTHS})"


def points_rules_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(RULE):
        return PointsRule.objects.none()
    rows = PointsRule.objects.select_related("created_by").order_by("-created_at", "-pk")
    text = Q(code__icontains=filters.search) | Q(metric__icontains=filters.search)
    return narrowed(rows, filters, text=text, id_field="pk", person="created_by", at="created_at")


def points_rule_entries(rows: list[PointsRule]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=row.created_at,
            who=email_of(row.created_by, "(the system)"),
            object_type="Points rule",
            object_id=str(row.pk),
            object_label=row.code,
            action="created",
            changes=[
                Change("metric", "", row.metric),
                Change("threshold", "", fmt.number(row.threshold).replace(",", "")),
                Change("points", "", str(row.points)),
                Change("start", "", str(row.start)),
                Change("end", "", str(row.end or "")),
                Change("expiry_months", "", _expiry(row)),
            ],
        )
        for row in rows
    ]


# --- SQLite: the points ledger --------------------------------------------------------------------------


def points_entries_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(ENTRY):
        return PointsEntry.objects.none()
    rows = PointsEntry.objects.select_related("employee", "rule", "redemption__decided_by")
    rows = rows.order_by("-created_at", "-pk")
    text = (
        Q(employee__email__icontains=filters.search)
        | Q(rule__code__icontains=filters.search)
        | Q(kind__iexact=filters.search)
    )
    return narrowed(rows, filters, text=text, id_field="pk", person="employee", at="created_at")


def points_entry_entries(rows: list[PointsEntry]) -> list[AuditEntry]:
    entries = []
    for row in rows:
        changes = [Change("points", "", str(row.points)), Change("on", "", str(row.on))]
        if row.kind == PointsEntry.Kind.EARNED:
            changes += [
                Change("rule", "", row.rule.code),
                Change("month", "", f"{row.month:%Y-%m}"),
                Change("expires_after", "", str(row.expires_after)),
            ]
        else:
            changes.append(Change("lot", "", f"#{row.lot_id}"))
        if row.redemption_id:
            who = email_of(row.redemption.decided_by)
            changes.append(Change("redemption", "", f"#{row.redemption_id}"))
        else:
            who = "(points run)"
        entries.append(
            AuditEntry(
                at=row.created_at,
                who=who,
                object_type="Points entry",
                object_id=str(row.pk),
                object_label=f"{row.employee.email} · {row.kind} {row.points}",
                action=row.kind,
                changes=changes,
            )
        )
    return entries


# --- SQLite: redemptions asked, decided, handed out ----------------------------------------------------


def _redemptions() -> models.QuerySet:
    return Redemption.objects.select_related("reward", "employee", "decided_by", "fulfilled_by", "period")


def _redemption_text(filters: AuditFilters) -> Q:
    return Q(reward__code__icontains=filters.search) | Q(employee__email__icontains=filters.search)


def _label(row: Redemption) -> str:
    return f"#{row.pk} {row.reward.code} · {row.employee.email}"


def _price(row: Redemption) -> list[Change]:
    changes = [Change("points", "", str(row.points))]
    if row.cash_amount:
        changes.append(Change("cash_amount", "", fmt.money(row.cash_amount, row.currency)))
    return changes


def requests_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(REDEMPTION):
        return Redemption.objects.none()
    rows = _redemptions().order_by("-requested_at", "-pk")
    return narrowed(
        rows, filters, text=_redemption_text(filters), id_field="pk", person="employee", at="requested_at"
    )


def request_entries(rows: list[Redemption]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=row.requested_at,
            who=row.employee.email,
            object_type="Points redemption",
            object_id=str(row.pk),
            object_label=_label(row),
            action="requested",
            changes=[Change("status", "", Redemption.Status.PENDING), *_price(row)],
        )
        for row in rows
    ]


def _narrowed_by_day(rows, filters: AuditFilters, *, person: str, day: str) -> models.QuerySet:
    text = _redemption_text(filters)
    if filters.search:
        rows = rows.filter(text | Q(pk=int(filters.search)) if filters.search.isdigit() else text)
    if filters.person:
        rows = rows.filter(**{f"{person}__email__icontains": filters.person})
    return by_day(rows, day, filters)


def decisions_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(REDEMPTION):
        return Redemption.objects.none()
    return _narrowed_by_day(_redemptions(), filters, person="decided_by", day="decided_on")


def decision_entries(rows: list[Redemption]) -> list[AuditEntry]:
    entries = []
    for row in rows:
        # A fulfilled reward was approved first: its decision was an approval.
        decided = Redemption.Status.REJECTED if row.status == Redemption.Status.REJECTED else "approved"
        changes = [Change("status", Redemption.Status.PENDING, decided)]
        if row.period_id:
            changes.append(Change("period", "", row.period.code))
        entries.append(
            AuditEntry(
                at=at_day(row.decided_on),
                who=email_of(row.decided_by),
                object_type="Points redemption",
                object_id=str(row.pk),
                object_label=_label(row),
                action=decided,
                changes=changes,
                note="; ".join(part for part in (row.comment, DAY_ONLY) if part),
            )
        )
    return entries


def fulfilments_queryset(filters: AuditFilters) -> models.QuerySet:
    if not filters.wants(REDEMPTION):
        return Redemption.objects.none()
    return _narrowed_by_day(_redemptions(), filters, person="fulfilled_by", day="fulfilled_on")


def fulfilment_entries(rows: list[Redemption]) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=at_day(row.fulfilled_on),
            who=email_of(row.fulfilled_by),
            object_type="Points redemption",
            object_id=str(row.pk),
            object_label=_label(row),
            action="fulfilled",
            changes=[Change("status", "approved", Redemption.Status.FULFILLED)],
            note=DAY_ONLY,
        )
        for row in rows
    ]
