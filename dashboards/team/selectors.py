"""Read paths of the Geo VP's team page (issue 5 §2): the geo shown, its CSMs' projected leaderboard,
at-risk customers and the geo's requests — each in a constant number of queries.

Which geo a person sees is decided here, once: a CSVP always sees their own geo (a ``?geo=`` asking for
another one is ignored, never an error, so a shared link cannot reveal another geo); the CCO, finance,
ops and admins may pick any geo; anybody else is refused.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404

from accounts.access import employees_visible_to, is_geo_vp, sees_everything
from accounts.models import Role, User
from adoption.access import customers_visible_to
from adoption.models import Customer, Ownership, ScoreObservation, TargetLine
from approvals.selectors import my_requests
from commissions.models import Period
from dashboards.projection import CACHE_VERSION, UNREAD, concurrently, project, projection_key
from dashboards.stamp import inputs_stamp

DEFAULT_GAP = Decimal(20)  # points below target that make a customer at risk (``?gap=``)
DROP = Decimal(10)  # a fall of this many points within WINDOW_DAYS puts a customer at risk
WINDOW_DAYS = 30


def may_see_team(user: User) -> bool:
    return is_geo_vp(user) or sees_everything(user)


def known_geos() -> list[str]:
    """Geos that have customers or people, for the picker of those who see everything."""
    geos = set(Customer.objects.values_list("geo", flat=True).distinct())
    geos |= set(User.objects.exclude(geo="").values_list("geo", flat=True).distinct())
    return sorted(geos)


def geo_for(user: User, requested: str | None, geos: list[str]) -> str:
    """The geo ``user`` sees: a CSVP's own; else ``requested`` (one of ``geos``) or the first one.

    A CSVP's ``?geo=`` is ignored: the page, headed with its geo, is always theirs. Raises
    ``PermissionDenied`` for anyone who sees no team, and ``Http404`` with the sentence the 404 page shows
    for a geo not in ``geos`` — never an empty team named after a typo.
    """
    requested = (requested or "").strip().upper()
    if is_geo_vp(user) and not sees_everything(user):
        return user.geo
    if not sees_everything(user):
        raise PermissionDenied("The team page is for Geo VPs, the CCO, finance and operations.")
    if requested:
        if requested not in geos:
            known = ", ".join(geos) or "none yet"
            raise Http404(f"There is no geo “{requested[:20]}” here: the geos are {known}.")
        return requested
    if is_geo_vp(user):
        return user.geo
    return geos[0] if geos else ""


def geo_csms(user: User, geo: str) -> list[User]:
    """The CSMs of ``geo`` within ``user``'s scope (one query)."""
    people = employees_visible_to(user).filter(geo=geo, roles__role=Role.CSM, is_active=True)
    return list(people.distinct().order_by("name", "pk"))


def team_figures(
    user: User,
    geo: str,
    period: Period,
    today: date,
    gap: Decimal = DEFAULT_GAP,
    *,
    csms: list[User] | None = None,
) -> tuple[Leaderboard, list[dict]]:
    """The geo's leaderboard and at-risk list, computed side by side (``projection.concurrently``).
    ``csms``: the geo's CSMs as ``geo_csms`` gives them, when the page has read them already.

    The at-risk list waits on PostgreSQL while the projection's engine works in Python, so on a cold
    cache the page takes about the longer of the two, not their sum.
    """
    csms = geo_csms(user, geo) if csms is None else csms
    stamp = inputs_stamp()  # read once, before anything the page shows (none of it is older)
    calls = [
        lambda: leaderboard(period, csms, stamp=stamp),
        lambda: at_risk(user, geo, period, today, gap, stamp=stamp),
    ]
    keys = [leaderboard_key(stamp, period, csms), at_risk_key(stamp, geo, period, today, gap)]
    if stamp is not None and all(cache.has_key(key) for key in keys):
        # Both cached: two cache reads, not worth a thread and a connection each.
        board, rows = (call() for call in calls)
    else:
        board, rows = concurrently(calls)
    return board, rows


# --- the leaderboard -------------------------------------------------------------------------------------


@dataclass
class Leaderboard:
    """Rows per CSM and plan (ranked by payout / OTI), the component codes seen, and engine errors."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def leaderboard(period: Period, csms: list[User], *, stamp: str | None | object = UNREAD) -> Leaderboard:
    """The engine's projection of ``period`` for all ``csms`` at once (one ``project`` call for the geo).

    Cached as built, under the inputs stamp (dashboards/stamp.py; the CSMs' names stamp it too): a warm
    page reads 700 ranked rows, not the projection's tables to rank again. One query (the stamp) when
    cached; none when the caller passes the ``stamp`` it read before.
    """
    if stamp is UNREAD:
        stamp = inputs_stamp()
    if stamp is None:
        return _leaderboard(period, csms, stamp)
    key = leaderboard_key(stamp, period, csms)
    board = cache.get(key)
    if board is None:
        board = _leaderboard(period, csms, stamp)
        cache.set(key, board)
    return board


def leaderboard_key(stamp: str, period: Period, csms: list[User]) -> str:
    """The projection's key of the same CSMs (``projection_key``), as a leaderboard's."""
    return "dashboards:leaderboard:" + projection_key(stamp, period, [person.pk for person in csms], False)


def _leaderboard(period: Period, csms: list[User], stamp: str | None) -> Leaderboard:
    board = Leaderboard()
    if not csms:
        return board
    by_employee_id = {person.employee_id: person for person in csms if person.employee_id}
    for projection in project(period, [person.pk for person in csms], detail=False, stamp=stamp):
        if projection.result is None:
            board.errors.append(f"{projection.plan.code}: {projection.error}")
            continue
        result = projection.result
        attainment: dict[str, dict[str, Decimal | None]] = defaultdict(dict)
        for line in result.components.to_dict("records"):
            if line["component"] not in board.components:
                board.components.append(line["component"])
            attainment[line["employee_id"]][line["component"]] = (
                line["attainment"] if line["applies"] else None
            )
        for payout in result.payouts.to_dict("records"):
            person = by_employee_id.get(payout["employee_id"])
            if person is None:
                continue
            oti, total = Decimal(payout["oti"]), Decimal(payout["total"])
            row = {
                "csm": person.get_full_name(),
                "employee_id": person.employee_id,
                "plan": projection.plan.code,
                "currency": result.currency,
                "payout": total,
                "oti": oti,
                "payout_ratio": total / oti if oti else None,
            }
            for component, value in attainment[payout["employee_id"]].items():
                row[f"att_{component}"] = value
            board.rows.append(row)
    board.rows.sort(key=lambda row: (-(row["payout_ratio"] or Decimal(-1)), -row["payout"], row["csm"]))
    for rank, row in enumerate(board.rows, start=1):
        row["rank"] = rank
    return board


# --- at-risk customers -----------------------------------------------------------------------------------


def _latest_score(before: date, value: str) -> Subquery:
    observed = ScoreObservation.objects.filter(customer=OuterRef("pk"), as_of__lte=before).order_by("-as_of")
    return Subquery(observed.values(value)[:1])


def _owner_field(day: date, value: str) -> Subquery:
    latest = Ownership.objects.filter(customer=OuterRef("pk"), start_date__lte=day).order_by("-start_date")
    return Subquery(latest.values(value)[:1])


@contextmanager
def _without_jit() -> Iterator[None]:
    """PostgreSQL: no JIT compilation for the statements inside (in a transaction of their own).

    The planner prices a correlated subquery per customer as if each scanned its table, so a geo of
    35,000 customers passes ``jit_above_cost`` and PostgreSQL spends about 0.5 s compiling a query whose
    execution is index probes of a few microseconds each (docs/performance.md, "The cold /team/ request").
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


def geo_customers(user: User, geo: str, period: Period, today: date) -> list[dict[str, Any]]:
    """The geo's customers (dicts, by customer id) with owner, latest score, the score WINDOW_DAYS ago and
    the target.

    Three queries whatever the geo's size (a geo of 700 CSMs has some 35,000 customers): the customers
    with their owner's key and their scores (correlated subqueries on the natural keys' indexes), the
    owners' names, and the quarter's target lines of the geo. Only the values the at-risk list shows are
    read. A customer's target is the line of the fiscal year's earliest snapshot, as the list always showed.
    """
    ago = today - timedelta(days=WINDOW_DAYS)
    customers = customers_visible_to(user).filter(geo=geo)
    with _without_jit():
        rows = list(
            customers.order_by("customer_id").values(
                "pk",
                "customer_id",
                "name",
                owner_pk=_owner_field(today, "employee_id"),
                score_now=_latest_score(today, "score"),
                score_as_of=_latest_score(today, "as_of"),
                score_before=_latest_score(ago, "score"),
            )
        )
    owner_pks = {row["owner_pk"] for row in rows} - {None}
    owners = dict(User.objects.filter(pk__in=owner_pks).values_list("pk", "name")) if owner_pks else {}
    lines = TargetLine.objects.filter(
        customer__in=customers.values("pk"), period=period.code, snapshot__fiscal_year=period.fiscal_year
    )
    # Latest snapshot first, so the earliest one's line is the one the dict keeps.
    targets = dict(lines.order_by("-snapshot_id").values_list("customer_id", "target_score"))
    for row in rows:
        row["owner_name"] = owners.get(row.pop("owner_pk"))
        row["target"] = targets.get(row.pop("pk"))
    return rows


def _points(value: Any) -> Decimal | None:
    """A score as stored (2 decimals); some backends hand subquery values back unquantized."""
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def risk_reasons(customer: dict, today: date, gap: Decimal) -> list[str]:
    """Why a customer is at risk (issue 5 §2), from the values ``geo_customers`` read.

    Quantizes the scores and the target of ``customer`` in place.
    """
    reasons = []
    for name in ("score_now", "score_before", "target"):
        customer[name] = _points(customer[name])
    now, before, target = customer["score_now"], customer["score_before"], customer["target"]
    as_of = customer["score_as_of"]
    if as_of is None or as_of < today - timedelta(days=WINDOW_DAYS):
        reasons.append(f"no score in {WINDOW_DAYS} days")
    if now is not None and before is not None and before - now >= DROP:
        reasons.append(f"dropped {before - now:g} points in {WINDOW_DAYS} days")
    if now is not None and target is not None and target - now > gap:
        reasons.append(f"{target - now:g} points below target")
    return reasons


def at_risk(
    user: User,
    geo: str,
    period: Period,
    today: date,
    gap: Decimal = DEFAULT_GAP,
    *,
    stamp: str | None | object = UNREAD,
) -> list[dict]:
    """At-risk customers of ``geo`` with owner and reasons, worst gap first.

    Cached under the inputs stamp (dashboards/stamp.py: scores, targets, ownership, customers and the
    owners' names all stamp it), the day and the gap: one query (the stamp) when cached, none when the
    caller passes the ``stamp`` it read before.
    """
    if stamp is UNREAD:
        stamp = inputs_stamp()
    if stamp is None:
        return _at_risk(user, geo, period, today, gap)
    key = at_risk_key(stamp, geo, period, today, gap)
    rows = cache.get(key)
    if rows is None:
        rows = _at_risk(user, geo, period, today, gap)
        cache.set(key, rows)
    return rows


def at_risk_key(stamp: str, geo: str, period: Period, today: date, gap: Decimal) -> str:
    """Keyed by geo, not by viewer: whoever may see a geo's team page sees all its customers (a CSVP only
    their own geo, ``geo_for``; the CCO, finance, ops and admins every geo)."""
    parts = (CACHE_VERSION, stamp, geo, period.pk, today.isoformat(), gap)
    return "dashboards:at-risk:" + ":".join(str(part) for part in parts)


def _may_be_at_risk(customer: dict, stale: date, gap: float) -> bool:
    """A quick test in floats, looser than ``risk_reasons`` by more than rounding to the cent can move a
    value: a customer it lets go is not at risk. Most of a geo is not, and is never quantized."""
    as_of, now = customer["score_as_of"], customer["score_now"]
    if as_of is None or as_of < stale or now is None:
        return True
    before, target = customer["score_before"], customer["target"]
    now = float(now)
    drop = before is not None and float(before) - now >= float(DROP) - SLACK
    return drop or (target is not None and float(target) - now > gap - SLACK)


SLACK = 0.02  # points: more than two values rounded to the cent can differ from their raw difference


def _at_risk(user: User, geo: str, period: Period, today: date, gap: Decimal) -> list[dict]:
    rows = []
    stale, loose_gap = today - timedelta(days=WINDOW_DAYS), float(gap)
    for customer in geo_customers(user, geo, period, today):
        if not _may_be_at_risk(customer, stale, loose_gap):
            continue
        reasons = risk_reasons(customer, today, gap)
        if not reasons:
            continue
        now, target, before = customer["score_now"], customer["target"], customer["score_before"]
        rows.append(
            {
                "customer_id": customer["customer_id"],
                "name": customer["name"],
                "owner": customer["owner_name"] or "",
                "score": now,
                "score_as_of": customer["score_as_of"],
                "change": now - before if now is not None and before is not None else None,
                "target": target,
                "gap": target - now if target is not None and now is not None else None,
                "reason": "; ".join(reasons),
            }
        )
    rows.sort(key=lambda row: (-(row["gap"] or Decimal(0)), row["customer_id"]))
    return rows


# --- requests ----------------------------------------------------------------------------------------------


def geo_requests(user: User, geo: str, limit: int = 500) -> list:
    """The geo's requests, newest first, through the approvals selectors (scoped by ``accounts.access``)."""
    return list(my_requests(user, whole_geo=True).filter(customer__geo=geo)[:limit])
