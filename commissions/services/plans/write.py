"""Writing a validated plan (DESIGN §6 ``load_plan``): an upsert by plan code in one transaction, refused
once a quarter the plan was calculated in is closed; a file that says what is loaded already writes
nothing. ``load_message`` says what was done: created, changed (naming what changed and the open quarters
whose runs read the old plan) or unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from commissions.engine import PlanSpec
from commissions.engine.types import DEAL_TYPES
from commissions.loaders import plan_spec
from commissions.models import Component, Plan
from core.errors import PeriodClosed

from . import crediting
from .escalators import escalators_json, stored_escalators
from .parse import _plain
from .validate import canonical_credit, credit_dates, parse_plan


def closed_quarters_of(plan: Plan) -> list[str]:
    """The codes of the closed quarters ``plan`` was calculated and closed in (a closed period with a
    final run of the plan), in calendar order: ``["FY22-Q1", "FY22-Q2"]``. One query (DESIGN §3
    "Plans")."""
    from commissions.models import Period

    closed = Period.objects.filter(status=Period.Status.CLOSED, runs__plan=plan, runs__is_final=True)
    return list(closed.distinct().order_by("start").values_list("code", flat=True))


def plan_is_locked(plan: Plan) -> bool:
    """Whether ``plan`` may no longer change: a quarter it was calculated and closed in exists
    (``closed_quarters_of``, DESIGN §3 "Plans"). A plan with no closed quarter of its own — loaded after
    its fiscal year's first close, say — may still be corrected."""
    return bool(closed_quarters_of(plan))


def locked_message(plan: Plan, quarters: list[str]) -> str:
    """Why ``plan`` cannot change, naming its closed ``quarters`` (``closed_quarters_of``), and the ways on
    (DESIGN §3 "Plans"): re-open them (ops, with a reason) and load it again, or load the change under a
    new code. Re-opening is offered only when every one of the quarters can be re-opened
    (``close.reopen_refusal``, the rule ``reopen_period`` applies): the plan stays locked while any of
    them stays closed, so otherwise the message says why each such quarter cannot be re-opened and offers
    only the new code. One or two queries per quarter."""
    from commissions.models import Period

    from ..close import reopen_refusal

    *rest, last = quarters
    named = f"{', '.join(rest)} and {last}" if rest else last
    kept = "which must keep the plan they were paid by" if rest else "which must keep the plan it was paid by"
    locked = f"Plan {plan.code} cannot change: it was calculated and closed in {named}, {kept}."
    new_code = "load the changed plan under a new code."
    periods = Period.objects.filter(code__in=quarters).order_by("start")
    refused = [(period.code, refusal) for period in periods if (refusal := reopen_refusal(period))]
    if refused:
        why = " ".join(f"{code} cannot be re-opened: {reason}." for code, (reason, _) in refused)
        return f"{locked} {why} To change the plan, {new_code}"
    command = "manage.py reopen_period {} --user EMAIL --reason TEXT"
    if rest:
        reopen = f"re-open {named}, each with a reason ({command.format('QUARTER')}),"
    else:
        reopen = f"re-open {last} with a reason ({command.format(last)})"
    return f"{locked} To change the plan, {reopen} and load it again; or {new_code}"


PLAN_FIELDS = (
    "name",
    "fiscal_year",
    "currency",
    "credit_date",
    "credit_date_by_type",
    "new_customer_window_days",
    "clawback_days",
    "negative_balance",
    "adoption_formula",
    "adoption_weighting",
    "customer_cap",
)
COMPONENT_FIELDS = (
    "metric",
    "kpi",
    "weight",
    "goal",
    "floor",
    "threshold",
    "accelerator",
    "cap",
    "source",
    "measure",
    "direction",
    "ceiling",
)


@dataclass(frozen=True)
class PlanLoaded:
    """What ``upsert_plan`` did: the ``plan`` (with its components) and ``status``, one of ``"created"``,
    ``"updated"`` or ``"unchanged"`` (the file says what is loaded already; nothing was written).

    A change leaves runs made before it out of date (their inputs' fingerprint holds the plan as the
    engine reads it, DESIGN §5): ``stale`` names the plan's open quarters with such a run, in calendar
    order, when the change touches what the engine reads (``plan_spec``: not the name, nor the §7 options
    a run does not read); ``crossing`` the other plans sharing a person with it, each with its open
    quarters that have runs, when the change touches a deal type's credit date, which their runs read for
    a deal dated across a change of plan (DESIGN §3 "Plans", ``loaders._prior_rules``). ``changes`` says
    what an update changed of the stored plan, for people (``changes.plan_changes``: ``"credit_date
    booked → effective"``, ``"NRR goal 1.10 → 1.20"``, ``"component KPI added"``)."""

    plan: Plan
    status: str
    stale: tuple[str, ...] = ()
    crossing: tuple[tuple[str, tuple[str, ...]], ...] = ()
    changes: tuple[str, ...] = ()

    @property
    def unchanged(self) -> bool:
        return self.status == "unchanged"


def _same(stored: Any, given: Any) -> bool:
    """A stored field against the file's value: ``None`` and ``""`` alike (a text field stores no value as
    ``""``); Decimals by value (``1.0 == 1.000000``)."""
    if stored in (None, "") or given in (None, ""):
        return stored in (None, "") and given in (None, "")
    return stored == given


def plan_matches(plan: Plan, spec) -> bool:
    """Whether the stored ``plan`` and its components are what the parsed file ``spec`` says: every plan
    field, and the same components by code in the same order with the same fields. The YAML text itself
    (comments, spacing, key order) is not compared. Crediting is compared by the date of each deal type
    (``credit_dates``), not by how ``credit_date`` and ``credit_date_by_type`` spell it: an entry naming
    the plan's ``credit_date``, or a plan stored as ``credit_date: booked`` with every type ``effective``
    against a file saying ``credit_date: effective``, is the same plan (DESIGN §3 "Plans")."""
    crediting = ("credit_date", "credit_date_by_type")
    if not credits_alike(plan, spec):
        return False
    if not all(
        _same(getattr(plan, name), getattr(spec, name)) for name in PLAN_FIELDS if name not in crediting
    ):
        return False
    stored = list(plan.components.order_by("position", "pk"))
    if [c.code for c in stored] != [item.code for item in spec.components]:
        return False
    if not all(
        _same(getattr(component, name), getattr(item, name))
        for component, item in zip(stored, spec.components, strict=True)
        for name in COMPONENT_FIELDS
    ):
        return False
    return stored_escalators(plan.escalators) == spec.escalators  # Decimals by value


def load_plan(*, source: str, file_name: str = "") -> Plan:
    """Create or replace the plan described by the YAML ``source``; return it with its components
    (``upsert_plan`` says whether anything changed)."""
    return upsert_plan(source=source, file_name=file_name).plan


def upsert_plan(*, source: str, file_name: str = "") -> PlanLoaded:
    """Create or replace the plan described by the YAML ``source``; return it with what was done.

    Validates the whole file first and raises ``PlanInvalid`` with every problem. Upserts by plan code in
    one transaction (the existing plan row is locked with ``select_for_update``): plan fields and
    ``source`` are overwritten, components are matched by code (updated, created, or deleted when gone
    from the file). A file that says what is loaded already (``plan_matches``) writes nothing — no row, no
    audit event — and is ``"unchanged"``, even for a locked plan. Raises ``PeriodClosed`` when the file
    would change a plan calculated and closed in a quarter (``closed_quarters_of``, DESIGN §3 "Plans"),
    naming the quarters and what to do; a new plan, or one with no closed quarter of its own, is written
    even when its fiscal year has a closed quarter. Raises ``PeriodClosed`` too when it would change credit
    dates a closed quarter of another plan dated its CSMs' deals by (``crediting``), writing nothing. A
    change names what it changed of the stored plan
    (``PlanLoaded.changes``) and the runs it leaves out of date (``PlanLoaded.stale``, ``crossing``;
    ``load_message`` words them).
    """
    from .changes import plan_changes  # it reads this module's fields

    spec = parse_plan(source, file_name=file_name)
    with transaction.atomic():
        plan = Plan.objects.select_for_update().filter(code=spec.code).first()
        if plan is not None and plan_matches(plan, spec):
            return PlanLoaded(Plan.objects.prefetch_related("components").get(pk=plan.pk), "unchanged")
        quarters = closed_quarters_of(plan) if plan is not None else []
        if quarters:
            raise PeriodClosed(locked_message(plan, quarters))
        status = "created" if plan is None else "updated"
        before = plan_spec(plan) if plan is not None else None
        changes = plan_changes(plan, spec) if plan is not None else ()
        # Credit dates other plans' closed quarters read (``crediting``), as they read them before.
        readers = crediting.readers_of(plan) if before is not None and not credits_alike(plan, spec) else []
        read = crediting.rules_read(readers)
        plan = plan or Plan(code=spec.code)
        for name in PLAN_FIELDS:
            setattr(plan, name, getattr(spec, name))
        plan.escalators = escalators_json(spec.escalators)  # docs/design.md §11.2
        plan.source = source
        plan.save()

        existing = {component.code: component for component in plan.components.all()}
        plan.components.exclude(code__in=[c.code for c in spec.components]).delete()
        for position, item in enumerate(spec.components):
            component = existing.get(item.code) or Component(plan=plan, code=item.code)
            component.position = position
            for name in COMPONENT_FIELDS:
                setattr(component, name, getattr(item, name))
            component.save()
        moved = crediting.moved_types(before, plan_spec(plan)) if readers else ""
        refused = crediting.refusal(plan, read, readers, moved=moved) if readers else None
        if refused:
            raise PeriodClosed(refused)  # the transaction is rolled back: nothing written
        stale, crossing = ((), ()) if before is None else _out_of_date(plan, before)
    loaded = Plan.objects.prefetch_related("components").get(pk=plan.pk)
    return PlanLoaded(loaded, status, stale=stale, crossing=crossing, changes=changes)


def credits_alike(plan: Plan, spec) -> bool:
    """Whether the stored ``plan`` and the parsed file ``spec`` credit every deal type by the same date,
    however each spells it (``credit_dates``, DESIGN §3 "Plans")."""
    return credit_dates(plan.credit_date, plan.credit_date_by_type) == credit_dates(
        spec.credit_date, spec.credit_date_by_type
    )


def _open_quarters_with_runs(runs) -> tuple[str, ...]:
    """The codes of the open quarters ``runs`` (a ``Run`` queryset) has a run in that did not fail, in
    calendar order."""
    from commissions.models import Period, Run

    runs = runs.filter(period__status=Period.Status.OPEN).exclude(status=Run.Status.FAILED)
    return tuple(dict.fromkeys(runs.order_by("period__start").values_list("period__code", flat=True)))


def _out_of_date(plan: Plan, before: PlanSpec) -> tuple[tuple[str, ...], tuple[tuple[str, tuple], ...]]:
    """``PlanLoaded.stale`` and ``crossing`` of a change of ``plan`` (written, in the transaction) that the
    engine read as ``before``."""
    from commissions.models import Assignment, Run

    after = plan_spec(Plan.objects.get(pk=plan.pk))  # as the database holds it, as a run reads it
    stale = _open_quarters_with_runs(Run.objects.filter(plan=plan)) if repr(after) != repr(before) else ()
    if all(before.credit_date_of(t) == after.credit_date_of(t) for t in DEAL_TYPES):
        return stale, ()
    people = Assignment.objects.filter(plan=plan).values("employee_id")
    others = (
        Plan.objects.exclude(pk=plan.pk)
        .filter(assignments__employee_id__in=people, fiscal_year__gte=plan.fiscal_year)
        .distinct()
        .order_by("code")
    )
    crossing = []
    for other in others:
        quarters = _open_quarters_with_runs(Run.objects.filter(plan=other))
        if quarters:
            crossing.append((other.code, quarters))
    return stale, tuple(crossing)


def _named(codes: tuple[str, ...]) -> str:
    """``FY22-Q2``, ``FY22-Q2 and FY22-Q3``, ``FY22-Q1, FY22-Q2 and FY22-Q3``."""
    *rest, last = codes
    return f"{', '.join(rest)} and {last}" if rest else last


def _command(quarters: tuple[str, ...], code: str) -> str:
    """``manage.py calculate FY22-Q2 --plan CS-FY22`` (``QUARTER`` for more than one quarter)."""
    quarter = quarters[0] if len(quarters) == 1 else "QUARTER"
    return f"manage.py calculate {quarter} --plan {code}"


def load_message(loaded: PlanLoaded, *, file_name: str) -> str:
    """What ``load_plan`` did, for people (DESIGN §6): ``Created plan …`` for a new plan; ``Changed plan
    …`` for a change, naming what changed of the stored plan (``Changes: NRR goal 1.10 → 1.20; component
    KPI added``, ``PlanLoaded.changes``) and saying when runs made before it read the old plan and which
    quarters to calculate again (``PlanLoaded.stale``, ``crossing``); ``Plan … unchanged`` for a file that
    says what is loaded already. ``file_name``: the file's name as given."""
    plan = loaded.plan
    described = describe_plan(plan)
    if loaded.unchanged:
        return (
            f"Plan {plan.code} unchanged: {file_name} says what is loaded already; nothing was written "
            f"({described})"
        )
    if loaded.status == "created":
        return f"Created plan {described}"
    changed = f". Changes: {'; '.join(loaded.changes)}" if loaded.changes else ""
    return f"Changed plan {described}{changed}{_out_of_date_words(plan.code, loaded.stale, loaded.crossing)}"


def change_notice(plan: Plan, before: PlanSpec) -> str:
    """For a change of ``plan`` saved outside ``load_plan`` (the admin's plan and component forms), read
    as ``before`` by the runs made until then: ``Plan … changed`` and, as ``load_message`` says it, the
    open quarters whose runs read the old plan and what to calculate again (DESIGN §3 "Plans"); ``""``
    when the change alters nothing a run reads."""
    stale, crossing = _out_of_date(plan, before)
    if not stale and not crossing:
        return ""
    return f"Plan {plan.code} changed{_out_of_date_words(plan.code, stale, crossing)}."


def _out_of_date_words(code: str, stale: tuple[str, ...], crossing: tuple[tuple[str, tuple], ...]) -> str:
    """The runs a change of plan ``code`` leaves out of date, and the commands that make them again."""
    words = ""
    if stale:
        words += (
            ": runs of its open quarters made before this change read the old plan: calculate "
            f"{_named(stale)} again ({_command(stale, code)})"
        )
    for other, quarters in crossing:
        words += (
            f". Runs of {other} in {_named(quarters)} may read the old credit dates of {code} (for a "
            f"deal dated across a change of plan): calculate them again too ({_command(quarters, other)}); a "
            "run whose inputs did not change is kept"
        )
    return words


def describe_plan(plan: Plan) -> str:
    """One line for people: ``CS-FY22 (FY22, USD): 3 components ADOPTION 1, NRR 1, KPI 1``, then the date
    that credits its deals (``; deals credited by their booking date``) and each deal type credited
    otherwise (``; renewal credited by its effective date``), read in the plan's one stored form
    (``canonical_credit``, DESIGN §3 "Plans"), then the prior-period options that differ from their
    defaults (``; clawback within 90 days; negative balance paid negative``, §7) and the escalators."""
    components = list(plan.components.all())
    parts = ", ".join(f"{c.code} {_plain(c.weight)}" for c in components)
    noun = "component" if len(components) == 1 else "components"
    line = f"{plan.code} ({plan.fiscal_year}, {plan.currency}): {len(components)} {noun} {parts}"
    credit_date, by_type = canonical_credit(plan.credit_date, plan.credit_date_by_type)
    options = [f"deals credited by their {_date_words(credit_date)}"]
    for deal_type, when in by_type.items():
        options.append(f"{deal_type} credited by its {_date_words(when)}")
    if plan.clawback_days is not None:
        day = "day" if plan.clawback_days == 1 else "days"
        options.append(f"clawback within {plan.clawback_days} {day}")
    if plan.negative_balance != Plan.NegativeBalance.CARRY_FORWARD:
        options.append(f"negative balance {Plan.NegativeBalance(plan.negative_balance).label.lower()}")
    for e in stored_escalators(plan.escalators):
        when = "over the quarter" if e.over == "quarter" else "in each month"
        options.append(
            f"escalator {e.code}: {e.metric} ≥ {_plain(e.at_least)} {when} → ×{_plain(e.multiplier)} "
            f"on {e.applies_to}"
        )
    return "; ".join([line, *options])


def _date_words(credit_date: str) -> str:
    """``booked`` → ``booking date``, ``effective`` → ``effective date``."""
    return Plan.CreditDate(credit_date).label.lower()
