"""Template filters over core.formatting: the one way every page, e-mail and PDF writes money, ratios,
numbers, weights and dates (docs/design.md §6 "Formats"). ``{% load formats %}``.

``{{ amount|money:currency }}`` → ``12,345.67 USD`` · ``{{ ratio|percent }}`` → ``38.7%`` ·
``{{ value|number }}`` · ``{{ value|weight }}`` → ``1`` · ``{{ value|score }}`` → ``62.40`` ·
``{{ change|score_change }}`` → ``+4.20`` · ``{{ value|metric_value:metric }}`` → ``80.0%`` or ``8`` ·
``{{ value|request_value:kind }}`` → ``50.0%`` or ``+10.0 percentage points`` ·
``{{ day|iso_date }}`` → ``2026-08-01`` ·
``{{ moment|iso_datetime }}`` → ``2026-08-01 14:05`` (local time) · ``{{ moment|machine_time }}`` (the
``datetime`` attribute of ``<time>``) · ``{{ start|date_range:end }}`` → ``2026-08-01 – 2026-10-31`` ·
``{{ "Payout / OTI"|explained }}`` → the label with its abbreviations explained ·
``{% table_page table as page %}`` → the page of a ``dashboards.tables.Table`` the request asks for.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone

from core import formatting as fmt
from dashboards.tables import TablePage, header_html

register = template.Library()


def _local(value: Any) -> Any:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def money(amount, currency) -> str:
    return fmt.money(amount, str(currency or ""))


@register.filter
def money_exact(amount, currency) -> str:
    return fmt.money_exact(amount, str(currency or ""))


@register.filter
def money_change(amount, currency) -> str:
    """A change of money with its sign always shown: ``+166.67 USD``."""
    return fmt.money(amount, str(currency or ""), signed=True)


@register.filter
def percent(ratio) -> str:
    return fmt.percent(ratio)


@register.filter
def percent_of(part, whole) -> str:
    """``part ÷ whole`` as a percentage with one decimal; ``—`` without a whole."""
    return fmt.percent(fmt.share(part, whole))


@register.filter
def number(value) -> str:
    return fmt.number(value)


@register.filter
def score(value) -> str:
    """An adoption score with two decimals: ``62.40``."""
    return fmt.score(value)


@register.filter
def score_change(value) -> str:
    """A change of score in points with its sign: ``+4.20``."""
    return fmt.score(value, signed=True)


@register.filter
def metric_value(value, metric) -> str:
    """A component's metric value by its metric: a percentage for adoption and NRR, a count for a KPI."""
    return fmt.metric_value(value, str(metric or ""))


@register.filter
def request_value(value, kind) -> str:
    """A request's value by its kind (``exception`` / ``extra_credit``): ``50.0%`` or
    ``+10.0 percentage points``."""
    return fmt.request_value(value, str(kind or ""))


@register.filter
def weight(value) -> str:
    return fmt.weight(value)


@register.filter
def iso_date(value) -> str:
    return fmt.iso_date(_local(value))


@register.filter
def iso_datetime(value, seconds: str = "") -> str:
    """``2026-08-01 14:05`` in the configured time zone; ``|iso_datetime:"seconds"`` adds seconds."""
    return fmt.iso_datetime(_local(value), seconds=bool(seconds))


@register.filter
def machine_time(value) -> str:
    """The ``datetime`` attribute of ``<time>``: full ISO 8601 with the offset, for machines."""
    return value.isoformat() if value is not None else ""


@register.filter
def date_range(start, end) -> str:
    return fmt.date_range(start, end)


@register.filter
def explained(label: str) -> str:
    """A header label whose abbreviations (dashboards.glossary) are explained on hover and to screen
    readers."""
    return header_html(str(label))


@register.simple_tag(takes_context=True)
def table_page(context, table) -> TablePage:
    """The page of ``table`` the request asks for (``?<name>-page=``, ``?<name>-sort=``)."""
    request = context.get("request")
    return table.page_of(request.GET if request is not None else _empty_query())


def _empty_query():
    from django.http import QueryDict

    return QueryDict()
