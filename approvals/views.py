"""Pages of the exception / extra-credit workflow and of inquiries (DESIGN §5).

Thin views: forms check the input, ``selectors`` read (scoped through ``accounts.access``), ``services``
write and refuse. A refusal (``AttainError``) becomes a form error or a message; an object outside
the person's scope is a 404; a page for a role the person lacks is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from accounts import access
from accounts.access import is_csm
from accounts.models import Role
from commissions.access import payouts_visible_to
from commissions.models import Period
from core.errors import AttainError

from . import selectors, services
from .forms import AnswerForm, ConvertForm, DecisionForm, InquiryForm, NoteForm, ReplyForm, RequestForm
from .models import Inquiry, Request
from .steps import next_step

PAGE_SIZE = 50


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- requests -----------------------------------------------------------------------------------------------


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    is_filer = user.has_role(Role.CSVP)
    whole_geo = is_filer and request.GET.get("geo") == "1"
    page = _page(request, selectors.my_requests(user, whole_geo=whole_geo))
    return render(
        request,
        "approvals/request_list.html",
        {"page": page, "is_filer": is_filer, "whole_geo": whole_geo},
    )


FILED = ("kind", "customer", "value", "justification")  # a request's fields, as filed (and its quarters)
ASKED = ("period", "customer", "component", "message")  # an inquiry's
PREFILLED = ASKED  # what a statement's "Ask about this line" link may prefill


def _pick(data: dict, names: tuple[str, ...]) -> dict:
    return {name: data[name] for name in names}


def _submitted(form, act):
    """The filing flow of a request and of an inquiry: a valid form's data goes to the service ``act``;
    a domain error becomes the form's error. Returns what the service made, or None to show the form."""
    if not form.is_valid():
        return None
    try:
        return act(form.cleaned_data)
    except AttainError as exc:
        form.add_error(None, exc.message)
        return None


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (may_file := access.may_file_request(user)):
        raise PermissionDenied(may_file.reason)
    if request.method == "POST":
        form = RequestForm(request.POST, user=user)
        filed = _submitted(
            form,
            lambda data: services.file_requests(user=user, periods=data["period"], **_pick(data, FILED)),
        )
        if filed:
            return _filed(request, filed)
    else:
        initial = {"kind": Request.Kind.EXCEPTION, "customer": request.GET.get("customer", "")}
        if request.GET.get("period"):
            # Offered or not, the form decides; nothing created.
            initial["period"] = request.GET.getlist("period")
        form = RequestForm(initial=initial, user=user)
    periods = selectors.filing_periods()  # a GET creates no quarter (forms.QuartersField)
    code = _selected_period(form, periods)
    return render(
        request,
        "approvals/request_new.html",
        {
            "form": form,
            "periods": periods,
            "selected_period": code,
            "context": _filing_context(form, user, periods, code),
        },
    )


def _filed(request: HttpRequest, filed: list[Request]) -> HttpResponse:
    """Back to the one request filed, or to the list of the filer's requests when several were."""
    labels = ", ".join(f"{req.label} ({req.period.code})" for req in filed)
    messages.success(request, f"Filed {labels}; the CCO has been notified.")
    if len(filed) == 1:
        return redirect("approvals:detail", pk=filed[0].pk)
    return redirect("approvals:list")


def _selected_period(form: RequestForm, periods: list) -> str:
    """The quarter whose context the page shows: the first one chosen, else the newest offered."""
    value = form["period"].value() or []
    first = value[0] if isinstance(value, list | tuple) and value else value
    code = getattr(first, "code", first) or ""
    return code if any(p.code == code for p in periods) else (periods[0].code if periods else "")


def _filing_context(form: RequestForm, user, periods: list, code: str) -> selectors.CustomerContext | None:
    """The context of the customer and quarter the form names, when the customer is in the filer's scope."""
    customer_id = (form["customer"].value() or "").strip()
    customer = selectors.customer_in_scope(user, customer_id) if customer_id else None
    period = next((p for p in periods if p.code == code), None)
    if customer is None or period is None or period.pk is None:  # a quarter not stored yet has no context
        return None
    return selectors.customer_context(customer, period)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, selectors.request_for(request.user, pk))


def _render_detail(request: HttpRequest, req: Request, *, decision_form=None, status: int = 200):
    actions = selectors.actions_for(req, request.user)
    context = {
        "req": req,
        "steps": selectors.timeline(req),
        "actions": actions,
        "decision_form": decision_form or DecisionForm(),
        "note_form": NoteForm(),
        "customer_context": selectors.customer_context(req.customer, req.period),
        "next_role": getattr(next_step(req), "role", None),
    }
    return render(request, "approvals/request_detail.html", context, status=status)


def _decide(request: HttpRequest, pk: int, *, transition, done: str) -> HttpResponse:
    req = selectors.request_for(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Every decision carries a comment.")
        return _render_detail(request, req, decision_form=form, status=400)
    try:
        transition(request=req, user=request.user, comment=form.cleaned_data["comment"])
    except AttainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{done.capitalize()} {req.label}: it is now “{req.get_status_display()}”.")
    return redirect("approvals:detail", pk=req.pk)


@login_required
@require_POST
def request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, transition=services.approve, done="approved")


@login_required
@require_POST
def request_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, transition=services.reject, done="rejected")


@login_required
@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.request_for(request.user, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        services.withdraw(request=req, user=request.user, comment=form.cleaned_data.get("comment", ""))
    except AttainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Withdrew {req.label}.")
    return redirect("approvals:detail", pk=req.pk)


@login_required
@require_POST
def request_apply(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.request_for(request.user, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        services.apply(request=req, user=request.user, comment=form.cleaned_data.get("comment", ""))
    except AttainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _recalculate_message(req))
    if request.POST.get("next") == "to-apply":
        return redirect("approvals:to_apply")
    return redirect("approvals:detail", pk=req.pk)


def _recalculate_message(req: Request) -> str:
    """How ops takes the applied request into account: the next calculation, in the console. A request
    of a closed quarter needs none: its correction restated the quarter and paid the difference."""
    code = req.period.code
    if req.correction_id is not None:
        paid_in = sorted(set(req.correction.trueups.values_list("paid_in__code", flat=True)))
        paid = (
            f"its true-ups are paid in {', '.join(paid_in)}"
            if paid_in
            else "the restatement pays nothing more"
        )
        correction = req.correction.label
        return f"Applied {req.label} to the closed {code} as {correction}: {code} is restated and {paid}."
    console = reverse("dashboards:console") + f"?period={code}"
    return format_html(
        "Applied {label}. It counts from the next calculation of {code}: calculate it in the "
        '<a href="{console}">quarter console</a> and review the run there.',
        label=req.label,
        code=code,
        console=console,
    )


@login_required
def to_approve(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.has_role(Role.CCO) or user.has_role(Role.FINANCE)):
        raise PermissionDenied("The approval queue is for the CCO and finance.")
    page = _page(request, selectors.to_approve(user))
    return render(request, "approvals/to_approve.html", {"page": page})


@login_required
def to_apply(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_role(Role.OPS):
        raise PermissionDenied("Applying approved requests is for commission operations (ops).")
    page = _page(request, selectors.to_apply(user))
    return render(
        request,
        "approvals/to_apply.html",
        {"page": page, "note_form": NoteForm(), "stale_periods": selectors.periods_to_recalculate()},
    )


# --- inquiries ----------------------------------------------------------------------------------------------


@login_required
def inquiry_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.inquiries_for(request.user))
    return render(request, "approvals/inquiry_list.html", {"page": page, "may_ask": is_csm(request.user)})


@login_required
def inquiry_new(request: HttpRequest) -> HttpResponse:
    """The question form; the statement's "Ask about this line" links prefill it from the query (period,
    customer, component, message). A prefill that cannot be used is said on the form, never a 500."""
    user = request.user
    if not (may_open := access.may_open_inquiry(user)):
        raise PermissionDenied(may_open.reason)
    prefill_errors: list[str] = []
    if request.method == "POST":
        form = InquiryForm(request.POST, user=user)
        inquiry = _submitted(form, lambda data: services.open_inquiry(user=user, **_pick(data, ASKED)))
        if inquiry is not None:
            messages.success(request, f"Sent inquiry #{inquiry.pk}; ops and your Geo VP will answer.")
            return redirect("approvals:inquiry_detail", pk=inquiry.pk)
    else:
        form = InquiryForm(initial={key: request.GET.get(key, "") for key in PREFILLED}, user=user)
        prefill_errors = form.prefill_errors()
    # A prefill that cannot be used leaves a working form (200) that says why; a refused question is a 400.
    status = 400 if form.is_bound else 200
    context = {"form": form, "prefill_errors": prefill_errors}
    return render(request, "approvals/inquiry_new.html", context, status=status)


@login_required
def inquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = selectors.inquiry_for(request.user, pk)
    return _render_inquiry(request, inquiry)


def _render_inquiry(
    request: HttpRequest, inquiry, *, answer_form=None, convert_form=None, reply_form=None, status: int = 200
):
    user = request.user
    context = {
        "inquiry": inquiry,
        "conversation": inquiry.conversation(),
        "may_answer": selectors.may_answer(inquiry, user),
        "may_convert": selectors.may_convert(inquiry, user),
        # The right is the CSM's; a converted inquiry carries on as its request (services.reply_to_inquiry).
        "may_reply": inquiry.status != Inquiry.Status.CONVERTED
        and bool(access.may_reply_inquiry(user, inquiry)),
        "answer_form": answer_form or AnswerForm(),
        "convert_form": convert_form or ConvertForm(),
        "reply_form": reply_form or ReplyForm(),
        "customer_context": (
            selectors.customer_context(inquiry.customer, inquiry.period) if inquiry.customer else None
        ),
        "statements": _statements_asked_about(inquiry, user),
    }
    return render(request, "approvals/inquiry_detail.html", context, status=status)


def _statements_asked_about(inquiry, user) -> list[tuple[str, str]]:
    """(label, URL) of each statement the CSM was published for the inquiry's quarter (the final runs of the
    closed quarter) that ``user`` may read (``payouts_visible_to``): the CSM their own, whoever answers
    within their reach. The URL is the statement page's, by its name: approvals imports no dashboards."""
    employee = inquiry.employee
    payouts = (
        payouts_visible_to(user)
        .filter(
            employee=employee,
            run__period=inquiry.period,
            run__is_final=True,
            run__period__status=Period.Status.CLOSED,
        )
        .select_related("run__plan")
        .order_by("run__plan__code")
    )
    own = {} if user.pk == employee.pk else {"employee_id": employee.employee_id}
    return [
        (
            f"{payout.run.plan.code} v{payout.run.version}",
            reverse("dashboards:csm-statement", kwargs={"run_id": payout.run_id, **own}),
        )
        for payout in payouts
    ]


@login_required
@require_POST
def inquiry_answer(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = selectors.inquiry_for(request.user, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _render_inquiry(request, inquiry, answer_form=form, status=400)
    try:
        services.answer_inquiry(inquiry=inquiry, user=request.user, answer=form.cleaned_data["answer"])
    except AttainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Answered inquiry #{inquiry.pk}; the CSM has been notified.")
    return redirect("approvals:inquiry_detail", pk=inquiry.pk)


@login_required
@require_POST
def inquiry_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """The CSM replies to an answer; another CSM gets a 404 (the inquiry is outside their reach), anyone
    else who sees it a 403 with the right's sentence."""
    inquiry = selectors.inquiry_for(request.user, pk)
    if not (may_reply := access.may_reply_inquiry(request.user, inquiry)):
        raise PermissionDenied(may_reply.reason)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _render_inquiry(request, inquiry, reply_form=form, status=400)
    try:
        services.reply_to_inquiry(inquiry=inquiry, user=request.user, body=form.cleaned_data["body"])
    except AttainError as exc:  # e.g. converted meanwhile: the page no longer offers the form, so a message
        messages.error(request, exc.message)
        return _render_inquiry(request, inquiry, reply_form=form, status=400)
    messages.success(
        request, f"Replied to inquiry #{inquiry.pk}: it is open again; ops and your Geo VP are notified."
    )
    return redirect("approvals:inquiry_detail", pk=inquiry.pk)


@login_required
@require_POST
def inquiry_convert(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = selectors.inquiry_for(request.user, pk)
    form = ConvertForm(request.POST)
    if not form.is_valid():
        return _render_inquiry(request, inquiry, convert_form=form, status=400)
    try:
        filed = services.convert_inquiry(
            inquiry=inquiry,
            user=request.user,
            value=form.cleaned_data["value"],
            justification=form.cleaned_data["justification"],
        )
    except AttainError as exc:
        form.add_error(None, exc.message)
        return _render_inquiry(request, inquiry, convert_form=form, status=400)
    messages.success(request, f"Turned inquiry #{inquiry.pk} into {filed.label}; the CCO has been notified.")
    return redirect("approvals:detail", pk=filed.pk)
