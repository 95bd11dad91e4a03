"""The recognition pages (docs/incentives.md "Contests, wall of fame and nudges"): thin views over
``selectors`` and ``services``; a contest outside a person's scope is a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import access
from core.errors import AttainError

from . import selectors
from .models import Contest
from .services.contests import standings


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The person's page: their nudges and tasks, and the contests in their scope."""
    context = {
        "nudges": selectors.nudges_of(request.user),
        "contests": selectors.contests_visible_to(request.user),
    }
    return render(request, "recognition/home.html", context)


@login_required
def fame(request: HttpRequest) -> HttpResponse:
    user = request.user
    period, top = selectors.top_performers(user)
    attention, attention_error = None, ""
    try:
        attention = selectors.needs_attention(user)
    except AttainError as exc:
        attention_error = exc.message
    context = {
        "entries": selectors.contest_winners(user),
        "period": period,
        "top": top,
        "attention": attention,
        "attention_error": attention_error,
    }
    return render(request, "recognition/fame.html", context)


@login_required
def contest_detail(request: HttpRequest, code: str) -> HttpResponse:
    contest = Contest.objects.filter(code=code).first()
    if contest is None or not access.may_see_contest(request.user, contest):
        raise Http404("Not found.")
    context = {
        "contest": contest,
        "standings": standings(contest),
        "winners": contest.winners.select_related("employee"),
        "events": contest.events.select_related("employee"),
    }
    return render(request, "recognition/contest_detail.html", context)
