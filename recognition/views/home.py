"""/recognition/: a person's nudges (their tasks) and the contests in their scope, with the links to the
pages their rights open."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import access

from .. import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "nudges": selectors.nudges_of(user),
        "contests": selectors.contests_visible_to(user),
        "may_manage_contests": bool(access.may_manage_contests(user)),
        "may_see_nudges": bool(access.may_see_nudges(user)),
    }
    return render(request, "recognition/home.html", context)
