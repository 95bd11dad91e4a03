"""Every adoption score shown in Attain opens the customer's scorecard page (docs/scorecards.md "Pages").

One place makes the link: ``score_url`` for a customer id; ``link_scores`` for a ``dashboards.tables.Table``
whose rows hold a score (its cells are links where there is a score); the ``{% score_link %}`` tag
(``dashboards.templatetags.scores``) for a score written in a template. A page showing a score goes
through one of them, so no score anywhere is text one cannot click.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from core import formatting as fmt
from dashboards.tables import Table


def score_url(customer_id: str, scorecard: str = "") -> str:
    """The scorecard page of the customer whose natural id is ``customer_id`` (``CUST-0001``);
    ``scorecard`` (a code) picks the scorecard."""
    url = reverse("dashboards:score-customer", kwargs={"customer_id": customer_id})
    return f"{url}?scorecard={scorecard}" if scorecard else url


def link_scores(
    table: Table, *, score: str = "score", customer: str = "customer_id", scorecard: str = ""
) -> Table:
    """``table`` with its ``score`` column's cells linked to each row's customer scorecard page (a row
    without a score keeps an empty cell); ``scorecard``: the row key naming the scorecard, if any. The rows
    are left as they are. Returns the same table."""

    def href(row: dict[str, Any]) -> str | None:
        if row.get(score) is None or not row.get(customer):
            return None
        return score_url(str(row[customer]), str(row.get(scorecard) or "") if scorecard else "")

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
