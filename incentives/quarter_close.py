"""What of the incentives a quarter's close waits for (docs/incentives.md "Operations", DESIGN §5 "Quarter
close"): registered with ``commissions.hooks.register_close_blocker`` in ``IncentivesConfig.ready``, so
``close_period`` asks without importing this app above it.

A closed quarter's SPIFF awards never change (docs/design.md §11.3): what is still undecided or unwritten
in it when it closes is never paid. So the close is refused, naming each, while

* a **SPIFF grant** dated in the quarter waits for approval;
* a **SPIFF** whose dates overlap the quarter is **proposed** (approved after the close, its events or
  grants in the quarter could never be written);
* an **approved rule SPIFF** whose dates overlap the quarter has a qualifying event in the quarter not yet
  awarded (funded or not) — its awards have not been run through the quarter's end, or values arrived
  since; the events of the last run are read exactly as ``award_spiff`` reads them;
* a **cash reward** asked on a day of the quarter waits for its decision (§11.4): a cash reward is paid
  with the payroll of the quarter of its approval, which after the quarter's end is a later quarter, so
  the close cannot make it late — it waits so that the money asked in a quarter is decided when its books
  close. Rewards that are not cash, and points themselves, belong to no quarter and never hold a close.

Each blocker returns whole sentences (none when nothing is pending) and reads; nothing is written. Each
sentence is a ``hooks.CloseBlock`` naming the page where it is settled: the SPIFFs, or the points page for
cash rewards, which the console links beside it.
"""

from __future__ import annotations

from django.urls import reverse

from commissions.hooks import CloseBlock
from commissions.models import Period
from commissions.services.person_metrics import stored_metric_values
from core import formatting as fmt

from .models import Redemption, Spiff, SpiffAward
from .services.awards import unwritten_events

SHOWN = 10  # items named in a sentence; the rest are counted


def _listed(items: list[str]) -> str:
    if len(items) <= SHOWN:
        return ", ".join(items)
    return ", ".join(items[:SHOWN]) + f" and {len(items) - SHOWN} more"


def spiffs_blocking_close(period: Period) -> list[str]:
    """Why ``period`` cannot close yet because of SPIFFs: pending grants of it, proposed SPIFFs over it, and
    approved rule SPIFFs with qualifying events in it not yet awarded — a sentence each kind."""
    url = reverse("incentives:spiffs")
    return [
        CloseBlock(sentence, url=url, link_text="See the SPIFFs")
        for sentence in (_pending_grants(period), _proposed(period), _unawarded(period))
        if sentence
    ]


def _pending_grants(period: Period) -> str:
    grants = (
        SpiffAward.objects.filter(period=period, status=SpiffAward.Status.PENDING)
        .select_related("spiff", "employee")
        .order_by("spiff__code", "day", "pk")
    )
    named = [
        f"{g.spiff.code} #{g.pk} ({g.employee.email}, {fmt.money(g.amount, g.spiff.currency)} on {g.day})"
        for g in grants
    ]
    if not named:
        return ""
    return (
        f"{period.code} has SPIFF grants waiting for approval: {_listed(named)}. "
        "Approve or reject them first."
    )


def _overlapping(period: Period):
    return Spiff.objects.filter(start__lte=period.end, end__gte=period.start).order_by("code")


def _proposed(period: Period) -> str:
    named = [
        f"{s.code} ({fmt.date_range(s.start, s.end)})"
        for s in _overlapping(period).filter(status=Spiff.Status.PROPOSED)
    ]
    if not named:
        return ""
    return (
        f"{period.code} has SPIFFs waiting for approval whose dates overlap it: {_listed(named)}. "
        f"Approve or reject them first: approved after the close, nothing of theirs in {period.code} "
        "could be paid."
    )


def unawarded_events(spiff: Spiff, period: Period) -> list[tuple]:
    """The approved rule ``spiff``'s qualifying events dated in ``period`` that no award records yet:
    (day, employee id, pk, value, event key) each, in funding order — what ``award_spiff`` would write in
    the quarter if run through its end (``awards.unwritten_events``, the one reading of the rule)."""
    last = min(period.end, spiff.end)
    if last < spiff.start:
        return []
    return [e for e in unwritten_events(spiff, stored_metric_values, last) if period.start <= e[0] <= last]


def _unawarded(period: Period) -> str:
    named = []
    for spiff in _overlapping(period).filter(status=Spiff.Status.APPROVED, kind=Spiff.Kind.RULE):
        events = unawarded_events(spiff, period)
        if events:
            days = sorted({e[0] for e in events})
            named.append(
                f"{spiff.code} ({len(events)} qualifying event{'s' if len(events) != 1 else ''} "
                f"of {fmt.date_range(days[0], days[-1])} not awarded)"
            )
    if not named:
        return ""
    return (
        f"{period.code} has SPIFF awards not yet run: {_listed(named)}. Run them first "
        f"(python manage.py award_spiffs --day {period.end}, or the nightly award-spiffs job)."
    )


def redemptions_blocking_close(period: Period) -> list[str]:
    """Why ``period`` cannot close yet because of points: cash rewards asked on a day of it still waiting
    for a decision (ops or finance), named — one sentence, or none."""
    pending = (
        Redemption.objects.filter(
            status=Redemption.Status.PENDING,
            cash_amount__isnull=False,
            requested_on__gte=period.start,
            requested_on__lte=period.end,
        )
        .select_related("reward", "employee")
        .order_by("requested_on", "pk")
    )
    named = [
        f"#{r.pk} {r.reward.name} ({fmt.money(r.cash_amount, r.currency)}) for {r.employee.email}, "
        f"asked {r.requested_on}"
        for r in pending
    ]
    if not named:
        return []
    return [
        CloseBlock(
            f"{period.code} has cash rewards waiting for a decision: {_listed(named)}. Approve or reject "
            "them first (an approved one is paid with the payroll of the quarter it is approved in).",
            url=reverse("incentives:points"),
            link_text="See the cash rewards asked",
        )
    ]
