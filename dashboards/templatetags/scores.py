"""``{% load scores %}``: an adoption score written in a template, as a link to the customer's scorecard
page (dashboards.scores.links, docs/scorecards.md "Pages").

``{% score_link customer score %}`` → ``<a class="score-link" href="/scores/customers/CUST-0001/">62.40</a>``
(``customer``: a Customer or its id ``CUST-0001``; the score written as ``|score`` writes it; nothing
but ``—`` when there is no score) · ``{{ value|score }}`` → ``62.40`` · ``{{ change|signed_points }}`` →
``+4.20``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from core import formatting as fmt
from dashboards.scores import links

register = template.Library()


@register.simple_tag
def score_link(customer: Any, score: Any, scorecard: str = "", places: str = "") -> str:
    """The score as a link to ``customer``'s scorecard page, with two decimals as every score is written
    (core.formatting.score); ``places`` is accepted for templates that still pass it."""
    if score is None or score == "":
        return fmt.MISSING
    customer_id = getattr(customer, "customer_id", customer)
    text = links.score_text(score)
    return format_html(
        '<a class="score-link" href="{}" title="How {} scores: the scorecard">{}</a>',
        links.score_url(str(customer_id), scorecard),
        customer_id,
        text,
    )


@register.filter
def score(value: Any) -> str:
    return links.score_text(value)


@register.filter
def signed_points(value: Any) -> str:
    return links.signed_points(value)
