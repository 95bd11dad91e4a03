"""Plans, assignments, deals, KPI actuals, FX rates and import records (DESIGN §3)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Value

from core.calendar import FISCAL_YEAR_RE, PERIOD_RE


class Plan(models.Model):
    """A commission plan for one fiscal year, loaded from YAML (``load_plan``)."""

    class CreditDate(models.TextChoices):
        BOOKED = "booked", "Booking date"
        EFFECTIVE = "effective", "Effective date"

    class Formula(models.TextChoices):
        PROGRESS = "progress", "Progress from baseline to target"
        RATIO = "ratio", "Score over target"

    class Weighting(models.TextChoices):
        ARR = "arr", "By ARR"
        EQUAL = "equal", "Equal"

    class NegativeBalance(models.TextChoices):
        CARRY_FORWARD = "carry_forward", "Carried forward, recovered from later payouts"
        PAY_NEGATIVE = "pay_negative", "Paid negative"

    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    fiscal_year = models.CharField(max_length=4)
    currency = models.CharField(max_length=3)
    credit_date = models.CharField(max_length=10, choices=CreditDate.choices, default=CreditDate.BOOKED)
    # Issue 20: the deal types credited otherwise than ``credit_date`` says, {type: booked | effective}
    # (checked by load_plan); empty: every type by ``credit_date``. db_default as for ``escalators``.
    credit_date_by_type = models.JSONField(
        default=dict, db_default=Value({}, output_field=models.JSONField()), blank=True
    )
    new_customer_window_days = models.PositiveIntegerField(default=90)
    adoption_formula = models.CharField(max_length=10, choices=Formula.choices, default=Formula.PROGRESS)
    adoption_weighting = models.CharField(max_length=10, choices=Weighting.choices, default=Weighting.ARR)
    customer_cap = models.DecimalField(max_digits=8, decimal_places=4, default=Decimal("1.5"))
    # Churn or contraction within this many days of an expansion's credit date recovers that credit
    # (issue 14); None: no clawback.
    clawback_days = models.PositiveIntegerField(null=True, blank=True)
    negative_balance = models.CharField(
        max_length=13, choices=NegativeBalance.choices, default=NegativeBalance.CARRY_FORWARD
    )
    # docs/design.md §11.2: multipliers of a component's (or every component's) factor for the people whose
    # gating person metric reaches a bar; a list of {code, metric, at_least, over, multiplier, applies_to}
    # (numbers as text, exact), checked by load_plan. Empty: no escalator.
    # db_default too: a row written by SQL that names only the older columns (an older extract) has none.
    escalators = models.JSONField(
        default=list, db_default=Value([], output_field=models.JSONField()), blank=True
    )
    source = models.TextField(blank=True, help_text="The YAML the plan was last loaded from.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["fiscal_year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_year__regex=FISCAL_YEAR_RE.pattern), name="plan_fy_code"
            ),
            models.CheckConstraint(condition=Q(customer_cap__gt=0), name="plan_customer_cap_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.fiscal_year}, {self.currency})"


class Component(models.Model):
    """A weighted part of a plan's payout: adoption, NRR or one KPI (DESIGN §3 "Plans")."""

    class Metric(models.TextChoices):
        ADOPTION = "adoption", "Adoption score"
        NRR = "nrr", "Net revenue retention"
        KPI = "kpi", "KPI"

    class Source(models.TextChoices):
        """Where a KPI component's value comes from (DESIGN §3 "Plans", §4.5)."""

        IMPORTED = "imported", "Imported (KPI actuals)"
        COMPUTED = "computed", "Computed by Attain from the CSM's book"

    class Measure(models.TextChoices):
        """Which of the quarter's daily values a computed KPI is measured on (DESIGN §4.5)."""

        QUARTER_END = "quarter_end", "On the quarter's last day"
        QUARTER_AVERAGE = "quarter_average", "Mean of the quarter's daily values"

    class Direction(models.TextChoices):
        """Whether a higher or a lower KPI value is better (DESIGN §4.5, §10.3)."""

        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="components")
    code = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0)
    metric = models.CharField(max_length=10, choices=Metric.choices)
    kpi = models.CharField(max_length=64, blank=True, help_text="KPI code, for KPI components.")
    weight = models.DecimalField(max_digits=12, decimal_places=6)
    goal = models.DecimalField(max_digits=16, decimal_places=6, null=True, blank=True)
    floor = models.DecimalField(max_digits=16, decimal_places=6, null=True, blank=True)
    threshold = models.DecimalField(max_digits=12, decimal_places=6, default=Decimal("0"))
    accelerator = models.DecimalField(max_digits=12, decimal_places=6, default=Decimal("1"))
    cap = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.IMPORTED)
    measure = models.CharField(
        max_length=16, choices=Measure.choices, blank=True, help_text="Computed KPIs only."
    )
    direction = models.CharField(max_length=6, choices=Direction.choices, default=Direction.HIGHER)
    ceiling = models.DecimalField(
        max_digits=16,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="Lower is better: the value at which attainment falls to 0 (above the goal).",
    )

    class Meta:
        ordering = ["plan_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="component_natural_key"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="component_weight_positive"),
            models.CheckConstraint(
                condition=Q(metric__in=["adoption", "nrr", "kpi"]), name="component_metric"
            ),
            models.CheckConstraint(condition=~Q(metric="kpi") | ~Q(kpi=""), name="component_kpi_code"),
            models.CheckConstraint(condition=Q(threshold__gte=0), name="component_threshold_not_negative"),
            models.CheckConstraint(
                condition=Q(accelerator__gte=0), name="component_accelerator_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(cap__gte=models.F("threshold")),
                name="component_cap_ge_threshold",
            ),
            # DESIGN §3 "Plans": a computed KPI has a measure, an imported value none.
            models.CheckConstraint(
                condition=Q(source="imported", measure="")
                | Q(source="computed", metric="kpi", measure__in=["quarter_end", "quarter_average"]),
                name="component_source_measure",
            ),
            # DESIGN §10.3: lower is better needs a ceiling above the goal; higher is better has none.
            models.CheckConstraint(
                condition=Q(direction="higher", ceiling__isnull=True)
                | Q(direction="lower", metric="kpi", ceiling__isnull=False),
                name="component_direction_ceiling",
            ),
            models.CheckConstraint(
                condition=Q(goal__isnull=True) | Q(ceiling__isnull=True) | Q(ceiling__gt=models.F("goal")),
                name="component_ceiling_above_goal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.code}/{self.code}"


class Assignment(models.Model):
    """An employee on a plan from ``start_date`` to ``end_date`` (open when empty); OTI is per quarter."""

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="assignments")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    on_target_amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    nrr_goal = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    kpi_goal = models.DecimalField(max_digits=16, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["employee_id", "plan_id", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "plan", "start_date"], name="assignment_natural_key"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="assignment_end_after_start",
            ),
            models.CheckConstraint(condition=Q(on_target_amount__gte=0), name="assignment_oti_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.employee} on {self.plan.code} from {self.start_date}"


class Deal(models.Model):
    """A renewal, expansion, contraction or churn changing a customer's ARR by ``arr_delta``."""

    class Type(models.TextChoices):
        RENEWAL = "renewal", "Renewal"
        EXPANSION = "expansion", "Expansion"
        CONTRACTION = "contraction", "Contraction"
        CHURN = "churn", "Churn"

    deal_id = models.CharField(max_length=64, unique=True)
    # No index of its own: the (customer, booked_on) index starts with it.
    customer = models.ForeignKey(
        "adoption.Customer", on_delete=models.PROTECT, related_name="deals", db_index=False
    )
    type = models.CharField(max_length=12, choices=Type.choices)
    arr_delta = models.DecimalField(max_digits=18, decimal_places=2)
    currency = models.CharField(max_length=3)
    booked_on = models.DateField()
    effective_on = models.DateField()

    class Meta:
        ordering = ["booked_on", "deal_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(type="renewal")
                | Q(type="expansion", arr_delta__gt=0)
                | Q(type__in=["contraction", "churn"], arr_delta__lt=0),
                name="deal_sign_matches_type",
            ),
        ]
        indexes = [models.Index(fields=["customer", "booked_on"]), models.Index(fields=["effective_on"])]

    def __str__(self) -> str:
        return f"{self.deal_id} {self.type} {self.arr_delta} {self.currency}"


class KpiActual(models.Model):
    """The value an employee reached on a KPI in a quarter."""

    period = models.CharField(max_length=7)
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="kpi_actuals"
    )
    kpi = models.CharField(max_length=64)
    value = models.DecimalField(max_digits=18, decimal_places=6)

    class Meta:
        ordering = ["period", "employee_id", "kpi"]
        verbose_name = "KPI actual"
        constraints = [
            models.UniqueConstraint(fields=["period", "employee", "kpi"], name="kpi_natural_key"),
            models.CheckConstraint(condition=Q(period__regex=PERIOD_RE.pattern), name="kpi_period_code"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.employee_id} {self.kpi}={self.value}"


class FxRate(models.Model):
    """Units of the base currency per one unit of ``currency`` for a quarter (DESIGN §3 `fx`)."""

    period = models.CharField(max_length=7)
    currency = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=24, decimal_places=10)

    class Meta:
        ordering = ["period", "currency"]
        verbose_name = "FX rate"
        constraints = [
            models.UniqueConstraint(fields=["period", "currency"], name="fx_natural_key"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="fx_rate_positive"),
            models.CheckConstraint(condition=Q(period__regex=PERIOD_RE.pattern), name="fx_period_code"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.currency} {self.rate}"


class ImportRecord(models.Model):
    """One run of ``import_csv``: who, when, which file, what it did, and the errors that refused it."""

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        DRY_RUN = "dry_run", "Dry run"
        REFUSED = "refused", "Refused"

    kind = models.CharField(max_length=16)
    file_name = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="imports"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["kind", "-started_at"]), models.Index(fields=["sha256"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.status})"

    @property
    def error_count(self) -> int:
        """Every error of the file: ``errors`` keeps the first ones and, when there were more, a last
        entry with their ``total`` (commissions.services.imports)."""
        errors = self.errors or []
        if errors and isinstance(errors[-1], dict) and "total" in errors[-1]:
            return errors[-1]["total"]
        return len(errors)
