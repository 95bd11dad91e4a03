"""Points: rules that earn them, a ledger per person, a catalogue of rewards and redemptions
(docs/design.md §11.4)."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q

from ..frozen import redemption_triggers
from .spiffs import MONEY, VALUE


def _tracked(model_name: str):
    """pghistory's row events of a points model (every insert, update and delete), as for SPIFFs; the
    trackers are bound to one model each, so they are made afresh."""
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        obj_field=pghistory.ObjForeignKey(related_name="audit_events"),
        append_only=True,
        model_name=model_name,
    )


@_tracked("PointsRuleHistory")
class PointsRule(models.Model):
    """A rule that earns ``points`` (a whole number) per person per calendar month when the month's value
    of ``metric`` (the mean of the person's rows of that month, §11.4) is ≥ ``threshold``, for the months
    from ``start`` to ``end`` (``end`` empty: open). Points earned under it expire ``expiry_months`` after
    their month (empty: ``POINTS_EXPIRY_MONTHS``)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    metric = models.CharField(max_length=64)
    threshold = models.DecimalField(**VALUE)
    points = models.PositiveIntegerField()
    start = models.DateField(help_text="The first month it earns in (any day of it).")
    end = models.DateField(null=True, blank=True, help_text="The last month it earns in; empty: open.")
    expiry_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Months after the earning month; empty: POINTS_EXPIRY_MONTHS."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="pointsrule_points_positive"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="pointsrule_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(expiry_months__isnull=True) | Q(expiry_months__gt=0),
                name="pointsrule_expiry_positive",
            ),
            models.CheckConstraint(condition=~Q(metric=""), name="pointsrule_metric"),
        ]

    def __str__(self) -> str:
        return f"points rule {self.code}"


@_tracked("RewardHistory")
class Reward(models.Model):
    """A reward of the catalogue, bought with ``price`` points. A cash reward pays ``cash_amount`` in
    ``currency`` with the payroll of the quarter its redemption is approved in; the others are handed out
    and marked fulfilled by ops (§11.4). An inactive reward is not offered."""

    class Kind(models.TextChoices):
        CASH = "cash", "Cash"
        DAY_OFF = "day_off", "Day off"
        TRAINING = "training", "Training"
        EVENT_PASS = "event_pass", "Event pass"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    price = models.PositiveIntegerField(help_text="Points.")
    cash_amount = models.DecimalField(null=True, blank=True, **MONEY)
    currency = models.CharField(max_length=3, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["price", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="reward_price_positive"),
            models.CheckConstraint(
                condition=Q(kind="cash", cash_amount__gt=0) & ~Q(currency="")
                | ~Q(kind="cash") & Q(cash_amount__isnull=True, currency=""),
                name="reward_cash_fields",
            ),
        ]

    def __str__(self) -> str:
        return f"reward {self.code}"

    @property
    def is_cash(self) -> bool:
        return self.kind == self.Kind.CASH


@_tracked("RedemptionHistory")
class Redemption(models.Model):
    """A person's request for a reward, for ``points`` (its price when asked). Pending, it reserves that
    many points of the person's oldest lots (``RedemptionLot``); approved by ops or finance (never the
    requester) it redeems them — a cash reward then lies in the quarter of its approval (``period``) and
    is paid as a ``reward`` payroll line, frozen with that quarter; rejected, the points are released.
    An approved reward that is not cash is marked fulfilled by ops."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        FULFILLED = "fulfilled", "Fulfilled"
        REJECTED = "rejected", "Rejected"

    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions")
    points = models.PositiveIntegerField()
    cash_amount = models.DecimalField(null=True, blank=True, **MONEY)
    currency = models.CharField(max_length=3, blank=True)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PENDING)
    requested_on = models.DateField()
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    period = models.ForeignKey(
        "commissions.Period", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fulfilled_on = models.DateField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_on", "pk"]
        indexes = [models.Index(fields=["status", "employee"]), models.Index(fields=["period", "status"])]
        triggers = redemption_triggers()
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="redemption_points_positive"),
            # Segregation of duties (§11.4): nobody decides on, or hands out, their own reward.
            models.CheckConstraint(condition=~Q(decided_by=F("employee")), name="redemption_not_own"),
            models.CheckConstraint(
                condition=~Q(fulfilled_by=F("employee")), name="redemption_not_own_fulfilment"
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_by__isnull=True, decided_on__isnull=True)
                | ~Q(status="pending") & Q(decided_by__isnull=False, decided_on__isnull=False),
                name="redemption_decided",
            ),
            models.CheckConstraint(
                condition=Q(period__isnull=True) | Q(status="approved", cash_amount__gt=0),
                name="redemption_period_when_paid",
            ),
        ]

    def __str__(self) -> str:
        # Named as the points page names it: the reward's name and code, the person's e-mail.
        return f"the request #{self.pk} for {self.reward.name} ({self.reward.code}) by {self.employee.email}"


@_tracked("PointsEntryHistory")
class PointsEntry(models.Model):
    """One line of a person's points ledger (§11.4), dated ``on``: ``earned`` (+, a lot: the rule, the
    month and the day it expires after), ``redeemed`` (−, the part of a lot an approved redemption used)
    or ``expired`` (−, what was left of a lot after its expiry). The balance is the sum of ``points``."""

    class Kind(models.TextChoices):
        EARNED = "earned", "Earned"
        REDEEMED = "redeemed", "Redeemed"
        EXPIRED = "expired", "Expired"

    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    points = models.IntegerField()
    on = models.DateField()
    rule = models.ForeignKey(PointsRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(null=True, blank=True, help_text="The earning month's first day.")
    metric_value = models.DecimalField(null=True, blank=True, **VALUE)
    expires_after = models.DateField(null=True, blank=True, help_text="The lot's last day.")
    lot = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="uses")
    redemption = models.ForeignKey(
        Redemption, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["employee_id", "on", "pk"]
        verbose_name_plural = "points entries"
        indexes = [models.Index(fields=["employee", "kind"])]
        constraints = [
            # A rerun of a month's earning earns nothing twice (§11.4).
            models.UniqueConstraint(
                fields=["rule", "employee", "month"], condition=Q(kind="earned"), name="pointsentry_one_lot"
            ),
            models.CheckConstraint(
                condition=Q(
                    kind="earned",
                    points__gt=0,
                    rule__isnull=False,
                    month__isnull=False,
                    expires_after__isnull=False,
                    lot__isnull=True,
                    redemption__isnull=True,
                )
                | Q(kind="redeemed", points__lt=0, lot__isnull=False, redemption__isnull=False)
                | Q(kind="expired", points__lt=0, lot__isnull=False, redemption__isnull=True),
                name="pointsentry_kind_fields",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee.email} {self.kind} {self.points:+d} on {self.on}"


class RedemptionLot(models.Model):
    """The ``points`` a redemption takes from one earned lot, chosen oldest first when it is asked
    (§11.4). While the redemption is pending they are reserved (they do not expire); approved, a
    ``redeemed`` entry of the same size is written; rejected, they are released."""

    redemption = models.ForeignKey(Redemption, on_delete=models.PROTECT, related_name="lots")
    lot = models.ForeignKey(PointsEntry, on_delete=models.PROTECT, related_name="reservations")
    points = models.PositiveIntegerField()

    class Meta:
        ordering = ["redemption_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["redemption", "lot"], name="redemptionlot_once"),
            models.CheckConstraint(condition=Q(points__gt=0), name="redemptionlot_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.points} points of lot #{self.lot_id} for {self.redemption}"
