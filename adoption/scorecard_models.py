"""Usage, milestones, activities, scorecards and the daily scores they compute (docs/design.md §9).

Imported into ``adoption.models`` so that Django finds them; import them from there.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from core.calendar import FISCAL_YEAR_RE
from core.errors import AttainError


class VersionPublished(AttainError):
    """A published scorecard version was about to change (docs/design.md §9.1): load a new version."""


class PublishedVersionQuerySet(models.QuerySet):
    """Refuses the queryset writes that skip ``save()``/``delete()``: a published version never changes.

    New versions are created (``create``, ``bulk_create`` without conflicts) and nothing else."""

    def update(self, **kwargs):
        raise VersionPublished("A published scorecard version never changes: load a new version instead.")

    def delete(self):
        raise VersionPublished("A published scorecard version is never deleted: load a new version instead.")

    def bulk_update(self, objs, fields, *args, **kwargs):
        raise VersionPublished("A published scorecard version never changes: load a new version instead.")

    def bulk_create(self, objs, *args, **kwargs):
        if kwargs.get("update_conflicts"):
            raise VersionPublished("A published scorecard version is never overwritten by an upsert.")
        return super().bulk_create(objs, *args, **kwargs)


class UsageRecord(models.Model):
    """One customer's product usage on a day for one metric (``active_users``, ``licensed_seats``,
    ``monthly_active_users``, ``logins``, ``feature:<name>``, ``feature_users:<name>``): a count ≥ 0.

    The natural key is the primary key: at a quarter of daily usage for 100,000 customers (≈37 million
    rows) a surrogate key and its index would cost a third more to write and to store.
    """

    pk = models.CompositePrimaryKey("customer_id", "date", "metric")
    customer = models.ForeignKey(
        "adoption.Customer", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    date = models.DateField()
    metric = models.CharField(max_length=80)
    value = models.BigIntegerField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(value__gte=0), name="usage_value_not_negative")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.date} {self.metric}={self.value}"


class MilestoneRecord(models.Model):
    """A milestone a customer reached (``criterion`` such as ``sso_integrated``) and, if it was lost
    again, the day it was lost: met from ``achieved_on`` until the day before ``lost_on``."""

    customer = models.ForeignKey(
        "adoption.Customer", on_delete=models.CASCADE, related_name="milestones", db_index=False
    )
    criterion = models.CharField(max_length=80)
    achieved_on = models.DateField()
    lost_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["customer_id", "criterion", "achieved_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "criterion", "achieved_on"], name="milestone_natural_key"
            ),
            models.CheckConstraint(
                condition=Q(lost_on__isnull=True) | Q(lost_on__gt=models.F("achieved_on")),
                name="milestone_lost_after_achieved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.criterion} {self.achieved_on}–{self.lost_on or ''}"


class ActivityType(models.TextChoices):
    """The types of the ``activities`` import (docs/design.md §10.1)."""

    QBR = "qbr", "QBR held"
    ONBOARDING_COMPLETED = "onboarding_completed", "Onboarding completed"
    KEY_USER_LEFT = "key_user_left", "Key user left"
    NPS = "nps", "NPS"


class Activity(models.Model):
    """Something that happened with a customer on a day (docs/design.md §10.1): a QBR held, onboarding
    completed, a key user who left, or an NPS measured, whose ``value`` (−100 to 100) only an ``nps``
    row has. One row per customer, day and type."""

    Type = ActivityType

    customer = models.ForeignKey(
        "adoption.Customer", on_delete=models.CASCADE, related_name="activities", db_index=False
    )
    date = models.DateField()
    type = models.CharField(max_length=24, choices=Type.choices)
    value = models.SmallIntegerField(null=True, blank=True, help_text="The NPS, −100 to 100 (nps rows only).")

    class Meta:
        ordering = ["customer_id", "date", "type"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["type", "date"], name="activity_type_date")]
        constraints = [
            models.UniqueConstraint(fields=["customer", "date", "type"], name="activity_natural_key"),
            models.CheckConstraint(condition=Q(type__in=ActivityType.values), name="activity_type_known"),
            models.CheckConstraint(
                condition=(Q(type="nps", value__isnull=False) & Q(value__gte=-100) & Q(value__lte=100))
                | (~Q(type="nps") & Q(value__isnull=True)),
                name="activity_value_for_nps_only",
            ),
        ]

    def __str__(self) -> str:
        value = f"={self.value}" if self.value is not None else ""
        return f"{self.customer_id} {self.date} {self.type}{value}"


class Scorecard(models.Model):
    """A named scorecard; its rules live in its versions. ``segments`` (customer segments) of the
    latest version say which customers it scores; an empty list scores every customer."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    active = models.BooleanField(default=True, help_text="Inactive scorecards are not computed daily.")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ScorecardVersion(models.Model):
    """One published version of a scorecard: never changed once saved; a change is a new version that
    applies from its ``effective_from`` (docs/design.md §9.1)."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    effective_from = models.DateField()
    segments = models.JSONField(default=list, blank=True)
    definition = models.JSONField(help_text="The validated YAML mapping (adoption.scoring.parse_scorecard).")
    source = models.TextField(help_text="The YAML as loaded.")
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    objects = PublishedVersionQuerySet.as_manager()

    class Meta:
        ordering = ["scorecard_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "version"], name="scorecard_version_unique"),
            models.UniqueConstraint(
                fields=["scorecard", "effective_from"], name="scorecard_version_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard.code} v{self.version}"

    def save(self, *args, **kwargs):
        # A version is saved once, when it is published; every later save would change it (§9.1).
        if not self._state.adding:
            raise VersionPublished(
                f"Version {self.version} of {self.scorecard.code} is published and never changes: "
                "load a new version instead."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise VersionPublished(
            f"Version {self.version} of {self.scorecard.code} is published and is never deleted."
        )

    @property
    def label(self) -> str:
        """The source written beside the adoption scores it produces: ``scorecard CODE vN``."""
        return f"scorecard {self.scorecard.code} v{self.version}"


class CommissionScorecard(models.Model):
    """The scorecard whose scores a fiscal year's commissions are paid on, for the customers of its
    segments. Fixed once the year's target snapshot is approved (docs/design.md §9.5)."""

    fiscal_year = models.CharField(max_length=4, validators=[RegexValidator(FISCAL_YEAR_RE)])
    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="commission_years")

    class Meta:
        ordering = ["fiscal_year", "scorecard_id"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "scorecard"], name="commission_scorecard_unique")
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}: {self.scorecard.code}"


class ScoreSource(models.Model):
    """Where a fiscal year's adoption scores come from: imported files or the commission scorecards."""

    class Source(models.TextChoices):
        IMPORT = "import", "Imported scores"
        SCORECARD = "scorecard", "Commission scorecards"

    fiscal_year = models.CharField(max_length=4, unique=True, validators=[RegexValidator(FISCAL_YEAR_RE)])
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.IMPORT)

    def __str__(self) -> str:
        return f"{self.fiscal_year}: {self.source}"


class DailyScore(models.Model):
    """A customer's score on a day under one scorecard, with the version that computed it and each
    criterion's value, points, weight and missing-data decision (``criteria``: code → mapping)."""

    pk = models.CompositePrimaryKey("scorecard_id", "day", "customer_id")
    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="+", db_index=False)
    day = models.DateField()
    customer = models.ForeignKey(
        "adoption.Customer", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    version = models.ForeignKey(ScorecardVersion, on_delete=models.PROTECT, related_name="+", db_index=False)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    partial = models.BooleanField(default=False)
    criteria = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["customer", "scorecard", "day"], name="dailyscore_customer_history")]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="dailyscore_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scorecard_id} {self.day} {self.customer_id}: {self.score}"


class ScoreFeedWarning(models.Model):
    """Something the daily scorecard job did not do silently (docs/design.md §9.5): a day's commission
    scores not fed into the adoption scores because the day lies in a closed quarter (``closed``), or an
    imported score of the same customer and day that differs from the scorecard's (``conflict``).

    Written again, not added to, when a day is computed again: a day's warnings are those of its last
    computation."""

    class Kind(models.TextChoices):
        CLOSED = "closed", "Closed quarter"
        CONFLICT = "conflict", "Imported score differs"

    day = models.DateField()
    fiscal_year = models.CharField(max_length=4)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        "adoption.Customer", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    imported_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    scorecard_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "kind", "customer_id"]
        indexes = [models.Index(fields=["day", "scorecard"], name="scorefeedwarning_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}: {self.message}"
