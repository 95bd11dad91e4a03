"""The portfolio by score: a CSM's customers, or a geo's, sorted by their scorecard score (docs/scorecards.md
"Pages"), with the average and the count of customers in each score band.

Score bands: a scorecard's bands are per criterion (they map a measure to points), so the portfolio counts
scores in the fixed bands ``SCORE_BANDS`` — 0–40, 40–70, 70–100 — under the convention of every band in
Attain (docs/design.md §9.2): each band includes its upper edge, only the first band its lower edge. A
score of exactly 40 is in 0–40; 40.01 in 40–70.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from accounts.access import employees_visible_to, get_visible, is_csm, is_geo_vp, sees_everything
from accounts.models import Role, User
from adoption.access import book_of, customers_visible_to
from adoption.models import Ownership, Scorecard
from adoption.scorecards import selectors as scores
from adoption.scoring.definition import Band, BandPoints
from adoption.scoring.points import band_for
from dashboards.team.selectors import geo_for

from .selectors import fiscal_year_of

SCORE_BANDS = BandPoints(
    lower=Decimal(0),
    bands=(
        Band(upper=Decimal(40), points=Decimal(0), label="0–40"),
        Band(upper=Decimal(70), points=Decimal(0), label="40–70"),
        Band(upper=Decimal(100), points=Decimal(0), label="70–100"),
    ),
)
NO_SCORE = "no score"
PLACES = Decimal("0.01")


def score_band(score: Decimal | None) -> str:
    """The label of the band holding ``score`` (``SCORE_BANDS``), or ``no score``."""
    return NO_SCORE if score is None else band_for(score, SCORE_BANDS).label


@dataclass
class Portfolio:
    """A portfolio on ``day`` under ``scorecards``: ``rows`` sorted by score (highest first, customers
    without a score last), their ``average`` (half-up, 2 places; None without scores) and ``bands``
    ((label, count) in rising order, then ``no score``)."""

    title: str
    scorecards: list[Scorecard]
    day: date | None
    trend_days: int
    rows: list[dict[str, Any]]
    average: Decimal | None
    bands: list[tuple[str, int]]
    outside: int = 0  # customers left out: outside the scorecards' segments

    @property
    def scored(self) -> int:
        return sum(1 for row in self.rows if row["score"] is not None)


def may_pick_geo(user: User) -> bool:
    return sees_everything(user)


def geo_shown(user: User, requested: str | None, geos: list[str]) -> str:
    """The geo whose portfolio ``user`` sees: a Geo VP's own (their ``?geo=`` ignored), for those who see
    everything ``?geo=`` (one of ``geos``, else the 404 naming it and the known geos) or the first geo —
    the team page's rule (``dashboards.team.selectors.geo_for``); "" for anyone else (a CSM: their book)."""
    if not (sees_everything(user) or is_geo_vp(user)):
        return ""
    return geo_for(user, requested, geos)


def csm_shown(viewer: User, employee_id: str) -> User:
    """A CSM whose portfolio ``viewer`` may open (themselves; their geo's for a Geo VP; anyone's for
    those who see everything), else 404."""
    people = employees_visible_to(viewer).filter(roles__role=Role.CSM)
    return get_visible(people.distinct(), employee_id=employee_id)


def customers_of(viewer: User, *, csm: User | None = None, geo: str = "") -> QuerySet:
    """The portfolio's customers within ``viewer``'s reach: ``csm``'s current book, or ``geo``'s
    customers; a CSM without either: their own book."""
    customers = customers_visible_to(viewer)
    if csm is not None:
        return customers.filter(pk__in=book_of([csm.pk]))
    if geo:
        return customers.filter(geo=geo)
    if is_csm(viewer):
        return customers
    return customers.none()


@dataclass(frozen=True)
class DefaultScorecard:
    """The scorecard a portfolio opens on without ``?scorecard=``, and why (``reason``: how the picker's
    default option names it)."""

    scorecards: list[Scorecard]
    reason: str


def default_scorecards(on: date | None) -> DefaultScorecard:
    """The portfolio's default (docs/scorecards.md "Pages"): the fiscal year's commission scorecard(s),
    if it has one; else the scorecard that scored the most customers on the latest computed day, ties
    by code; else none. Loading a new tracking scorecard never changes it while the year has a
    commission scorecard. Three queries at most."""
    year = fiscal_year_of(on or timezone.localdate())
    commission = scores.commission_scorecards(year)
    if commission:
        names = ", ".join(f"{s.name} ({s.code})" for s in commission)
        return DefaultScorecard(commission, f"{names}: the {year} commission scorecard")
    found, day, count = scores.most_scoring_scorecard(on)
    if found is None:
        return DefaultScorecard([], "No scorecard has scores yet")
    return DefaultScorecard(
        [found],
        f"{found.name} ({found.code}): no {year} commission scorecard; it scored the most customers "
        f"({count}) on {day.isoformat()}",
    )


def portfolio(
    customers: QuerySet,
    *,
    title: str,
    scorecards: list[Scorecard],
    on: date | None,
    trend_days: int,
) -> Portfolio:
    """``customers`` with their scores under ``scorecards`` on the latest scored day on or before ``on``
    and the change over ``trend_days``. Customers outside the scorecards' segments on that day are left
    out of the rows, counts and average (``outside`` counts them). Five queries whatever the number of
    customers."""
    day = scores.latest_scored_day(scorecards, on) if scorecards else None
    covered = scores.segments_on(scorecards, day) if scorecards else None
    outside = 0
    if covered is not None:
        inside = customers.filter(segment__in=covered)
        outside = customers.count() - inside.count()
        customers = inside
    today = timezone.localdate()
    owners = Ownership.objects.filter(customer=OuterRef("pk"), start_date__lte=today).order_by(
        "-start_date", "-pk"
    )
    listed = list(
        customers.order_by("customer_id").values(
            "pk",
            "customer_id",
            "name",
            "geo",
            "segment",
            owner=Subquery(owners.values("employee__name")[:1]),
            owner_id=Subquery(owners.values("employee__employee_id")[:1]),
        )
    )
    now = scores.scores_on(scorecards, day, customers.values("pk")) if day else {}
    before = (
        scores.scores_on(scorecards, day - timedelta(days=trend_days), customers.values("pk")) if day else {}
    )
    rows = []
    for customer in listed:
        found = now.get(customer["pk"], {})
        score = found.get("score")
        earlier = before.get(customer["pk"], {}).get("score")
        rows.append(
            {
                "customer_id": customer["customer_id"],
                "name": customer["name"],
                "geo": customer["geo"],
                "segment": customer["segment"],
                "owner": customer["owner"] or "",
                "owner_id": customer["owner_id"] or "",
                "score": score,
                "band": score_band(score),
                "partial": ("yes" if found.get("partial") else "no") if found else "",
                "change": score - earlier if score is not None and earlier is not None else None,
                "scorecard": f"{found['code']} v{found['version']}" if found else "",
                "scorecard_code": found.get("code", ""),
            }
        )
    rows.sort(key=lambda row: (row["score"] is None, -(row["score"] or 0), row["customer_id"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank if row["score"] is not None else None
    values = [row["score"] for row in rows if row["score"] is not None]
    average = (sum(values, Decimal(0)) / len(values)).quantize(PLACES, ROUND_HALF_UP) if values else None
    labels = [band.label for band in SCORE_BANDS.bands] + [NO_SCORE]
    bands = [(label, sum(1 for row in rows if row["band"] == label)) for label in labels]
    return Portfolio(
        title=title,
        scorecards=scorecards,
        day=day,
        trend_days=trend_days,
        rows=rows,
        average=average,
        bands=bands,
        outside=outside,
    )
