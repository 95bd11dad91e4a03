"""The contest pages (docs/incentives.md "Contests"): draft a contest, then on its page start it, enter
or generate its events and finish it — ops and the CCO (``access.may_manage_contests``); everyone in the
contest's scope reads its standings, winners and events (``access.may_see_contest``, else a 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import access
from core import formatting as fmt
from core.errors import AttainError, NotAllowed

from ..errors import RecognitionInvalid
from ..forms import ContestForm, EventForm, MetricEventsForm, show_refusal
from ..models import Contest
from ..services import contests as services
from .common import require


def _visible(request: HttpRequest, code: str) -> Contest:
    contest = Contest.objects.filter(code=code).first()
    if contest is None or not access.may_see_contest(request.user, contest):
        raise Http404("Not found.")
    return contest


def _managed(request: HttpRequest, code: str) -> Contest:
    contest = _visible(request, code)
    require(access.may_manage_contests(request.user, contest))
    return contest


def _detail(
    request: HttpRequest, contest: Contest, *, status: int = 200, event_form=None, metric_form=None
) -> HttpResponse:
    """The contest's page; for whoever manages an active contest, its event forms (as posted, when
    they were refused)."""
    user = request.user
    manage = bool(access.may_manage_contests(user, contest))
    active = manage and contest.status == Contest.Status.ACTIVE
    if active and event_form is None:
        event_form = EventForm(participants=services.participants_of(contest))
    if active and metric_form is None:
        metric_form = MetricEventsForm()
    context = {
        "contest": contest,
        "standings": services.standings(contest),
        "winners": contest.winners.select_related("employee"),
        "events": contest.events.select_related("employee"),
        "may_start": manage and contest.status == Contest.Status.DRAFT,
        "may_enter": active,
        "event_form": event_form,
        "metric_form": metric_form,
    }
    return render(request, "recognition/contest_detail.html", context, status=status)


@login_required
def contest_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _detail(request, _visible(request, code))


@login_required
def contest_new(request: HttpRequest) -> HttpResponse:
    """Draft a contest; a bad value is shown on the form (400) and nothing is written."""
    user = request.user
    require(access.may_manage_contests(user))
    if request.method != "POST":
        return render(request, "recognition/contest_new.html", {"form": ContestForm()})
    form = ContestForm(request.POST)
    if form.is_valid():
        try:
            contest = services.create_contest(user=user, **form.service_arguments())
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        except RecognitionInvalid as exc:
            show_refusal(form, exc.message)
        else:
            messages.success(request, f"Drafted {contest.name}: start it when it may take events.")
            return redirect("recognition:contest", code=contest.code)
    return render(request, "recognition/contest_new.html", {"form": form}, status=400)


def _step(request: HttpRequest, code: str, act, done) -> HttpResponse:
    """A button's step (start, finish): the outcome as a message, back to the contest's page."""
    contest = _managed(request, code)
    try:
        result = act(contest=contest, user=request.user)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except AttainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done(contest, result))
    return redirect("recognition:contest", code=contest.code)


@login_required
@require_POST
def contest_start(request: HttpRequest, code: str) -> HttpResponse:
    return _step(
        request, code, services.start_contest, lambda c, _: f"Started {c.name}: events may be entered."
    )


def _winners_sentence(contest: Contest, winners) -> str:
    def one(w) -> str:
        share = f", {fmt.money(w.prize_share, contest.currency)}" if w.prize_share is not None else ""
        return f"{w.employee.name or w.employee.email} ({fmt.number(w.score)}{share})"

    return f"Finished {contest.name}. Winners: " + "; ".join(one(w) for w in winners) + "."


@login_required
@require_POST
def contest_finish(request: HttpRequest, code: str) -> HttpResponse:
    return _step(request, code, services.finish_contest, _winners_sentence)


def _entered(request: HttpRequest, contest: Contest, key: str, form, act, done) -> HttpResponse:
    """A form's step (an event, events from a metric): bad values on the form (400), a frozen contest or
    closed quarter as a message (409), else back to the page with what was written."""
    if form.is_valid():
        try:
            result = act(form.cleaned_data)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        except RecognitionInvalid as exc:
            show_refusal(form, exc.message)
        except AttainError as exc:
            messages.error(request, exc.message)
            contest.refresh_from_db()  # finished meanwhile, perhaps
            return _detail(request, contest, status=409, **{key: form})
        else:
            messages.success(request, done(result))
            return redirect("recognition:contest", code=contest.code)
    return _detail(request, contest, status=400, **{key: form})


@login_required
@require_POST
def contest_event(request: HttpRequest, code: str) -> HttpResponse:
    contest = _managed(request, code)
    form = EventForm(request.POST, participants=services.participants_of(contest))

    def act(data):
        return services.add_event(contest=contest, user=request.user, **data)

    def done(event) -> str:
        who = event.employee.name or event.employee.email
        sign = "+" if event.points > 0 else ""
        return f"{sign}{fmt.number(event.points)} points to {who} on {event.day:%Y-%m-%d}: {event.reason}."

    return _entered(request, contest, "event_form", form, act, done)


@login_required
@require_POST
def contest_metric_events(request: HttpRequest, code: str) -> HttpResponse:
    contest = _managed(request, code)
    form = MetricEventsForm(request.POST)

    def act(data):
        return services.events_from_metric(contest=contest, user=request.user, **data)

    def done(events) -> str:
        metric = form.cleaned_data["metric"]
        if not events:
            return (
                f"No new event from {metric}: each value was entered already, was 0, or lies on a "
                "closed quarter's day."
            )
        return f"{len(events)} events from {metric} entered."

    return _entered(request, contest, "metric_form", form, act, done)
