"""Models of a quarter's life: the period's state, score pulls, calculation runs and their results."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from adoption.models import score_field
from core.calendar import PERIOD_RE, FiscalQuarter

from ..engine.quarter import COMPONENT_COLUMNS
from ..frozen import (
    period_triggers,
    pull_triggers,
    pulled_score_triggers,
    result_triggers,
    run_triggers,
)

MONEY = {"max_digits": 18, "decimal_places": 2}
# Ratios keep 20 decimal places: results are shown to 4 and recomputed exactly by the engine.
RATIO = {"max_digits": 40, "decimal_places": 20}


class Period(models.Model):
    """A fiscal quarter: open until ops closes it; closing freezes its pulls, runs and inputs."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    code = models.CharField(max_length=7, unique=True)
    start = models.DateField()
    end = models.DateField()
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=PERIOD_RE.pattern), name="period_code"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="period_end_after_start"),
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_at__isnull=False, closed_by__isnull=False),
                name="period_closed_has_closer",
            ),
        ]
        triggers = period_triggers()

    def __str__(self) -> str:
        return f"{self.code} ({self.status})"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def fiscal_quarter(self) -> FiscalQuarter:
        """The calendar value of this quarter (``core.calendar``), parsed from ``code``."""
        return FiscalQuarter.parse(self.code)

    @property
    def fiscal_year(self) -> str:
        """The code of the fiscal year this quarter belongs to, e.g. ``FY26`` for ``FY26-Q3``."""
        return self.fiscal_quarter.fy.code


class PeriodEvent(models.Model):
    """A close or re-open of a period: who, when, why."""

    class Action(models.TextChoices):
        CLOSED = "closed", "Closed"
        REOPENED = "reopened", "Re-opened"

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=8, choices=Action.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)
    final_runs = models.JSONField(default=list, blank=True, help_text="Runs marked final at this close.")

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.period.code} {self.action} by {self.user_id}"


class ScorePull(models.Model):
    """The quarter-end capture of every customer's latest score with as_of ≤ the quarter's last day.

    Re-runnable while the quarter is open: the latest pull wins, earlier pulls are kept.
    """

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="pulls")
    pulled_at = models.DateTimeField(auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    trigger = models.CharField(max_length=32, default="command")
    customers = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-id"]
        get_latest_by = "id"
        triggers = pull_triggers()

    def __str__(self) -> str:
        return f"pull #{self.pk} of {self.period.code}"


class PulledScore(models.Model):
    """One customer's score as captured by a pull."""

    pull = models.ForeignKey(ScorePull, on_delete=models.CASCADE, related_name="scores")
    customer = models.ForeignKey("adoption.Customer", on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField()
    score = score_field()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pull", "customer"], name="pulledscore_unique")]
        triggers = pulled_score_triggers()

    def __str__(self) -> str:
        return f"{self.customer_id} {self.score} ({self.as_of})"


class Run(models.Model):
    """A versioned calculation of one plan for one quarter; it never overwrites an earlier run."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    plan = models.ForeignKey("commissions.Plan", on_delete=models.PROTECT, related_name="runs")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="runs")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    progress = models.PositiveSmallIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    trigger = models.CharField(max_length=32, default="command")
    pull = models.ForeignKey(ScorePull, null=True, blank=True, on_delete=models.PROTECT, related_name="runs")
    fingerprint = models.CharField(max_length=64)
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    timings = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    is_final = models.BooleanField(default=False)
    # A restatement of a closed quarter (issue 14): its inputs are the final run's plus the applied
    # corrections; never final, never the quarter's current run.
    is_restatement = models.BooleanField(default=False)
    # 0: calculated in one process; N: split by CSM into N shards (RunShard), each its own Celery task.
    shard_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["period_id", "plan_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "period", "version"], name="run_version_unique"),
            models.UniqueConstraint(
                fields=["plan", "period"], condition=Q(is_final=True), name="run_one_final_per_plan_period"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="run_progress_range"),
            models.CheckConstraint(
                condition=~Q(is_restatement=True, is_final=True), name="run_restatement_never_final"
            ),
        ]
        triggers = run_triggers()

    def __str__(self) -> str:
        return f"{self.plan.code} {self.period.code} v{self.version} ({self.status})"

    @property
    def duration_ms(self) -> int | None:
        """Wall time from the run's start to its end (None while it runs)."""
        if self.finished_at is None:
            return None
        return round((self.finished_at - self.created_at).total_seconds() * 1000)


class RunShard(models.Model):
    """One slice of a sharded run: some CSMs, calculated and written by one task, exactly once.

    A shard writes its CSMs' results and turns ``done`` in one transaction, so a worker killed
    mid-shard leaves nothing and the redelivered task starts over; a redelivery after ``done`` does
    nothing.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="shards")
    index = models.PositiveSmallIntegerField()
    employees = models.JSONField(default=list)  # user ids, sorted
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True)  # host:pid of the process that last took it
    warnings = models.JSONField(default=list, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run_id", "index"]
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="runshard_unique")]

    def __str__(self) -> str:
        return f"run {self.run_id} shard {self.index} ({self.status})"


class CustomerResult(models.Model):
    """How one customer of a CSM's book entered adoption in a run (DESIGN §4.3).

    A run writes one row per customer of its plan's books (35,000 at a time at L), so the table has no
    database foreign keys: their per-row checks at commit took 0.45 s of each run. The references
    still hold:
    ``write_results`` takes the keys from the run's own reads of the user and customer tables;
    the ORM refuses (PROTECT) or cascades deletes as below; and the database refuses to delete a
    customer with results (a trigger, migration 0004) or a run or CSM with results (their payouts
    reference them).
    """

    run = models.ForeignKey(
        Run, on_delete=models.CASCADE, related_name="customer_results", db_constraint=False, db_index=False
    )  # indexed by customerresult_unique (run, customer)
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    customer = models.ForeignKey(
        "adoption.Customer", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    baseline = score_field(null=True, blank=True)
    target = score_field(null=True, blank=True)
    score = score_field(null=True, blank=True)
    r = models.DecimalField(null=True, blank=True, **RATIO)
    counted = models.BooleanField()
    reason = models.CharField(max_length=120)
    weight = models.DecimalField(null=True, blank=True, max_digits=40, decimal_places=12)

    class Meta:
        ordering = ["run_id", "employee_id", "customer_id"]
        constraints = [models.UniqueConstraint(fields=["run", "customer"], name="customerresult_unique")]
        triggers = result_triggers("customerresult_closed_quarter")

    def __str__(self) -> str:
        return f"{self.customer_id} r={self.r} ({self.reason})"


class ComponentResult(models.Model):
    """One CSM's line for one component in a run: metric, attainment, factor, share, payout."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="component_results")
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    component = models.CharField(max_length=64)
    metric = models.CharField(max_length=10)
    position = models.PositiveSmallIntegerField(default=0)
    applies = models.BooleanField()
    metric_value = models.DecimalField(null=True, blank=True, **RATIO)
    attainment = models.DecimalField(null=True, blank=True, **RATIO)
    factor = models.DecimalField(null=True, blank=True, **RATIO)
    weight = models.DecimalField(max_digits=12, decimal_places=6)
    share = models.DecimalField(**RATIO)
    payout = models.DecimalField(**MONEY)
    detail = models.JSONField(default=dict, blank=True)

    # The figures of a line, in order: the engine's component columns (``engine.quarter.COMPONENT_COLUMNS``)
    # with the component's position in the plan. The runs service writes them, the API serves them.
    FIGURES = (
        "component",
        "metric",
        "position",
        *(name for name in COMPONENT_COLUMNS if name not in ("employee_id", "component", "metric")),
    )

    class Meta:
        ordering = ["run_id", "employee_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "employee", "component"], name="componentresult_unique")
        ]
        triggers = result_triggers("componentresult_closed_quarter")

    def __str__(self) -> str:
        return f"{self.employee_id} {self.component} {self.payout}"


class Payout(models.Model):
    """A CSM's payout of a run, in the plan's currency: the sum of the rounded component lines."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="payouts")
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payouts")
    on_target_amount = models.DecimalField(max_digits=30, decimal_places=12)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)

    class Meta:
        ordering = ["run_id", "employee_id"]
        constraints = [models.UniqueConstraint(fields=["run", "employee"], name="payout_unique")]
        triggers = result_triggers("payout_closed_quarter")

    def __str__(self) -> str:
        return f"{self.employee_id} {self.amount} {self.currency}"


class QuarterEndJob(models.Model):
    """The quarter-end pull and calculation of a period: one per period, so redelivery does nothing."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    period = models.OneToOneField(Period, on_delete=models.PROTECT, related_name="quarter_end_job")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-queued_at"]

    def __str__(self) -> str:
        return f"quarter-end job {self.period.code} ({self.status})"
