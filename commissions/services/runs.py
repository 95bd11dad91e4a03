"""Calculation runs (DESIGN §4 "A calculation run is versioned…")."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from adoption.models import Customer

from ..engine import QuarterResult, calculate_quarter
from ..errors import AttainError
from ..loaders import fingerprint, load_quarter
from ..models import Plan
from ..quarters import ComponentResult, CustomerResult, Payout, Period, Run
from .periods import period_lock, require_open
from .pulls import latest_pull


@dataclass
class Calculation:
    """What ``calculate`` did: the run (new, or the existing one with the same inputs) and payout changes."""

    run: Run
    created: bool
    previous: Run | None = None
    changes: list[tuple[str, Decimal | None, Decimal | None]] = field(default_factory=list)


def calculate(
    *, period: Period, plan: Plan, user: User | None = None, trigger: str = "command"
) -> Calculation:
    """Calculate ``plan`` for ``period`` as a new versioned run, unless a run with the same inputs exists.

    Holds the period lock for the whole calculation, so two calculations of a quarter never overlap.
    The run row and its progress are committed as it goes; its results, in one transaction at the end.
    A failure marks the run failed with its error and leaves no results; the error is raised again.
    Raises ``PeriodClosed`` on a closed quarter and ``AttainError`` without a score pull.
    """
    with period_lock(period):
        period.refresh_from_db()
        require_open(period, action=f"calculate {plan.code}")
        pull = latest_pull(period)
        if pull is None and plan.components.filter(metric="adoption").exists():
            raise AttainError(f"No score pull for {period.code}: run pull_scores {period.code} first.")
        started = time.perf_counter()
        inputs = load_quarter(plan=plan, period=period, pull=pull)
        digest = fingerprint(inputs)
        loaded = time.perf_counter()
        same = Run.objects.filter(plan=plan, period=period, fingerprint=digest).exclude(
            status=Run.Status.FAILED
        )
        if (existing := same.first()) is not None:
            return Calculation(run=existing, created=False)
        run = _start_run(plan=plan, period=period, pull=pull, user=user, trigger=trigger, digest=digest)
        if run is None:  # a concurrent caller made it first (SQLite has no advisory lock)
            return Calculation(run=same.get(), created=False)
        try:
            result = calculate_quarter(inputs)
            _progress(run, 60)
            computed = time.perf_counter()
            with transaction.atomic():
                _write_results(run, result)
                timings = {
                    "load_ms": _ms(started, loaded),
                    "calculate_ms": _ms(loaded, computed),
                    "write_ms": _ms(computed, time.perf_counter()),
                }
                Run.objects.filter(pk=run.pk).update(
                    status=Run.Status.SUCCEEDED,
                    progress=100,
                    finished_at=timezone.now(),
                    timings=timings,
                    warnings=[_warning(w) for w in result.warnings],
                )
        except Exception as exc:
            Run.objects.filter(pk=run.pk).update(
                status=Run.Status.FAILED, error=str(exc), finished_at=timezone.now()
            )
            raise
    run.refresh_from_db()
    previous = (
        Run.objects.filter(plan=plan, period=period, status=Run.Status.SUCCEEDED, version__lt=run.version)
        .order_by("-version")
        .first()
    )
    return Calculation(run=run, created=True, previous=previous, changes=payout_changes(previous, run))


def _start_run(*, plan, period, pull, user, trigger, digest) -> Run | None:
    try:
        with transaction.atomic():
            version = (Run.objects.filter(plan=plan, period=period).aggregate(v=Max("version"))["v"] or 0) + 1
            return Run.objects.create(
                plan=plan,
                period=period,
                version=version,
                pull=pull,
                started_by=user,
                trigger=trigger,
                fingerprint=digest,
                progress=10,
            )
    except IntegrityError:
        return None


def _progress(run: Run, percent: int) -> None:
    Run.objects.filter(pk=run.pk).update(progress=percent)


def _ms(start: float, end: float) -> int:
    return round((end - start) * 1000)


def _warning(warning) -> dict:
    return {
        "code": warning.code,
        "message": warning.message,
        "employee_id": warning.employee_id,
        "customer_id": warning.customer_id,
    }


def _jsonable(detail: dict) -> dict:
    return {key: (str(value) if isinstance(value, Decimal) else value) for key, value in detail.items()}


def _write_results(run: Run, result: QuarterResult) -> None:
    """Bulk-insert the run's per-customer, per-component and per-CSM results."""
    employee_ids = set(result.payouts["employee_id"])
    employees = dict(User.objects.filter(employee_id__in=employee_ids).values_list("employee_id", "pk"))
    customer_ids = set(result.customers["customer_id"])
    customers = dict(Customer.objects.filter(customer_id__in=customer_ids).values_list("customer_id", "pk"))
    c = result.customers
    CustomerResult.objects.bulk_create(
        [
            CustomerResult(
                run=run,
                employee_id=employees[eid],
                customer_id=customers[cid],
                baseline=b,
                target=t,
                score=a,
                r=r,
                counted=bool(counted),
                reason=reason,
                weight=w,
            )
            for eid, cid, b, t, a, r, counted, reason, w in zip(
                c["employee_id"],
                c["customer_id"],
                c["baseline"],
                c["target"],
                c["score"],
                c["r"],
                c["counted"],
                c["reason"],
                c["weight"],
                strict=True,
            )
        ],
        batch_size=5000,
    )
    _progress(run, 80)
    positions = {code: i for i, code in enumerate(dict.fromkeys(result.components["component"]))}
    ComponentResult.objects.bulk_create(
        [
            ComponentResult(
                run=run,
                employee_id=employees[line["employee_id"]],
                component=line["component"],
                metric=line["metric"],
                position=positions[line["component"]],
                applies=line["applies"],
                metric_value=line["metric_value"],
                attainment=line["attainment"],
                factor=line["factor"],
                weight=line["weight"],
                share=line["share"],
                payout=line["payout"],
                detail=_jsonable(line["detail"]),
            )
            for line in result.components.to_dict("records")
        ],
        batch_size=5000,
    )
    Payout.objects.bulk_create(
        [
            Payout(
                run=run,
                employee_id=employees[eid],
                on_target_amount=oti,
                amount=total,
                currency=result.currency,
            )
            for eid, oti, total in zip(
                result.payouts["employee_id"], result.payouts["oti"], result.payouts["total"], strict=True
            )
        ],
        batch_size=5000,
    )


def payout_changes(previous: Run | None, run: Run) -> list[tuple[str, Decimal | None, Decimal | None]]:
    """(employee_id, before, after) for every CSM of either run, sorted by employee_id."""

    def amounts(r: Run | None) -> dict[str, Decimal]:
        if r is None:
            return {}
        return dict(Payout.objects.filter(run=r).values_list("employee__employee_id", "amount"))

    before, after = amounts(previous), amounts(run)
    return [(eid, before.get(eid), after.get(eid)) for eid in sorted(before.keys() | after.keys())]
