"""Metrics per person (docs/design.md §11.1), and the choices of the plan escalators gated on them (§11.2)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

METRIC_CODE_RE = r"^[a-z][a-z0-9_]*$"


class PersonMetric(models.Model):
    """One value of a metric for one person on a day or for a month (docs/design.md §11.1): e.g. their
    ``data_quality`` (a percentage) or ``demerits`` (a count). A month's value is stored on its first day
    with ``period`` "month"; a day's with ``period`` "day". One row per person, date and metric, so a
    month's row and a row of its first day are the same row. Values are exact, 0 or more, 4 decimals."""

    class Period(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="person_metrics", db_index=False
    )
    date = models.DateField(help_text="The day, or the first day of the month for a month's value.")
    metric = models.CharField(max_length=64, help_text="A code: lower-case letters, digits and _.")
    period = models.CharField(max_length=5, choices=Period.choices, default=Period.DAY)
    value = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        ordering = ["employee_id", "metric", "date"]
        indexes = [models.Index(fields=["metric", "date"], name="personmetric_metric_date")]
        constraints = [
            models.UniqueConstraint(fields=["employee", "date", "metric"], name="personmetric_natural_key"),
            models.CheckConstraint(condition=Q(value__gte=0), name="personmetric_value_not_negative"),
            models.CheckConstraint(
                condition=Q(metric__regex=METRIC_CODE_RE), name="personmetric_metric_code"
            ),
            models.CheckConstraint(condition=Q(period__in=["day", "month"]), name="personmetric_period"),
            models.CheckConstraint(
                condition=Q(period="day") | Q(date__day=1), name="personmetric_month_on_first_day"
            ),
        ]

    def __str__(self) -> str:
        when = self.date.strftime("%Y-%m") if self.period == self.Period.MONTH else str(self.date)
        return f"{self.employee_id} {when} {self.metric}={self.value}"


# The escalators of a plan (docs/design.md §11.2) live on the plan, ``Plan.escalators``: a list of
# {code, metric, at_least, over, multiplier, applies_to} checked by ``load_plan``. These are their choices.
ESCALATOR_OVER = ("quarter", "months")  # the quarter's mean, or each month's mean in every month
ESCALATOR_TOTAL = "total"  # applies_to: every component, else one component's code
