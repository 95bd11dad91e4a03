"""Corrections of closed quarters: recorded with a reason, shown with their effect, applied by ops
(issue 14, docs/design.md §7).

Recording never touches the closed quarter: the correction is its own record, validated, with the
true-ups it would pay computed at once. Applying restates each plan of the quarter with every applied
correction plus this one and pays the differences as true-ups in the next open quarter, in one
transaction. The same correction applied twice pays nothing more.

A deal correction is also the audited path through the freeze of the deal itself: applying it writes the
corrected deal rows, so every later quarter — one crediting the deal by its other date — reads the
corrected deal, while the closed quarter is restated once (docs/design.md §7 "Deal corrections").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import access
from accounts.models import User
from core import formatting as fmt
from core.errors import AttainError, MissingFxRate
from core.text import checked_reason

from ..models import Correction, Period, TrueUp
from .imports.base import ImportRefused, Refusal, validate
from .imports.specs import SPECS
from .periods import period_lock
from .restatements import (
    differences,
    effect_of,
    payable_quarter,
    restate,
    restated_plans,
    write_restatement,
    write_trueups,
)

K = Correction.Kind


def _text(value) -> str:
    text = str(value).strip() if value is not None else ""
    if not text:
        raise ValueError("required")
    return text


def _decimal(value) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError("not a number") from None
    if not number.is_finite():
        raise ValueError("not a number")
    return number


def _date(value) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError("not a date (YYYY-MM-DD)") from None


def _optional(parse: Callable) -> Callable:
    return lambda value: None if value in (None, "") else parse(value)


# The fields of each kind's rows (the engine's column names) and how each is read from text.
FIELDS: dict[str, dict[str, Callable]] = {
    K.DEAL: {
        "deal_id": _text,
        "customer_id": _text,
        "type": _text,
        "arr_delta": _decimal,
        "currency": _text,
        "booked_on": _date,
        "effective_on": _date,
    },
    K.KPI: {"employee_id": _text, "kpi": _text, "value": _decimal},
    K.FX: {"currency": _text, "rate": _decimal},
    K.OWNERSHIP: {"customer_id": _text, "employee_id": _text, "start_date": _date},
    K.ASSIGNMENT: {
        "employee_id": _text,
        "plan": _text,
        "start_date": _date,
        "end_date": _optional(_date),
        "on_target_amount": _decimal,
        "nrr_goal": _optional(_decimal),
        "kpi_goal": _optional(_decimal),
    },
    K.ADJUSTMENT: {"customer_id": _text, "kind": _text, "value": _decimal},
    # plans: the codes, space-separated, of the plans it claws back (their clawback windows); none: all.
    K.CLAWBACK: {"deal_id": _text, "share": _decimal, "by_deal": _text, "plans": _optional(_text)},
}

# The import kind (DESIGN §3) whose CSV format a correction file of each kind uses.
FILE_KINDS = {
    K.DEAL: "deals",
    K.KPI: "kpis",
    K.FX: "fx",
    K.OWNERSHIP: "ownership",
    K.ASSIGNMENT: "assignments",
}


def parsed_rows(kind: str, rows: list[dict]) -> list[dict]:
    """A correction's stored rows as engine values (Decimal, date). Raises ``AttainError`` naming the row
    (counted from 1), the field and the value of the first bad one."""
    if kind not in FIELDS:
        raise AttainError(f"Unknown correction kind {kind!r}: one of {', '.join(FIELDS)}.")
    fields = FIELDS[kind]
    parsed = []
    for number, row in enumerate(rows, start=1):
        unknown = sorted(set(row) - set(fields))
        if unknown:
            raise AttainError(
                f"Row {number} of the {kind} correction has unknown fields: {', '.join(unknown)}."
            )
        values = {}
        for name, parse in fields.items():
            try:
                values[name] = parse(row.get(name))
            except ValueError as exc:
                raise AttainError(
                    f"Row {number} of the {kind} correction: {name} {row.get(name)!r} is {exc}."
                ) from None
        parsed.append(values)
    return parsed


def _stored(rows: list[dict]) -> list[dict]:
    return [
        {k: (None if v is None else v.isoformat() if isinstance(v, date) else str(v)) for k, v in r.items()}
        for r in rows
    ]


def _check_rows(kind: str, rows: list[dict], period: Period, labels: list[str] | None = None) -> None:
    """Rules a correction's rows must keep beyond their format (the import's own rules are checked when
    they come from a file). ``labels`` names each row in a refusal ("Line 2" of a file); default "Row n"."""
    labels = labels or [f"Row {n}" for n in range(1, len(rows) + 1)]
    for number, row in zip(labels, rows, strict=True):
        if kind == K.DEAL and not (
            period.start <= row["booked_on"] <= period.end
            or period.start <= row["effective_on"] <= period.end
        ):
            raise AttainError(
                f"{number}: deal {row['deal_id']} is booked and effective outside {period.code} "
                f"({fmt.date_range(period.start, period.end)}): correct the quarter it is credited in."
            )
        if kind == K.FX and row["rate"] <= 0:
            raise AttainError(f"{number}: the rate of {row['currency']} must be positive.")
        if kind == K.ADJUSTMENT and row["kind"] not in ("exception", "extra_credit"):
            raise AttainError(f"{number}: kind {row['kind']!r} is neither exception nor extra_credit.")
        if kind == K.CLAWBACK and not Decimal(0) <= row["share"] <= 1:
            # 0 revises an earlier clawback of the same pair to nothing undone (clawbacks.find_clawbacks).
            raise AttainError(f"{number}: a clawback's share must be at least 0 and at most 1.")


def rows_from_file(*, period: Period, kind: str, data: bytes, user: User | None = None) -> list[dict]:
    """The rows of a correction file: a CSV in the format of the kind's import (DESIGN §3), validated as
    the import validates it, except that it may touch the closed quarter (that is its point).

    Raises ``ImportRefused`` with every bad row, and ``AttainError`` for a kind with no file format.
    """
    if kind not in FILE_KINDS:
        raise AttainError(
            f"{fmt.with_article(kind, capital=True)} correction is not recorded from a file: one of "
            f"{', '.join(FILE_KINDS)}."
        )
    import_kind = FILE_KINDS[kind]
    spec = SPECS[import_kind]
    # The import's closed-quarter refusal is what a correction replaces; its other file rules stay.
    check = None if spec.check_file is None or kind != K.ASSIGNMENT else _assignment_rules()
    try:
        parsed = validate(replace(spec, check_file=check), data, user=user)
    except Refusal as exc:
        raise ImportRefused(import_kind, exc.errors, error_count=exc.count) from None
    rows = []
    for row in parsed.rows:
        values = parsed.values(row)
        line = row[0]
        quarter = values.pop("period", period.code)
        if quarter != period.code:
            raise AttainError(f"Line {line}: period {quarter} is not the corrected quarter {period.code}.")
        rows.append(values)
    _check_rows(kind, parsed_rows(kind, _stored(rows)), period, [f"Line {row[0]}" for row in parsed.rows])
    return rows


def _assignment_rules():
    from .imports import rules

    return rules.check_assignments


def _cause(kind: str, period: Period, user: User | None, reason: str) -> str:
    who = user.email if user is not None else "the system"
    text = f"{period.code} restated: {Correction.Kind(kind).label.lower()} correction by {who} on "
    text += f"{timezone.localdate():%Y-%m-%d}: {reason}"
    return text[:300]


def record_correction(
    *,
    period: Period,
    kind: str,
    rows: list[dict],
    reason: str,
    user: User | None,
    source: str | None = None,
    cause: str = "",
) -> Correction:
    """Record a pending correction of the closed ``period`` with its effect (the true-ups applying it
    would pay now). ``rows``: dicts of the kind's fields (``FIELDS``), values as text or parsed.

    ``source`` names the cause (``request:12``): a correction with the same source is returned as it is,
    never recorded twice. Raises ``NotAllowed`` unless ``user`` is ops (None: the system), ``AttainError``
    when the quarter is open, the reason is shorter than 10 characters, a row is bad, or the restatement
    cannot be computed — ``MissingFxRate`` names the currency and quarter a rate is missing for: record an
    ``fx`` correction first.
    """
    access.require(access.may_correct(user, period))
    if source:
        existing = Correction.objects.filter(source=source).first()
        if existing is not None:
            return existing
    period.refresh_from_db()
    if not period.is_closed:
        raise AttainError(
            f"{period.code} is open: import the changed data and calculate again; a correction is for a "
            "closed quarter."
        )
    if kind not in Correction.Kind.values:
        raise AttainError(f"Unknown correction kind {kind!r}: one of {', '.join(Correction.Kind.values)}.")
    reason = checked_reason(reason, what="A correction")
    if not rows:
        raise AttainError("A correction needs at least one row.")
    parsed = parsed_rows(kind, _stored(rows))
    _check_rows(kind, parsed, period)
    if kind == K.DEAL:
        _check_deals(parsed, period)
    twin = period.corrections.filter(
        status=Correction.Status.PENDING, kind=kind, rows=_stored(parsed)
    ).first()
    if twin is not None:
        raise AttainError(
            f"These rows are already pending as {twin.label} of {period.code}: apply or withdraw it."
        )
    correction = Correction(
        period=period,
        kind=kind,
        rows=_stored(parsed),
        reason=reason,
        cause=(cause or _cause(kind, period, user, reason))[:300],
        source=source or None,
        recorded_by=user,
    )
    _compute_effect(correction)
    try:
        with transaction.atomic():  # a savepoint: a caller's transaction survives the duplicate
            correction.save()
    except IntegrityError:  # the same source recorded at the same moment
        return Correction.objects.get(source=source)
    return correction


def _compute_effect(correction: Correction) -> None:
    """Set ``correction.effect`` (and ``effect_at``) to what applying it after the applied ones pays now.
    A missing rate is refused naming currency and quarter, with the way out (an fx correction)."""
    period = correction.period
    try:
        correction.effect = effect_of(period, [*applied_corrections(period), correction])
    except MissingFxRate:
        needed = _missing_currency(correction)
        raise MissingFxRate(
            f"No FX rate for {needed} in {period.code}: the quarter is closed, so record an fx correction of "
            f"{period.code} with the rate, apply it, then record this one."
        ) from None
    correction.effect_at = timezone.now()


def _missing_currency(correction: Correction) -> str:
    """The currency a correction's rows name that the quarter (with its applied fx corrections) lacks."""
    from ..models import FxRate

    rates = set(FxRate.objects.filter(period=correction.period.code).values_list("currency", flat=True))
    for applied in applied_corrections(correction.period):
        if applied.kind == K.FX:
            rates |= {row["currency"] for row in applied.rows}
    named = [row.get("currency") for row in correction.rows if row.get("currency")]
    missing = [c for c in named if c not in rates]
    return missing[0] if missing else "a currency the restatement needs"


def effect_is_stale(correction: Correction) -> Correction | None:
    """The latest correction of the same quarter applied after ``correction``'s effect was computed (its
    effect may have changed), or None."""
    if correction.status != Correction.Status.PENDING or correction.effect_at is None:
        return None
    return (
        Correction.objects.filter(
            period_id=correction.period_id,
            status=Correction.Status.APPLIED,
            applied_at__gt=correction.effect_at,
        )
        .order_by("-applied_at")
        .first()
    )


def recompute_effect(*, correction: Correction, user: User | None) -> Correction:
    """Compute a pending correction's effect again, after the quarter's applied corrections (ops)."""
    access.require(access.may_correct(user, correction.period))
    if correction.status != Correction.Status.PENDING:
        raise AttainError(
            f"{correction.label} is {correction.get_status_display().lower()}: its effect is final."
        )
    _compute_effect(correction)
    Correction.objects.filter(pk=correction.pk, status=Correction.Status.PENDING).update(
        effect=correction.effect, effect_at=correction.effect_at
    )
    return correction


def applied_corrections(period: Period) -> list[Correction]:
    """The corrections applied to ``period``, in the order they were applied."""
    return list(period.corrections.filter(status=Correction.Status.APPLIED).order_by("applied_at", "pk"))


def pending_corrections(period: Period | None = None) -> list[Correction]:
    """Corrections recorded and not yet applied or withdrawn (of ``period``, or of every quarter)."""
    pending = Correction.objects.filter(status=Correction.Status.PENDING).select_related(
        "period", "recorded_by"
    )
    if period is not None:
        pending = pending.filter(period=period)
    return list(pending.order_by("period__start", "pk"))


def apply_correction(*, correction: Correction, user: User | None) -> list[TrueUp]:
    """Apply a pending correction: restate each plan its quarter paid and pay the differences as true-ups
    in the next open quarter (``payable_quarter``), all in one transaction; a deal correction then writes
    its deal rows, so later quarters read them (docs/design.md §7 "Deal corrections"), and clawbacks are
    looked for again (``clawbacks.look_again``).

    Applying an applied correction pays nothing more and returns []. Raises ``NotAllowed`` unless
    ``user`` is ops (None: the system), ``AttainError`` for a withdrawn correction, a quarter re-opened
    since, no open quarter to pay in, or a deal dated in another closed quarter; ``MissingFxRate`` as
    ``record_correction``.
    """
    period = correction.period
    access.require(access.may_correct(user, period))
    paid_in = payable_quarter(period)
    with period_lock(paid_in), period_lock(period), transaction.atomic():
        current = Correction.objects.select_for_update().get(pk=correction.pk)
        if current.status == Correction.Status.APPLIED:
            return []
        if current.status == Correction.Status.WITHDRAWN:
            raise AttainError(f"{current.label} was withdrawn: record a new one.")
        period = Period.objects.select_for_update().get(pk=period.pk)
        if not period.is_closed:
            raise AttainError(f"{period.code} was re-opened: change its inputs directly and calculate again.")
        paid_in = Period.objects.select_for_update().get(pk=paid_in.pk)
        if paid_in.is_closed:
            raise AttainError(f"{paid_in.code} closed meanwhile: apply {current.label} again.")
        corrections = [*applied_corrections(period), current]
        deals = parsed_rows(K.DEAL, current.rows) if current.kind == K.DEAL else []
        if deals:
            _check_deals(deals, period)
        trueups: list[TrueUp] = []
        for plan in restated_plans(period):
            restated = restate(period=period, plan=plan, corrections=corrections)
            diffs = differences(restated, period)
            run = write_restatement(restated, user=user)
            if diffs:
                trueups += write_trueups(restated, correction=current, run=run, paid_in=paid_in, diffs=diffs)
        _write_deals(deals)  # after the restatements, which read the quarter as it was paid
        Correction.objects.filter(pk=current.pk).update(
            status=Correction.Status.APPLIED, applied_by=user, applied_at=timezone.now()
        )
    correction.refresh_from_db()
    if deals:  # a corrected churn, contraction or expansion may change a clawback (design.md §7)
        from .clawbacks import look_again

        look_again(after=f"applying {correction.label}")
    return trueups


def _check_deals(rows: list[dict], period: Period) -> None:
    """Rules of a deal correction's rows, since applying it writes them (docs/design.md §7 "Deal
    corrections"): the sign fits the type (DESIGN §3 ``deals``), the customer exists, and neither the stored
    deal nor the corrected one is dated in a closed quarter other than ``period`` — that quarter paid the
    deal as stored and would not be restated. Raises ``AttainError`` naming the deal."""
    from adoption.models import Customer

    from ..closed import closed_quarters
    from ..models import Deal

    signs = {"expansion": 1, "contraction": -1, "churn": -1}
    stored = {
        d.deal_id: d
        for d in Deal.objects.filter(deal_id__in=[row["deal_id"] for row in rows]).only(
            "deal_id", "booked_on", "effective_on"
        )
    }
    known = set(
        Customer.objects.filter(customer_id__in=[row["customer_id"] for row in rows]).values_list(
            "customer_id", flat=True
        )
    )
    others = [q for q in closed_quarters() if q.code != period.code]
    for row in rows:
        deal = row["deal_id"]
        if row["type"] not in Deal.Type.values:
            types = ", ".join(Deal.Type.values)
            raise AttainError(f"Deal {deal}: type {row['type']!r} is not one of {types}.")
        sign = signs.get(row["type"])
        if sign is not None and row["arr_delta"] * sign <= 0:
            raise AttainError(
                f"Deal {deal}: {fmt.with_article(row['type'])}'s arr_delta must be "
                f"{'positive' if sign > 0 else 'negative'}."
            )
        if row["customer_id"] not in known:
            raise AttainError(f"Deal {deal}: no customer {row['customer_id']}.")
        dates = [row["booked_on"], row["effective_on"]]
        if deal in stored:
            dates += [stored[deal].booked_on, stored[deal].effective_on]
        for quarter in others:
            if any(quarter.start <= day <= quarter.end for day in dates):
                raise AttainError(
                    f"Deal {deal} is dated in {quarter.code} too, which is closed: a correction of "
                    f"{period.code} writes the deal and would change what {quarter.code} paid without "
                    "restating it. Ask an engineer to correct both quarters."
                )


def _write_deals(rows: list[dict]) -> None:
    """Write an applied deal correction's rows: each replaces the deal with its deal_id, or is added.
    Runs in the caller's transaction (with the restatements and true-ups, or not at all)."""
    from adoption.models import Customer

    from ..models import Deal

    customers = dict(
        Customer.objects.filter(customer_id__in={row["customer_id"] for row in rows}).values_list(
            "customer_id", "pk"
        )
    )
    for row in rows:
        Deal.objects.update_or_create(
            deal_id=row["deal_id"],
            defaults={
                "customer_id": customers[row["customer_id"]],
                "type": row["type"],
                "arr_delta": row["arr_delta"],
                "currency": row["currency"],
                "booked_on": row["booked_on"],
                "effective_on": row["effective_on"],
            },
        )


def withdraw_correction(*, correction: Correction, user: User | None) -> Correction:
    """Withdraw a pending correction (ops); an applied one stays: record another to undo it."""
    access.require(access.may_correct(user, correction.period))
    changed = Correction.objects.filter(pk=correction.pk, status=Correction.Status.PENDING).update(
        status=Correction.Status.WITHDRAWN
    )
    correction.refresh_from_db()
    if not changed:
        raise AttainError(
            f"{correction.label} is already {correction.get_status_display().lower()}: "
            "only a pending correction can be withdrawn."
        )
    return correction
