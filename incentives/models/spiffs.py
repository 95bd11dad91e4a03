"""SPIFFs: time-boxed bonus programs and what they award (docs/design.md §11.3)."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q

from ..frozen import award_triggers

MONEY = {"max_digits": 18, "decimal_places": 2}
VALUE = {"max_digits": 30, "decimal_places": 10}


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    obj_field=pghistory.ObjForeignKey(related_name="audit_events"),
    append_only=True,
    model_name="SpiffHistory",
)
class Spiff(models.Model):
    """A time-boxed bonus program (docs/design.md §11.3).

    *Rule*: each day from ``start`` to ``end`` on which an eligible person's ``metric`` is ≥ ``threshold``
    is a qualifying event, paid ``amount`` (``per`` event, or once per person). *Manual*: ops or a Geo VP
    grants amounts by hand, each with a reason. Either way everything awarded stays within ``budget``
    (money in ``currency``). Status: draft → proposed → approved (by the CCO, and by finance too when the
    budget is above ``SPIFF_FINANCE_APPROVAL_ABOVE`` in the base currency) → closed; proposed → rejected.
    """

    class Kind(models.TextChoices):
        RULE = "rule", "Rule"
        MANUAL = "manual", "Granted by hand"

    class Per(models.TextChoices):
        EVENT = "event", "per qualifying event"
        PERSON = "person", "once per person"

    class Eligibility(models.TextChoices):
        ALL = "all", "All CSMs"
        GEO = "geo", "The CSMs of a geo"
        LIST = "list", "Named people"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PROPOSED = "proposed", "Proposed"
        APPROVED = "approved", "Approved"
        CLOSED = "closed", "Closed"
        REJECTED = "rejected", "Rejected"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    start = models.DateField()
    end = models.DateField()
    currency = models.CharField(max_length=3)
    kind = models.CharField(max_length=6, choices=Kind.choices)
    metric = models.CharField(max_length=64, blank=True)
    threshold = models.DecimalField(null=True, blank=True, **VALUE)
    amount = models.DecimalField(null=True, blank=True, **MONEY)
    per = models.CharField(max_length=6, choices=Per.choices, blank=True)
    budget = models.DecimalField(**MONEY)
    eligibility = models.CharField(max_length=4, choices=Eligibility.choices, default=Eligibility.ALL)
    geo = models.CharField(max_length=16, blank=True)
    people = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    needs_finance = models.BooleanField(
        default=False, help_text="Set when proposed: the budget is above SPIFF_FINANCE_APPROVAL_ABOVE."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cco_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finance_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, help_text="Bumped by every transition.")

    class Meta:
        ordering = ["-start", "code"]
        verbose_name = "SPIFF"
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="spiff_end_after_start"),
            models.CheckConstraint(condition=Q(budget__gt=0), name="spiff_budget_positive"),
            models.CheckConstraint(
                condition=Q(kind="manual", metric="", threshold__isnull=True, amount__isnull=True, per="")
                | Q(kind="rule", threshold__isnull=False, amount__gt=0, per__in=["event", "person"])
                & ~Q(metric=""),
                name="spiff_rule_fields",
            ),
            models.CheckConstraint(
                condition=Q(eligibility="geo") & ~Q(geo="") | ~Q(eligibility="geo") & Q(geo=""),
                name="spiff_geo_when_by_geo",
            ),
            # Segregation of duties (docs/design.md §11.3): nobody approves what they proposed, nobody
            # approves both steps.
            models.CheckConstraint(
                condition=~Q(cco_approver=F("proposed_by")), name="spiff_cco_not_proposer"
            ),
            models.CheckConstraint(
                condition=~Q(finance_approver=F("proposed_by")), name="spiff_finance_not_proposer"
            ),
            models.CheckConstraint(
                condition=~Q(finance_approver=F("cco_approver")), name="spiff_finance_not_cco"
            ),
        ]

    def __str__(self) -> str:
        return f"SPIFF {self.code}"

    @property
    def is_rule(self) -> bool:
        return self.kind == self.Kind.RULE


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    obj_field=pghistory.ObjForeignKey(related_name="audit_events"),
    append_only=True,
    model_name="SpiffAwardHistory",
)
class SpiffAward(models.Model):
    """An amount a SPIFF pays a person, paid in the quarter of its ``day`` (``period``) as its own payroll
    line (docs/design.md §11.3).

    A rule's qualifying event is written ``approved`` (funded: ``amount`` = ``asked``; partly funded: the
    budget left), or ``unfunded`` (``amount`` 0) with the ``reason``. A grant by hand is ``pending`` until
    approved like its SPIFF, or ``rejected``. Only approved amounts count against the budget. An award of
    a closed quarter never changes (``frozen.award_triggers``).
    """

    class Source(models.TextChoices):
        RULE = "rule", "Rule"
        GRANT = "grant", "Granted by hand"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        UNFUNDED = "unfunded", "Not funded"
        REJECTED = "rejected", "Rejected"

    spiff = models.ForeignKey(Spiff, on_delete=models.PROTECT, related_name="awards")
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(help_text="The qualifying day, or the day a grant is earned.")
    period = models.ForeignKey("commissions.Period", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=5, choices=Source.choices)
    # A rule's event: the day (per event) or "person" (per person); "" for a grant. With the SPIFF and
    # the person, what makes a rerun of the rule award nothing twice.
    event = models.CharField(max_length=10, blank=True)
    metric_value = models.DecimalField(null=True, blank=True, **VALUE)
    asked = models.DecimalField(**MONEY)
    amount = models.DecimalField(**MONEY)
    status = models.CharField(max_length=8, choices=Status.choices)
    reason = models.TextField(blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cco_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finance_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["spiff_id", "day", "employee_id", "pk"]
        indexes = [models.Index(fields=["period", "status"])]
        triggers = award_triggers()
        constraints = [
            models.UniqueConstraint(
                fields=["spiff", "employee", "event"], condition=Q(source="rule"), name="spiffaward_one_event"
            ),
            models.CheckConstraint(
                condition=Q(asked__gt=0, amount__gte=0, amount__lte=F("asked")), name="spiffaward_amounts"
            ),
            models.CheckConstraint(
                condition=Q(source="rule", status__in=["approved", "unfunded"]) & ~Q(event="")
                | Q(source="grant", status__in=["pending", "approved", "rejected"], event="")
                & ~Q(reason="")
                & Q(granted_by__isnull=False),
                name="spiffaward_source_status",
            ),
            models.CheckConstraint(
                condition=~Q(status="unfunded") | Q(amount=0), name="spiffaward_unfunded_is_zero"
            ),
            models.CheckConstraint(
                condition=~Q(cco_approver=F("granted_by")), name="spiffaward_cco_not_granter"
            ),
            models.CheckConstraint(
                condition=~Q(finance_approver=F("granted_by")), name="spiffaward_finance_not_granter"
            ),
        ]

    def __str__(self) -> str:
        # Named as the pages name it (the grant's number, the SPIFF's code, the person's e-mail), never by
        # the database ids of the SPIFF or the person.
        what = "the grant" if self.source == self.Source.GRANT else "the award"
        return (
            f"{what} #{self.pk} of {self.spiff.code}: {self.amount} {self.spiff.currency} "
            f"to {self.employee.email} on {self.day}"
        )


class SpiffEvent(models.Model):
    """One step of a SPIFF or of a grant: who did what, when, with which comment (docs/design.md §11.3).

    Kept on every database and shown on the SPIFF's page; on PostgreSQL the row events of ``Spiff`` and
    ``SpiffAward`` (pghistory) record every change besides. No constraint on the person: the record
    outlives them.
    """

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        PROPOSED = "proposed", "Proposed"
        APPROVED_CCO = "approved_cco", "Approved by the CCO"
        APPROVED_FINANCE = "approved_finance", "Approved by finance"
        REJECTED = "rejected", "Rejected"
        CLOSED = "closed", "Closed"
        AWARDED = "awarded", "Rule awarded"
        GRANTED = "granted", "Granted by hand"
        GRANT_APPROVED_CCO = "grant_cco", "Grant approved by the CCO"
        GRANT_APPROVED_FINANCE = "grant_finance", "Grant approved by finance"
        GRANT_REJECTED = "grant_rejected", "Grant rejected"

    spiff = models.ForeignKey(Spiff, on_delete=models.CASCADE, related_name="events")
    award = models.ForeignKey(SpiffAward, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)
    status_after = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["spiff_id", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.spiff.code} {self.action} at {self.at:%Y-%m-%d %H:%M}"
