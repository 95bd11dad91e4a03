"""The events and their ``data`` (docs/webhooks.md "Events"), emitted by the apps above.

Each function takes the objects of the change that happened (duck-typed: this app imports no app above
it) and calls ``services.emit`` in the caller's transaction. Amounts are strings with two decimals, ids are
the ids Attain shows (employee ids, customer ids, quarter codes), links are absolute (``SITE_URL``). No
e-mail addresses or other personal data beyond ids and names.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.urls import NoReverseMatch, reverse

from core.links import absolute_url

from .models import Event
from .services import emit, subscribed_endpoints

CENT = Decimal("0.01")


def money(amount: Decimal) -> str:
    """An amount as a string with two decimals, half up: ``Decimal("2333.3333")`` -> ``"2333.33"``."""
    return str(Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP))


def link(name: str, *args, query: str = "") -> str | None:
    """The absolute link of the page ``name``, or None when the site has no such page."""
    try:
        return absolute_url(reverse(name, args=args)) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return None


def _totals(payouts) -> dict[str, str]:
    """``{currency: "amount"}`` summed over rows with ``currency`` and ``amount``."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for currency, amount in payouts:
        sums[currency] += amount
    return {currency: money(total) for currency, total in sorted(sums.items())}


def request_decided(request, step) -> None:
    """An approver approved or rejected a request (DESIGN §5): ``request`` after the transition, ``step``
    the ``RequestStep`` recorded. ``data``: request id, kind, customer id, quarter, value (4 decimals, as
    stored), the decision, the role that decided, the status after, the decider's id and name."""

    def data() -> dict:
        request.refresh_from_db()  # the transition wrote the status with a compare-and-set
        return {
            "request_id": request.pk,
            "kind": request.kind,
            "customer_id": request.customer.customer_id,
            "period": request.period.code,
            "value": str(request.value),
            "decision": step.action,
            "role": step.role,
            "status": request.status,
            "decided_by": {"id": step.actor_id, "name": step.actor.name},
            "link": link("approvals:detail", request.pk),
        }

    emit(Event.REQUEST_DECIDED, data)


def run_finished(run) -> None:
    """A calculation run ended, succeeded or failed (DESIGN §5; sharded runs when their last shard is done).
    ``data``: run id, plan code, quarter, version, status, trigger, whether it restates, shard count, the
    payout total per currency (succeeded runs) and the error (failed runs)."""

    def data() -> dict:
        run.refresh_from_db()  # the run's status and figures were written with an UPDATE
        succeeded = run.status == "succeeded"
        totals = _totals(run.payouts.values_list("currency", "amount")) if succeeded else {}
        return {
            "run_id": run.pk,
            "plan": run.plan.code,
            "period": run.period.code,
            "version": run.version,
            "status": run.status,
            "trigger": run.trigger,
            "is_restatement": run.is_restatement,
            "shards": run.shard_count,
            "payout_totals": totals,
            "error": "" if succeeded else run.error[:500],
            "finished_at": run.finished_at,
            "link": link("dashboards:console", query=f"period={run.period.code}"),
        }

    emit(Event.RUN_FINISHED, data)


def quarter_closed(close, final_runs) -> None:
    """Ops closed a quarter (DESIGN §5): ``close`` is the close's ``PeriodEvent``, ``final_runs`` its final
    runs. ``data``: the quarter, who closed it (id, name), when, and each final run with its payout total
    per currency."""

    def data() -> dict:
        runs = [
            {
                "plan": run.plan.code,
                "run_id": run.pk,
                "version": run.version,
                "payout_totals": _totals(run.payouts.values_list("currency", "amount")),
            }
            for run in final_runs
        ]
        code = close.period.code
        return {
            "period": code,
            "close_id": close.pk,
            "closed_at": close.at,
            "closed_by": {"id": close.user_id, "name": close.user.name},
            "final_runs": runs,
            "link": link("dashboards:console", query=f"period={code}"),
        }

    emit(Event.QUARTER_CLOSED, data, key=f"close:{close.pk}")


def payouts_signed_off(sign_off) -> None:
    """Finance signed off a closed quarter's payouts (DESIGN §1, §5). ``data``: the sign-off id, quarter,
    signer (id, name), when, the final runs and the totals per plan and currency finance saw."""

    def data() -> dict:
        return {
            "sign_off_id": sign_off.pk,
            "period": sign_off.period.code,
            "signed_by": {"id": sign_off.signed_by_id, "name": sign_off.signed_by.name},
            "signed_at": sign_off.signed_at,
            "final_runs": sign_off.final_runs,
            "totals": {
                plan: {cur: money(Decimal(amount)) for cur, amount in by.items()}
                for plan, by in sign_off.totals.items()
            },
            "link": link("dashboards:console-sign-off", query=f"period={sign_off.period.code}"),
        }

    emit(Event.PAYOUTS_SIGNED_OFF, data)


def statement_published(period, close, payouts) -> None:
    """A close published the quarter's statements (DESIGN §5): once per close (``close``, its
    ``PeriodEvent``), with the employee ids of every CSM paid by its final runs (``payouts``: their
    ``Payout`` rows, with ``employee`` and ``run``), whether or not their e-mail went out. A redelivered
    publication emits the same event id, so an endpoint gets it once."""

    def data() -> dict:
        runs = {payout.run_id: payout.run for payout in payouts}
        return {
            "period": period.code,
            "close_id": close.pk,
            "published_at": close.at,
            "employee_ids": sorted({str(payout.employee.employee_id) for payout in payouts}),
            "runs": [
                {"plan": run.plan.code, "run_id": run.pk, "version": run.version}
                for run in sorted(runs.values(), key=lambda run: run.plan.code)
            ],
        }

    emit(Event.STATEMENT_PUBLISHED, data, key=f"close:{close.pk}")


def segment_changes(segment, day, *, entered, left) -> int:
    """Customers entered or left a segment on ``day`` (docs/design.md §10.5): one ``segment.entered`` and
    one ``segment.left`` event per segment and day, each only when it has customers. ``segment`` has
    ``pk``, ``code`` and ``name``; ``entered`` and ``left`` are callables returning the changed customers
    as ``(customer_id, name, csm_employee_id)`` tuples — the ids Attain shows, the CSM's being the
    customer's CSM on the day, or None when nobody owns it — called only when an active endpoint
    subscribes to the event (a day's changes are tens of thousands of customers, and usually nobody
    listens). ``data``: the segment (code, name), the day, the count and the customers (customer_id,
    name, csm_employee_id) in customer_id order, and the segment's link. The event id is derived from
    the segment, the day and the event, so evaluating the day again sends nothing new. Returns the number
    of deliveries recorded."""
    created = 0
    for event, read in ((Event.SEGMENT_ENTERED, entered), (Event.SEGMENT_LEFT, left)):
        if not subscribed_endpoints(event):
            continue
        changes = read()
        if not changes:
            continue

        def data(changes=changes) -> dict:
            customers = [
                {"customer_id": customer_id, "name": name, "csm_employee_id": csm_employee_id}
                for customer_id, name, csm_employee_id in sorted(changes, key=lambda row: row[0])
            ]
            return {
                "segment": {"code": segment.code, "name": segment.name},
                "day": day.isoformat(),
                "count": len(customers),
                "customers": customers,
                "link": link("dashboards:segment", segment.code),
            }

        created += len(emit(event, data, key=f"segment:{segment.pk}:{day.isoformat()}"))
    return created


def segments_subscribed() -> bool:
    """Whether an active endpoint subscribes to ``segment.entered`` or ``segment.left``: when none does,
    the daily job reads no changed customer for the webhooks."""
    return any(subscribed_endpoints(event) for event in (Event.SEGMENT_ENTERED, Event.SEGMENT_LEFT))
