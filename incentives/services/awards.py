"""What a SPIFF awards: a rule's qualifying events and grants by hand, within its budget
(docs/design.md §11.3; RULES "SPIFF budget").

The budget is funded first come by qualifying time (the day, ties by employee id); the event that crosses
the cap is funded partly, up to the cap; later events are written unfunded with the reason. The cap
counts approved awards only. An award lies in the quarter of its day and is frozen with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from accounts import access
from accounts.models import User
from commissions.models import Period
from commissions.services.periods import open_period_for_writing
from commissions.services.person_metrics import MetricSource, stored_metric_values
from core import formatting as fmt
from core.errors import NotAllowed, PeriodClosed
from core.fiscal import calendar

from ..errors import BudgetExceeded, SpiffInvalid, WrongStatus
from ..models import Spiff, SpiffAward, SpiffEvent
from .spiffs import _money, approval_step, budget_use, eligible_people

PERSON = "person"  # the event key of a per-person award: once per person


@dataclass
class AwardRun:
    """What one ``award_spiff`` wrote: the new awards (funded, partly funded, unfunded) in funding order,
    and the qualifying events it could not write because their quarter is closed (day, employee id,
    quarter code)."""

    awards: list[SpiffAward] = field(default_factory=list)
    closed: list[tuple[date, str, str]] = field(default_factory=list)

    @property
    def funded(self) -> Decimal:
        return sum((a.amount for a in self.awards), Decimal(0))


def _period_of(day: date, cache: dict[str, Period]) -> Period:
    code = calendar().period_of(day).code
    if code not in cache:
        cache[code] = open_period_for_writing(code)
    return cache[code]


def award_spiff(
    spiff: Spiff, as_of: date, *, metrics: MetricSource | None = None, user: User | None = None
) -> AwardRun:
    """Award a rule SPIFF's qualifying events from its start to ``as_of`` (or its end, if earlier).

    A qualifying event is a day on which an eligible person's metric value is ≥ the threshold (per
    ``event``: each such day; per ``person``: the person's first such day). New events are funded in order
    of (day, employee id) from the budget left after the approved awards; the one that crosses the cap is
    funded partly (reason says so), later ones are written ``unfunded`` with the reason. Idempotent: an
    event already written (funded or not) is never written again, whatever it was paid, so a rerun awards
    nothing twice; a late event of an earlier day is funded from what is left when it is first seen.
    Events in a closed quarter are not written (reported in ``AwardRun.closed``).

    Locks the SPIFF's row for the transaction; records one ``SpiffEvent`` when anything is written.
    Raises ``NotAllowed`` unless ``user`` may award (ops, or the system: None), ``WrongStatus`` unless
    the SPIFF is an approved rule SPIFF, ``AttainError`` when a quarter has no plan.
    """
    access.require(access.may_award_spiff(user, spiff))
    source = metrics or stored_metric_values
    run = AwardRun()
    with transaction.atomic():
        row = Spiff.objects.select_for_update().get(pk=spiff.pk)
        if row.status != Spiff.Status.APPROVED or row.kind != Spiff.Kind.RULE:
            raise WrongStatus(
                f"{row} is a {row.get_kind_display().lower()} SPIFF, {row.get_status_display().lower()}: "
                "only an approved rule SPIFF awards by its rule."
            )
        last = min(as_of, row.end)
        if last < row.start:
            return run
        remaining = budget_use(row).remaining
        periods: dict[str, Period] = {}
        for day, code, pk, value, event in unwritten_events(row, source, last):
            period = _period_of(day, periods)
            if period.is_closed:
                run.closed.append((day, code or str(pk), period.code))
                continue
            funded = min(row.amount, max(remaining, Decimal(0)))
            remaining -= funded
            run.awards.append(
                SpiffAward(
                    spiff=row,
                    employee_id=pk,
                    day=day,
                    period=period,
                    source=SpiffAward.Source.RULE,
                    event=event,
                    metric_value=value,
                    asked=row.amount,
                    amount=funded,
                    status=SpiffAward.Status.APPROVED if funded > 0 else SpiffAward.Status.UNFUNDED,
                    reason=_funding_reason(row, funded),
                )
            )
        if run.awards:
            SpiffAward.objects.bulk_create(run.awards)
            SpiffEvent.objects.create(
                spiff=row,
                action=SpiffEvent.Action.AWARDED,
                user=user,
                status_after=row.status,
                comment=(
                    f"{len(run.awards)} qualifying events to {last}: "
                    f"{fmt.money(run.funded, row.currency)} funded."
                ),
            )
    return run


def unwritten_events(spiff: Spiff, source: MetricSource, last: date) -> list[tuple]:
    """The rule ``spiff``'s qualifying events from its start to ``last`` that no award records yet, in
    funding order: (day, employee id, pk, value, event key) each — the key a day's ISO date per event, or
    ``PERSON`` for a SPIFF paid once per person. What ``award_spiff`` writes, and what a quarter's close
    waits for (``incentives.quarter_close``): one reading of the rule for both (docs/design.md §11.3)."""
    people = dict(eligible_people(spiff).values_list("pk", "employee_id"))
    done = set(
        SpiffAward.objects.filter(spiff=spiff, source=SpiffAward.Source.RULE).values_list(
            "employee_id", "event"
        )
    )
    events = []
    for day, code, pk, value in _qualifying(spiff, source, people, last):
        event = day.isoformat() if spiff.per == Spiff.Per.EVENT else PERSON
        if (pk, event) not in done:
            events.append((day, code, pk, value, event))
    return events


def _qualifying(row: Spiff, source: MetricSource, people: dict[int, str | None], last: date) -> list:
    """(day, employee id, pk, value) of each qualifying event, in funding order: by day, ties by employee
    id (RULES "SPIFF budget"); per person, each person's first qualifying day only."""
    values = source(metric=row.metric, employees=sorted(people), first=row.start, last=last)
    events = []
    for v in values:
        if isinstance(v.value, float):
            who = f"employee {people[v.employee]}" if people.get(v.employee) else "a person without an id"
            raise SpiffInvalid(f"{row.metric} of {who} on {v.day} is a float: values are decimals.")
        if v.employee in people and row.start <= v.day <= last and v.value >= row.threshold:
            events.append((v.day, people[v.employee] or "", v.employee, v.value))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    if row.per == Spiff.Per.PERSON:
        first: dict[int, tuple] = {}
        for event in events:
            first.setdefault(event[2], event)
        events = sorted(first.values(), key=lambda e: (e[0], e[1], e[2]))
    return events


def _funding_reason(row: Spiff, funded: Decimal) -> str:
    budget = fmt.money(row.budget, row.currency)
    if funded == row.amount:
        return ""
    if funded > 0:
        return f"Partly funded: the last {fmt.money(funded, row.currency)} of the budget of {budget}."
    return f"Not funded: the budget of {budget} was used up by earlier qualifying events."


def grant_spiff(*, spiff: Spiff, employee: User, amount, day: date, reason: str, user: User) -> SpiffAward:
    """A grant by hand of a manual SPIFF (ops or a Geo VP of the person's geo): ``pending`` until approved
    like its SPIFF (``approve_grant``). The day lies in the SPIFF's dates and in an open quarter, the
    person is eligible, and the amount fits in the budget left (approved awards counted; checked again at
    approval). Raises ``SpiffInvalid``, ``BudgetExceeded``, ``PeriodClosed``, ``NotAllowed``."""
    access.require(access.may_grant_spiff(user, spiff))
    access.get_visible(access.employees_visible_to(user), pk=employee.pk)
    problems: list[str] = []
    value = _money(amount, "The amount", problems)
    if value is not None and value <= 0:
        problems.append(f"The amount must be above 0, not {value}.")
    if not (reason or "").strip():
        problems.append("A grant says why (a reason).")
    if not spiff.start <= day <= spiff.end:
        problems.append(f"{day} is outside {spiff.code}'s dates ({fmt.date_range(spiff.start, spiff.end)}).")
    if problems:
        raise SpiffInvalid(
            f"The grant of {spiff.code} is invalid:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    with transaction.atomic():
        row = Spiff.objects.select_for_update().get(pk=spiff.pk)
        if (refusal := grant_refusal(row)) is not None:
            raise WrongStatus(refusal)
        if not eligible_people(row).filter(pk=employee.pk).exists():
            raise SpiffInvalid(f"{employee.email} is not eligible for {row.code}.")
        period = _open_period(day)
        _fits(row, value)
        award = SpiffAward.objects.create(
            spiff=row,
            employee=employee,
            day=day,
            period=period,
            source=SpiffAward.Source.GRANT,
            asked=value,
            amount=value,
            status=SpiffAward.Status.PENDING,
            reason=reason.strip(),
            granted_by=user,
        )
        SpiffEvent.objects.create(
            spiff=row, award=award, action=SpiffEvent.Action.GRANTED, user=user, comment=reason.strip()
        )
    return award


def grant_refusal(spiff: Spiff) -> str | None:
    """Why ``spiff`` takes no grant (not an approved SPIFF granted by hand), or None when it takes one: the
    one sentence ``grant_spiff`` raises and the SPIFF page says (docs/design.md §11.3 "Grants")."""
    if spiff.status == Spiff.Status.APPROVED and spiff.kind == Spiff.Kind.MANUAL:
        return None
    return (
        f"{spiff} is a {spiff.get_kind_display().lower()} SPIFF, {spiff.get_status_display().lower()}: "
        "only an approved SPIFF granted by hand takes grants."
    )


def _open_period(day: date) -> Period:
    period = open_period_for_writing(calendar().period_of(day).code)
    if period.is_closed:
        raise PeriodClosed(f"{period.code} is closed: its SPIFF awards cannot change (re-open it first).")
    return period


def _fits(spiff: Spiff, amount: Decimal) -> None:
    left = budget_use(spiff).remaining
    if amount > left:
        raise BudgetExceeded(
            f"{fmt.money(amount, spiff.currency)} does not fit in {spiff.code}'s budget: "
            f"{fmt.money(left, spiff.currency)} of {fmt.money(spiff.budget, spiff.currency)} is left."
        )


def approve_grant(*, award: SpiffAward, user: User, comment: str = "") -> SpiffAward:
    """The CCO's or finance's approval of a pending grant, as for its SPIFF (finance too when the SPIFF
    needed finance); approved once both are given, if it still fits in the budget and its quarter is open.
    Raises ``NotAllowed``, ``WrongStatus``, ``BudgetExceeded``, ``PeriodClosed``."""
    access.require(access.may_approve_spiff(user, award.spiff))
    with transaction.atomic():
        spiff = Spiff.objects.select_for_update().get(pk=award.spiff_id)
        row = SpiffAward.objects.select_related("spiff", "period").get(pk=award.pk)
        if row.status != SpiffAward.Status.PENDING:
            raise WrongStatus(
                f"The grant #{row.pk} is {row.get_status_display().lower()}: nothing to approve."
            )
        if row.period.is_closed:
            raise PeriodClosed(
                f"{row.period.code} is closed: its SPIFF awards cannot change (re-open it first)."
            )
        step = approval_step(row, user, proposer=row.granted_by_id, cco=row.cco_approver_id)
        if step == "cco":
            row.cco_approver = user
        else:
            row.finance_approver = user
        if row.cco_approver_id is not None and (
            row.finance_approver_id is not None or not spiff.needs_finance
        ):
            _fits(spiff, row.amount)
            row.status = SpiffAward.Status.APPROVED
        row.save(update_fields=["cco_approver", "finance_approver", "status"])
        action = (
            SpiffEvent.Action.GRANT_APPROVED_CCO
            if step == "cco"
            else SpiffEvent.Action.GRANT_APPROVED_FINANCE
        )
        SpiffEvent.objects.create(
            spiff=spiff, award=row, action=action, user=user, comment=comment, status_after=row.status
        )
    return row


def reject_grant(*, award: SpiffAward, user: User, comment: str) -> SpiffAward:
    """A pending grant rejected by the CCO or finance, with a comment (final)."""
    access.require(access.may_approve_spiff(user, award.spiff))
    if not comment.strip():
        raise SpiffInvalid("A rejection says why (a comment).")
    with transaction.atomic():
        changed = SpiffAward.objects.filter(pk=award.pk, status=SpiffAward.Status.PENDING).update(
            status=SpiffAward.Status.REJECTED
        )
        if changed != 1:
            raise WrongStatus(f"The grant #{award.pk} is not waiting for approval.")
        award.refresh_from_db()
        if award.period.is_closed:
            raise PeriodClosed(f"{award.period.code} is closed: its SPIFF awards cannot change.")
        SpiffEvent.objects.create(
            spiff=award.spiff,
            award=award,
            action=SpiffEvent.Action.GRANT_REJECTED,
            user=user,
            comment=comment,
            status_after=award.status,
        )
    return award


__all__ = ["AwardRun", "NotAllowed", "approve_grant", "award_spiff", "grant_spiff", "reject_grant"]
