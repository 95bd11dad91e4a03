"""Prior-period processing (issue 14): corrections of closed quarters, their true-ups, holds, and the
payable lines a quarter's close writes (docs/design.md §7).

A closed quarter's runs and results never change. A correction is its own record; applying it computes
a *restatement* (a run of the closed quarter marked ``is_restatement``, never final) and pays the
difference from what was paid as ``TrueUp`` lines in an open quarter.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..frozen import applied_correction_triggers, line_triggers, trueup_triggers
from .quarters import MONEY


class Correction(models.Model):
    """A changed input of a closed quarter, with a reason: rows of one kind as they should have been.

    ``rows`` holds the rows in the engine's column names, values as text (exact decimals, ISO dates):

    - ``deal``: deal_id, customer_id, type, arr_delta, currency, booked_on, effective_on (replaces the
      deal with that id, or adds it);
    - ``kpi``: employee_id, kpi, value; ``fx``: currency, rate; ``ownership``: customer_id, employee_id,
      start_date; ``assignment``: employee_id, plan, start_date, end_date, on_target_amount, nrr_goal,
      kpi_goal (each replaces the row with the same natural key, or adds it);
    - ``adjustment``: customer_id, kind (exception | extra_credit), value — an approved year-end request;
    - ``clawback``: deal_id (the expansion), share (0–1 of its credit undone), by_deal (the churn or
      contraction that undoes it).

    ``source`` identifies the cause for idempotency (``request:12``, ``clawback:D-1:D-9``): the same
    cause is never recorded twice (docs RULES "Same correction").
    """

    class Kind(models.TextChoices):
        DEAL = "deal", "Deal"
        KPI = "kpi", "KPI value"
        FX = "fx", "FX rate"
        ASSIGNMENT = "assignment", "Assignment"
        OWNERSHIP = "ownership", "Ownership"
        ADJUSTMENT = "adjustment", "Year-end request"
        CLAWBACK = "clawback", "Clawback"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPLIED = "applied", "Applied"
        WITHDRAWN = "withdrawn", "Withdrawn"

    period = models.ForeignKey("commissions.Period", on_delete=models.PROTECT, related_name="corrections")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    rows = models.JSONField(default=list)
    reason = models.TextField()
    cause = models.CharField(max_length=300, help_text="The cause in words, shown on statements.")
    source = models.CharField(max_length=120, null=True, blank=True, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    # The true-ups it would pay, computed when recorded (or recomputed): {plan: {employee_id: amount}}
    # (text amounts), and when. A correction of the same quarter applied since makes it out of date.
    effect = models.JSONField(default=dict, blank=True)
    effect_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["period_id", "applied_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="applied", applied_at__isnull=False) | ~Q(status="applied"),
                name="correction_applied_has_time",
            ),
        ]
        triggers = applied_correction_triggers()

    def __str__(self) -> str:
        return f"correction #{self.pk} of {self.period_id} ({self.kind}, {self.status})"

    @property
    def label(self) -> str:
        return f"correction #{self.pk}"


class TrueUp(models.Model):
    """What a restatement changes of one CSM's component line of a closed quarter, paid in an open one.

    amount = restated line − (paid line + earlier true-ups of that line), in the plan's currency, to the
    cent (docs/design.md §7). A negative amount is recovered (a clawback line on the statement).
    """

    correction = models.ForeignKey(Correction, on_delete=models.PROTECT, related_name="trueups")
    restatement = models.ForeignKey("commissions.Run", on_delete=models.PROTECT, related_name="trueups")
    restates = models.ForeignKey("commissions.Period", on_delete=models.PROTECT, related_name="restated_by")
    paid_in = models.ForeignKey("commissions.Period", on_delete=models.PROTECT, related_name="trueups")
    plan = models.ForeignKey("commissions.Plan", on_delete=models.PROTECT, related_name="trueups")
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trueups")
    component = models.CharField(max_length=64)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_in_id", "employee_id", "plan_id", "restates_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["correction", "plan", "employee", "component"], name="trueup_once_per_correction"
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="trueup_not_zero"),
        ]
        triggers = trueup_triggers()

    def __str__(self) -> str:
        return f"true-up {self.amount} {self.currency} of {self.restates_id} for {self.employee_id}"


class Hold(models.Model):
    """A held payout line: one CSM and plan in one quarter, kept out of the payroll export until released.

    A hold covers the CSM's lines of that plan paid in ``period`` and every true-up of ``period``
    (restating it), wherever paid. Released, what was held in closed quarters is paid in the quarter open
    at the release, as a ``hold release`` line of ``released_amount``.
    """

    period = models.ForeignKey("commissions.Period", on_delete=models.PROTECT, related_name="holds")
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="holds")
    plan = models.ForeignKey("commissions.Plan", on_delete=models.PROTECT, related_name="holds")
    reason = models.TextField()
    held_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    held_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)
    released_in = models.ForeignKey(
        "commissions.Period", null=True, blank=True, on_delete=models.PROTECT, related_name="hold_releases"
    )
    released_amount = models.DecimalField(null=True, blank=True, **MONEY)

    class Meta:
        ordering = ["period_id", "employee_id", "plan_id", "-held_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "employee", "plan"],
                condition=Q(released_at__isnull=True),
                name="hold_one_active_per_line",
            ),
        ]

    def __str__(self) -> str:
        state = "released" if self.released_at else "held"
        return f"hold of {self.employee_id} {self.plan_id} in {self.period_id} ({state})"

    @property
    def is_active(self) -> bool:
        return self.released_at is None


class PayrollExport(models.Model):
    """One download of a closed quarter's payroll (summary or detail): who, when, how many rows.

    Once a quarter's payroll has left Attain, its lines may have been paid: a hold placed afterwards no
    longer keeps them out (design.md §7), so that releasing it never pays a line twice.
    """

    period = models.ForeignKey("commissions.Period", on_delete=models.PROTECT, related_name="payroll_exports")
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exported_at = models.DateTimeField(auto_now_add=True)
    detail = models.BooleanField(default=False)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["period_id", "exported_at"]

    def __str__(self) -> str:
        return f"payroll of {self.period_id} exported at {self.exported_at:%Y-%m-%d %H:%M}"


class PayoutLine(models.Model):
    """One payable line of a closed quarter, written by its close: what payroll pays (DESIGN §6).

    Per CSM and plan: the ``commission`` (the final run's payout), ``true-up`` and ``clawback`` lines
    (per correction), ``hold release`` lines and ``carry-forward`` lines (a negative balance carried in,
    or deferred out so that nothing negative is paid). Their sum is what the CSM is paid for the plan.
    """

    class Type(models.TextChoices):
        COMMISSION = "commission", "Commission"
        TRUE_UP = "true-up", "True-up"
        CLAWBACK = "clawback", "Clawback"
        CARRY_FORWARD = "carry-forward", "Carry-forward"
        HOLD_RELEASE = "hold release", "Hold release"

    period = models.ForeignKey("commissions.Period", on_delete=models.PROTECT, related_name="payout_lines")
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey("commissions.Plan", on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    type = models.CharField(max_length=14, choices=Type.choices)
    amount = models.DecimalField(**MONEY)
    position = models.PositiveSmallIntegerField(default=0)
    restates = models.ForeignKey(
        "commissions.Period", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    correction = models.ForeignKey(
        Correction, null=True, blank=True, on_delete=models.PROTECT, related_name="payout_lines"
    )
    hold = models.ForeignKey(Hold, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cause = models.CharField(max_length=300, blank=True)
    # A negative balance carried in (carry-forward, amount < 0): the line that deferred it out of an
    # earlier quarter (carry-forward, amount > 0). A deferred line with no carry-in is still owed.
    carried_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="carried_into"
    )

    class Meta:
        ordering = ["period_id", "employee_id", "plan_id", "position"]
        indexes = [models.Index(fields=["employee", "type"])]
        triggers = line_triggers()

    def __str__(self) -> str:
        return f"{self.type} {self.amount} {self.currency} ({self.period_id}, {self.employee_id})"
