"""Rights every page's header asks (``accounts.access``): templates show a link only when the right allows.

The header's links are the pages a person may open (DESIGN §1 "Where each person lands"). Which pages
those are is decided once, by the app that owns the pages and asks each page's own rule
(``dashboards.views.places_for``, also the home page's list); it registers that function here in its
``AppConfig.ready``, since ``accounts`` sits below the apps whose pages it links to (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.http import HttpRequest

from . import access
from .models import User

PlacesSource = Callable[[User], Sequence]
"""``user`` -> the pages ``user`` may open, in order: objects with ``url`` and ``nav`` (the header's
label; "" for a page listed on the home page only)."""

_places_sources: list[PlacesSource] = []


def register_places(source: PlacesSource) -> None:
    if source not in _places_sources:
        _places_sources.append(source)


@dataclass(frozen=True)
class NavLink:
    """A link of the header: ``current`` when the page shown is that page or one below it."""

    url: str
    label: str
    current: bool


def nav_links(user: User, path: str) -> list[NavLink]:
    """The header's links for ``user`` on the page at ``path``. Of the links whose url ``path`` starts
    with, only the longest is current (``/console/imports/`` is Imports, not Console)."""
    places = [place for source in _places_sources for place in source(user) if place.nav]
    current = max((p.url for p in places if path.startswith(p.url)), key=len, default=None)
    return [NavLink(place.url, place.nav, place.url == current) for place in places]


def rights(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "may_use_admin": user is not None and bool(access.may_use_admin(user)),
        "may_review_snapshots": user is not None and bool(access.may_review_snapshot(user)),
        "may_manage_webhooks": signed_in and bool(access.may_manage_webhooks(user)),
        "nav_links": nav_links(user, request.path) if signed_in else [],
    }
