"""Exception and extra-credit requests with their approval steps, and CSM inquiries (DESIGN §5)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Request(models.Model):
    """A Geo VP's request that a customer's adoption be credited differently for a quarter.

    *Exception*: ``value`` is the granted r, in [0, customer_cap]; steps cco → finance → ops applies.
    *Extra credit*: ``value`` is points in (0, 1]; steps cco → ops applies. An applied request is an
    input of the next calculation run. Rejected and withdrawn requests are final.
    """

    class Kind(models.TextChoices):
        EXCEPTION = "exception", "Exception"
        EXTRA_CREDIT = "extra_credit", "Extra credit"

    class Status(models.TextChoices):
        PENDING_CCO = "pending_cco", "Waiting for the CCO"
        PENDING_FINANCE = "pending_finance", "Waiting for finance"
        APPROVED = "approved", "Approved, waiting for ops to apply"
        APPLIED = "applied", "Applied"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN = (Status.PENDING_CCO, Status.PENDING_FINANCE, Status.APPROVED)

    kind = models.CharField(max_length=12, choices=Kind.choices)
    customer = models.ForeignKey("adoption.Customer", on_delete=models.PROTECT, related_name="requests")
    period = models.ForeignKey("commissions.Period", on_delete=models.PROTECT, related_name="requests")
    value = models.DecimalField(max_digits=8, decimal_places=4)
    justification = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING_CCO)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="filed_requests"
    )
    filed_at = models.DateTimeField(auto_now_add=True)
    cco_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finance_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Bumped by every transition.")
    # Applied to a closed quarter (a year-end request, issue 14): the correction that restated it. Such a
    # request is no input of the quarter's own runs; its restatement pays the difference.
    correction = models.OneToOneField(
        "commissions.Correction", null=True, blank=True, on_delete=models.PROTECT, related_name="request"
    )

    class Meta:
        ordering = ["-filed_at"]
        constraints = [
            # Segregation of duties (DESIGN §1): nobody approves what they filed, nobody approves two
            # steps of one request, and whoever applies approved nothing of it.
            models.CheckConstraint(condition=~Q(cco_approver=F("filed_by")), name="request_cco_not_filer"),
            models.CheckConstraint(
                condition=~Q(finance_approver=F("filed_by")), name="request_finance_not_filer"
            ),
            models.CheckConstraint(
                condition=~Q(finance_approver=F("cco_approver")), name="request_finance_not_cco_approver"
            ),
            models.CheckConstraint(
                condition=~Q(applied_by=F("cco_approver")), name="request_applier_not_cco"
            ),
            models.CheckConstraint(
                condition=~Q(applied_by=F("finance_approver")), name="request_applier_not_finance"
            ),
            models.CheckConstraint(condition=~Q(applied_by=F("filed_by")), name="request_applier_not_filer"),
            models.CheckConstraint(
                condition=Q(kind="exception", value__gte=0)
                | Q(kind="extra_credit", value__gt=0, value__lte=1),
                name="request_value_range",
            ),
            models.CheckConstraint(
                condition=~Q(kind="extra_credit", status="pending_finance"),
                name="request_extra_credit_no_finance",
            ),
            # One open request of a kind per customer and quarter.
            models.UniqueConstraint(
                fields=["kind", "customer", "period"],
                condition=Q(status__in=["pending_cco", "pending_finance", "approved"]),
                name="request_one_open_per_customer_period",
            ),
        ]
        indexes = [models.Index(fields=["status", "period"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} for {self.customer_id} in {self.period_id}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def label(self) -> str:
        return f"{self.get_kind_display().lower()} #{self.pk}"


class RequestStep(models.Model):
    """One step of a request's timeline: who did what, when, and their comment."""

    class Action(models.TextChoices):
        FILED = "filed", "Filed"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"
        APPLIED = "applied", "Applied"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=10, choices=Action.choices)
    role = models.CharField(max_length=16, help_text="The role the actor acted in.")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)
    status_after = models.CharField(max_length=16, choices=Request.Status.choices)

    class Meta:
        ordering = ["request_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.action} by {self.actor_id}"


class Inquiry(models.Model):
    """A CSM's question about a line of their statement or a customer's credit (DESIGN §5 "Inquiries").

    ``message`` is the question; what follows is a conversation (``InquiryMessage``): answers by ops or the
    Geo VP, replies by the CSM. A reply re-opens an answered inquiry. ``answer``, ``answered_by`` and
    ``answered_at`` keep the first answer (or the conversion note); ``owner`` is whoever answered last.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        CONVERTED = "converted", "Turned into an exception request"

    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inquiries")
    period = models.ForeignKey("commissions.Period", on_delete=models.PROTECT, related_name="inquiries")
    customer = models.ForeignKey(
        "adoption.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="inquiries"
    )
    component = models.CharField(max_length=64, blank=True, help_text="The statement line it concerns.")
    message = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_inquiries",
    )
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    request = models.OneToOneField(
        Request, null=True, blank=True, on_delete=models.PROTECT, related_name="inquiry"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "inquiries"
        constraints = [
            models.CheckConstraint(
                condition=~Q(customer__isnull=True, component=""), name="inquiry_concerns_a_line_or_customer"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(answered_by__isnull=False), name="inquiry_closed_has_answerer"
            ),
        ]

    def __str__(self) -> str:
        return f"inquiry #{self.pk} by {self.employee_id} ({self.status})"

    def conversation(self) -> list["InquiryMessage"]:
        """The answers and replies after the question, in order, each with its author (one query)."""
        return list(self.messages.select_related("author").order_by("at", "id"))


class InquiryMessage(models.Model):
    """One message of an inquiry's conversation after its question (DESIGN §5 "Inquiries"): an answer by
    ops or the CSM's Geo VP, a reply by the CSM who asked, or the note that it became a request.

    Written by ``approvals.services`` only, never changed; read in order of ``at`` (then ``id``). Whether it
    is an answer or a reply follows from its author (``is_reply``).
    """

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["inquiry_id", "at", "id"]
        indexes = [models.Index(fields=["inquiry", "at"])]

    def __str__(self) -> str:
        return f"message #{self.pk} of inquiry #{self.inquiry_id} by {self.author_id}"

    @property
    def is_reply(self) -> bool:
        """Written by the CSM who asked (else an answer)."""
        return self.author_id == self.inquiry.employee_id
