"""Every adoption score shown in Attain opens the customer's scorecard page (docs/scorecards.md "Pages").

One place makes the link: ``score_url`` for a customer id; ``link_scores`` for a ``dashboards.tables.Table``
whose rows hold a score (its cells are links where there is a score); the ``{% score_link %}`` tag
(``dashboards.templatetags.scores``) for a score written in a template. A page showing a score goes
through one of them, so no score anywhere is text one cannot click.

A score of a past day (a statement's, a past quarter's) opens the scorecard page on that day: the link
carries ``?on=<day>`` — the day given for the whole table (a statement: its quarter's last day, the day
the pull reads scores up to) or the row's own ``score_on``/``score_as_of`` — unless the customer has no
later score, when the page opens on that day anyway.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from adoption.scorecards.selectors import latest_days
from core import formatting as fmt
from dashboards.tables import Table

DAY_KEYS = ("score_on", "score_as_of")  # row keys holding the day a row's score is of


def score_url(customer_id: str, scorecard: str = "", on: date | None = None) -> str:
    """The scorecard page of the customer whose natural id is ``customer_id`` (``CUST-0001``);
    ``scorecard`` (a code) picks the scorecard, ``on`` the day (``?on=2026-06-30``)."""
    url = reverse("dashboards:score-customer", kwargs={"customer_id": customer_id})
    params = {"scorecard": scorecard} if scorecard else {}
    if on is not None:
        params["on"] = on.isoformat()
    return f"{url}?{urlencode(params)}" if params else url


def link_scores(
    table: Table,
    *,
    score: str = "score",
    customer: str = "customer_id",
    scorecard: str = "",
    on: date | None = None,
) -> Table:
    """``table`` with its ``score`` column's cells linked to each row's customer scorecard page (a row
    without a score keeps an empty cell); ``scorecard``: the row key naming the scorecard, if any; ``on``:
    the day every row's score is of (else a row's ``DAY_KEYS``), carried as ``?on=`` when the customer
    has a later score. One query, on the first link written. The rows are left as they are. Returns the
    same table."""
    latest: dict[str, date] | None = None

    def day_of(row: dict[str, Any], customer_id: str) -> date | None:
        nonlocal latest
        day = on or next((row[key] for key in DAY_KEYS if isinstance(row.get(key), date)), None)
        if day is None:
            return None
        if latest is None:
            latest = latest_days([str(r.get(customer)) for r in table.rows if r.get(customer)])
        last = latest.get(customer_id)
        return day if last is not None and last > day else None

    def href(row: dict[str, Any]) -> str | None:
        if row.get(score) is None or not row.get(customer):
            return None
        customer_id = str(row[customer])
        code = str(row.get(scorecard) or "") if scorecard else ""
        return score_url(customer_id, code, day_of(row, customer_id))

    table.hrefs = {**table.hrefs, score: href}
    return table


def score_text(value: Any) -> str:
    """A score out of 100 as every page writes it (core.formatting.score): two decimals, half-up,
    ``44.6`` → ``44.60``; ``—`` for none."""
    if value is None or value == "":
        return fmt.MISSING
    return fmt.score(Decimal(value))


def signed_points(value: Any) -> str:
    """A change of score in points with its sign always written: ``+4.20``, ``-1.05``, ``0.00``."""
    if value is None:
        return fmt.MISSING
    return fmt.score(Decimal(value), signed=True)
