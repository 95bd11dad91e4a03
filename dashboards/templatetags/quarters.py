"""The quarter picker every page that shows a quarter carries (docs/design.md §6 "Formats and pages"):
one ``<form method="get">`` with a labelled ``<select name="period">`` of the quarters there are (DESIGN §2's
codes, newest first) and a Show button. ``{% load quarters %}{% quarter_picker period %}``.

The other parameters of the page's address (a geo, a gap, a sort) ride along as hidden fields; a page
number does not (the new quarter's table starts at its first page), nor a download.
"""

from __future__ import annotations

from django import template
from django.utils import timezone

from commissions.models import Period

register = template.Library()

DROPPED = ("period", "download", "format")


def started_quarter_codes() -> list[str]:
    """The codes of the quarters known here that have started, newest first (``FY27-Q2``, ``FY27-Q1``…)."""
    today = timezone.localdate()
    return list(Period.objects.filter(start__lte=today).order_by("-start").values_list("code", flat=True))


@register.inclusion_tag("dashboards/_quarter_picker.html", takes_context=True)
def quarter_picker(
    context, period=None, codes=None, everything: str = "", action: str = "", label: str = "Quarter"
):
    """The picker with ``period`` (a ``Period`` or a code; none: ``everything``, e.g. "All quarters")
    selected. ``codes`` overrides the listed quarters (the console lists those not started yet too)."""
    selected = getattr(period, "code", period) or ""
    listed = list(codes) if codes is not None else started_quarter_codes()
    if selected and selected not in listed:
        listed.insert(0, selected)
    request = context.get("request")
    hidden = []
    if request is not None:
        for name, values in request.GET.lists():
            if name in DROPPED or name.endswith("-page"):
                continue
            hidden += [(name, value) for value in values]
    return {
        "codes": listed,
        "selected": selected,
        "everything": everything,
        "action": action,
        "label": label,
        "hidden": hidden,
    }
