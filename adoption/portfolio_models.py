"""Portfolio KPIs per day, segments with their membership history, and plays with their tasks
(docs/design.md §10, issue 18).

Imported into ``adoption.models`` so that Django finds them; import them from there.
"""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

CODE_VALIDATOR = RegexValidator(
    r"^[a-z][a-z0-9_]{0,47}$", "A code is lower-case letters, digits and _, starting with a letter."
)


class PortfolioLevel(models.TextChoices):
    """Whose portfolio a KPI row is about: a CSM's book, a geo, or the whole company."""

    CSM = "csm", "CSM"
    GEO = "geo", "Geo"
    COMPANY = "company", "Company"


class PortfolioKpiDay(models.Model):
    """One portfolio's value of one KPI on one day (docs/design.md §10.4), as the daily job stored it.

    ``key`` is the CSM's employee id, the geo code, or "" for the company. ``value`` is a count of
    customers or a ratio 0–1 (6 decimals), None when no member had a value (a ratio over nothing);
    ``numerator`` and ``denominator`` are the exact integer sums it is made of (a count's denominator is
    the members with a value), so that averages and explanations never re-round. ``customers`` counts the
    portfolio's members that day."""

    Level = PortfolioLevel

    day = models.DateField()
    level = models.CharField(max_length=8, choices=PortfolioLevel.choices)
    key = models.CharField(max_length=64, blank=True)
    kpi = models.CharField(max_length=80)
    value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    numerator = models.BigIntegerField(default=0)
    denominator = models.BigIntegerField(default=0)
    customers = models.IntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day", "level", "key", "kpi"]
        constraints = [
            models.UniqueConstraint(fields=["level", "key", "kpi", "day"], name="portfolio_kpi_day_key"),
            models.CheckConstraint(
                condition=Q(level__in=PortfolioLevel.values), name="portfolio_level_known"
            ),
        ]
        indexes = [models.Index(fields=["day", "level"], name="portfolio_kpi_day_level")]

    def __str__(self) -> str:
        return f"{self.day} {self.level}:{self.key} {self.kpi}={self.value}"


class SegmentRule(models.TextChoices):
    """The rules a segment can be defined by (docs/design.md §10.5); each reads its ``params``."""

    PAST_ONBOARDING = "past_onboarding", "Customers past onboarding"
    USAGE_DROP = "usage_drop", "Significant drop in utilisation or frequency"
    TOP_USAGE = "top_usage", "Top customers by usage"
    LOW_UTILISATION = "low_utilisation", "Low utilisation"
    RISING_UTILISATION = "rising_utilisation", "Increasing utilisation"
    LOW_ENGAGEMENT_AFTER_ONBOARDING = "low_engagement_after_onboarding", "Low engagement after onboarding"
    KEY_USER_LEFT = "key_user_left", "Key user left"


class Segment(models.Model):
    """A saved, named definition of a set of customers, evaluated daily (docs/design.md §10.5)."""

    Rule = SegmentRule

    code = models.CharField(max_length=48, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    rule = models.CharField(max_length=40, choices=SegmentRule.choices)
    params = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(rule__in=SegmentRule.values), name="segment_rule_known")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SegmentMembership(models.Model):
    """A customer in a segment from ``entered_on`` until ``left_on`` (the first day it no longer met the
    rule; None while it is still a member). A customer has at most one open membership per segment."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="memberships")
    customer = models.ForeignKey(
        "adoption.Customer", on_delete=models.CASCADE, related_name="segment_memberships"
    )
    entered_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["segment_id", "customer_id", "entered_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "customer", "entered_on"], name="membership_natural_key"
            ),
            models.UniqueConstraint(
                fields=["segment", "customer"], condition=Q(left_on__isnull=True), name="membership_one_open"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gt=models.F("entered_on")),
                name="membership_leaves_after_entering",
            ),
        ]
        indexes = [models.Index(fields=["segment", "left_on"], name="membership_segment_open")]

    def __str__(self) -> str:
        return f"{self.segment_id}:{self.customer_id} {self.entered_on}–{self.left_on or ''}"


class SegmentEvaluation(models.Model):
    """A segment evaluated on a day: its member count then, and how many entered and left that day."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="evaluations")
    day = models.DateField()
    members = models.IntegerField(default=0)
    entered = models.IntegerField(default=0)
    left = models.IntegerField(default=0)
    evaluated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["segment_id", "day"]
        constraints = [models.UniqueConstraint(fields=["segment", "day"], name="segment_evaluation_key")]

    def __str__(self) -> str:
        return f"{self.segment_id} {self.day}: {self.members}"


class Play(models.Model):
    """What a CS team does when a customer enters ``segment`` (docs/design.md §10.6): ``tasks`` is a list
    of ``{"title": str, "due_days": int ≥ 0}`` made for the customer's CSM on entry; ``notify_ae`` tells
    the customer's account executive too; ``recovery_days`` is the N of the play's measured effect."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="plays")
    code = models.CharField(max_length=48, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(max_length=120)
    tasks = models.JSONField(default=list)
    notify_ae = models.BooleanField(default=False)
    recovery_days = models.PositiveIntegerField(default=30, validators=[MinValueValidator(1)])
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PlayTask(models.Model):
    """A task a play made for a CSM about a customer that entered its segment. Made once per membership
    and task of the play (``position`` in ``Play.tasks``), whatever the number of times the daily job runs."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    play = models.ForeignKey(Play, on_delete=models.PROTECT, related_name="play_tasks")
    membership = models.ForeignKey(SegmentMembership, on_delete=models.PROTECT, related_name="tasks")
    position = models.PositiveSmallIntegerField()
    customer = models.ForeignKey("adoption.Customer", on_delete=models.PROTECT, related_name="play_tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="play_tasks"
    )
    title = models.CharField(max_length=200)
    created_on = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["play", "membership", "position"], name="play_task_once"),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(completed_at__isnull=True))
                | (Q(status="done") & Q(completed_at__isnull=False)),
                name="play_task_done_when_completed",
            ),
        ]
        indexes = [models.Index(fields=["assignee", "status"], name="play_task_assignee_status")]

    def __str__(self) -> str:
        return f"{self.title} ({self.customer_id}, due {self.due_on})"


class PlayNotification(models.Model):
    """A notification a play sent about a membership (the account executive's e-mail): once each."""

    play = models.ForeignKey(Play, on_delete=models.PROTECT, related_name="notifications")
    membership = models.ForeignKey(SegmentMembership, on_delete=models.PROTECT, related_name="notifications")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["play", "membership", "recipient"], name="play_notification_once")
        ]

    def __str__(self) -> str:
        return f"{self.play_id} → {self.recipient_id} at {self.sent_at}"
