"""Customers, who owns them, their ARR, the yearly target snapshot and the adoption scores (DESIGN §3)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.models import GEO_VALIDATOR
from core.calendar import FISCAL_YEAR_RE, PERIOD_RE
from core.errors import SnapshotFrozen

from .frozen import FrozenGuardedQuerySet, snapshot_triggers, targetline_triggers

SCORE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


def score_field(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=5, decimal_places=2, validators=SCORE_VALIDATORS, **kwargs)


def score_in_range(field: str) -> Q:
    return Q(**{f"{field}__gte": 0, f"{field}__lte": 100})


class Customer(models.Model):
    """A customer account, identified by the CRM's ``customer_id``."""

    customer_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    geo = models.CharField(max_length=16, validators=[GEO_VALIDATOR])
    start_date = models.DateField(help_text="First day as a customer; drives the held-harmless window.")
    segment = models.CharField(max_length=64, blank=True)
    ae_employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ae_customers",
        help_text="The account executive plays notify (the customers import's optional ae_employee_id).",
    )

    class Meta:
        ordering = ["customer_id"]
        indexes = [models.Index(fields=["geo"])]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.name}"


class Ownership(models.Model):
    """From ``start_date`` on, ``employee`` owns ``customer`` (until a later row starts)."""

    # No index of its own: the natural key's unique index starts with it (one index less to write per row).
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="ownerships", db_index=False
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ownerships"
    )
    start_date = models.DateField()

    class Meta:
        ordering = ["customer_id", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "start_date"], name="ownership_natural_key"),
        ]
        indexes = [models.Index(fields=["employee", "start_date"])]

    def __str__(self) -> str:
        return f"{self.customer_id} → {self.employee_id} from {self.start_date}"


class ArrRecord(models.Model):
    """A customer's annual recurring revenue as of a date; valid until a later row."""

    # No index of its own: the natural key's unique index starts with it (one index less to write per row).
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="arr_records", db_index=False
    )
    as_of = models.DateField()
    arr = models.DecimalField(max_digits=18, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3)

    class Meta:
        ordering = ["customer_id", "as_of"]
        verbose_name = "ARR record"
        constraints = [
            models.UniqueConstraint(fields=["customer", "as_of"], name="arr_natural_key"),
            models.CheckConstraint(condition=Q(arr__gte=0), name="arr_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.arr} {self.currency} as of {self.as_of}"


class Snapshot(models.Model):
    """The target snapshot of one fiscal year: a draft until a CCO approves it, then frozen (DESIGN §3)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"

    fiscal_year = models.CharField(max_length=4, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_comment = models.TextField(blank=True, help_text="What the CCO wrote when approving.")
    created_at = models.DateTimeField(auto_now_add=True)
    # The draft's version: 0 before any line; each targets import that changes the draft adds one and
    # records its changes as ``TargetChange`` rows of that revision (adoption/revisions.py).
    revision = models.PositiveIntegerField(default=0)

    objects = FrozenGuardedQuerySet.as_manager()

    class Meta:
        ordering = ["-fiscal_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_year__regex=FISCAL_YEAR_RE.pattern), name="snapshot_fiscal_year_code"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="snapshot_approved_has_approver",
            ),
        ]
        triggers = snapshot_triggers()

    def __str__(self) -> str:
        return f"{self.fiscal_year} ({self.status})"

    def save(self, *args, **kwargs):
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == self.Status.APPROVED:
                raise SnapshotFrozen(self.fiscal_year)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk, status=self.Status.APPROVED).exists():
            raise SnapshotFrozen(self.fiscal_year)
        return super().delete(*args, **kwargs)

    fiscal_year_path = "fiscal_year"

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.APPROVED

    @staticmethod
    def frozen_q() -> Q:
        return Q(status="approved")


class TargetLine(models.Model):
    """One customer's baseline and (optional) target score for one quarter of a snapshot."""

    # No index of its own: the natural key's unique index starts with it (one index less to write per row).
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="lines", db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="target_lines")
    period = models.CharField(max_length=7)
    baseline_score = score_field()
    target_score = score_field(null=True, blank=True)

    objects = FrozenGuardedQuerySet.as_manager()

    class Meta:
        ordering = ["snapshot_id", "customer_id", "period"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "customer", "period"], name="targetline_natural_key"),
            models.CheckConstraint(
                condition=score_in_range("baseline_score"), name="targetline_baseline_range"
            ),
            models.CheckConstraint(
                condition=Q(target_score__isnull=True) | score_in_range("target_score"),
                name="targetline_target_range",
            ),
            models.CheckConstraint(
                condition=Q(period__regex=PERIOD_RE.pattern), name="targetline_period_code"
            ),
        ]
        triggers = targetline_triggers()

    def __str__(self) -> str:
        return f"{self.customer_id} {self.period}: {self.baseline_score} → {self.target_score}"

    def save(self, *args, **kwargs):
        if self._frozen(self.snapshot_id):
            raise SnapshotFrozen(self.snapshot.fiscal_year)
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values_list("snapshot_id", flat=True).first()
            if stored is not None and self._frozen(stored):
                raise SnapshotFrozen(Snapshot.objects.get(pk=stored).fiscal_year)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._frozen(self.snapshot_id):
            raise SnapshotFrozen(self.snapshot.fiscal_year)
        return super().delete(*args, **kwargs)

    fiscal_year_path = "snapshot__fiscal_year"

    @staticmethod
    def _frozen(snapshot_id) -> bool:
        return Snapshot.objects.filter(pk=snapshot_id, status=Snapshot.Status.APPROVED).exists()

    @staticmethod
    def frozen_q() -> Q:
        return Q(snapshot__status="approved")


class TargetChange(models.Model):
    """A target line a targets import created or changed in a draft snapshot: the values before and after,
    under the snapshot ``revision`` that import made (DESIGN §3 "Target snapshots": the last draft).

    Written by ``adoption.revisions.record_target_changes`` in the import's transaction; a first import
    into an empty snapshot writes none (every line is new).
    """

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="changes")
    revision = models.PositiveIntegerField()
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=7)
    action = models.CharField(max_length=10, choices=Action.choices)
    old_baseline_score = score_field(null=True, blank=True)
    new_baseline_score = score_field()
    old_target_score = score_field(null=True, blank=True)
    new_target_score = score_field(null=True, blank=True)

    class Meta:
        ordering = ["snapshot_id", "revision", "customer_id", "period"]
        constraints = [
            # One import stages each (customer, period) once; the key is also the review's index.
            models.UniqueConstraint(
                fields=["snapshot", "revision", "customer", "period"], name="targetchange_natural_key"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.customer_id} {self.period} r{self.revision} {self.action}: "
            f"{self.old_target_score} → {self.new_target_score}"
        )


class ScoreObservation(models.Model):
    """An adoption score (0–100) observed for a customer on a date."""

    # No index of its own: the natural key's unique index starts with it (one index less to write per row).
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="scores", db_index=False)
    as_of = models.DateField()
    score = score_field()
    # db_default too: the scores import writes rows with COPY and names only its own columns.
    source = models.CharField(
        max_length=80,
        default="import",
        db_default="import",
        help_text="import, or the scorecard version that computed it.",
    )

    class Meta:
        ordering = ["customer_id", "as_of"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "as_of"], name="score_natural_key"),
            models.CheckConstraint(condition=score_in_range("score"), name="score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.score} as of {self.as_of}"


# The scorecard models live in their own module to keep this one small; Django finds them through here.
from .portfolio_models import (  # noqa: E402
    Play,
    PlayNotification,
    PlayTask,
    PortfolioKpiDay,
    Segment,
    SegmentEvaluation,
    SegmentMembership,
)
from .scorecard_models import (  # noqa: E402
    Activity,
    CommissionScorecard,
    DailyScore,
    MilestoneRecord,
    Scorecard,
    ScorecardVersion,
    ScoreFeedWarning,
    ScoreSource,
    UsageRecord,
)

__all__ = [
    "Activity",
    "Play",
    "PlayNotification",
    "PlayTask",
    "PortfolioKpiDay",
    "Segment",
    "SegmentEvaluation",
    "SegmentMembership",
    "ArrRecord",
    "CommissionScorecard",
    "Customer",
    "DailyScore",
    "MilestoneRecord",
    "Ownership",
    "ScoreFeedWarning",
    "ScoreObservation",
    "ScoreSource",
    "Scorecard",
    "ScorecardVersion",
    "Snapshot",
    "TargetChange",
    "TargetLine",
    "UsageRecord",
]
