"""A computed KPI's payout line explained down to the customers of the CSM's book (DESIGN §4.5): what
the value means (docs/kpis.md), how the quarter measured it, and each customer's inputs on the quarter's
last day — for the statement page and its PDF alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from adoption.kpis import RATIO
from adoption.scoring.measures import to_ratio
from commissions.services.plans import kpi_unit, unit_value_text
from core import formatting as fmt
from dashboards.glossary import kpi_definition, kpi_label
from dashboards.tables import Column, Table

# The raw inputs ``explain_book_kpi`` gives per customer, as the table heads them, with their kind.
INPUT_COLUMNS = {
    "active_users_before": ("Active users 30 days before", "number"),
    "licensed_seats_before": ("Seats 30 days before", "number"),
    "utilisation_before": ("Utilisation 30 days before", "ratio"),
    "active_users": ("Active users", "number"),
    "licensed_seats": ("Seats", "number"),
    "monthly_active_users": ("Monthly active users", "number"),
    "utilisation": ("Utilisation", "ratio"),
    "rise_points": ("Rise (points)", "number"),
    "active_weeks": ("Weeks with active users", "number"),
    "weeks_met": ("Weeks meeting the rule", "number"),
    "weeks": ("Weeks read", "number"),
    "past_onboarding": ("Past onboarding", "text"),
    "qbr_this_quarter": ("QBR this quarter", "text"),
}
MEASURES = {
    "quarter_end": "the value of the quarter's last day",
    "quarter_average": "the mean of the quarter's daily values",
}


@dataclass
class KpiBook:
    """A computed KPI of a statement line: ``code``, ``name`` and ``definition`` (docs/kpis.md), ``unit``
    ("customers" or "ratio"), the ``measure`` and the ``days`` its value is made of, and the book's
    customers on ``day`` (the quarter's last day) with their inputs (``explain_book_kpi`` rows).
    ``error`` says why the customers cannot be listed (a KPI the settings no longer compute)."""

    code: str
    name: str
    definition: str
    unit: str
    measure: str
    day: date
    days: int
    missing_days: int
    rows: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    value: Decimal | None = None  # the run's value of the line

    def _listed(self) -> Decimal | None:
        """The value the listed customers make: the count of those counted, or a ratio of their sums."""
        if self.is_ratio:
            bottom = sum(int(row.get("denominator") or 0) for row in self.rows)
            top = sum(int(row.get("numerator") or 0) for row in self.rows)
            return to_ratio(top, bottom) if bottom else None
        return Decimal(sum(1 for row in self.rows if row.get("counted")))

    @property
    def note(self) -> str:
        """Said when the customers listed now no longer make the run's quarter-end value: the book's usage
        or ownership of that day changed after the run (an average is made of other days too)."""
        if self.error or self.measure != "quarter_end" or self.value is None:
            return ""
        listed = self._listed()
        if listed is None or listed == Decimal(str(self.value)):
            return ""
        run = self.value_text(self.value)
        return (
            f"The customers below make {self.value_text(listed)}, not the run's {run}: "
            f"the book or its usage on {fmt.iso_date(self.day)} changed after this run."
        )

    @property
    def is_ratio(self) -> bool:
        return self.unit == RATIO

    def value_text(self, value) -> str:
        """A value of this KPI as pages write it: a count of customers, or a ratio as a percentage
        (commissions.services.plans.unit_value_text, as every writer of a line's value)."""
        return unit_value_text(value, self.unit)

    @property
    def measure_text(self) -> str:
        """How the quarter's value was measured, with the number of daily values a mean is made of."""
        if self.measure == "quarter_average":
            values = "value" if self.days == 1 else "values"
            text = f"the mean of {self.days} daily {values} of the quarter"
            if self.missing_days:
                text += f" ({self.missing_days} days without a stored value left out)"
            return text + f"; the customers below are those of its last day, {fmt.iso_date(self.day)}"
        return f"the value of the quarter's last day, {fmt.iso_date(self.day)}"

    @property
    def summary(self) -> str:
        """What the rows add up to: the customers counted, or a ratio's two sums."""
        counted = sum(1 for row in self.rows if row.get("counted"))
        if self.is_ratio:
            top = sum(int(row.get("numerator") or 0) for row in self.rows)
            bottom = sum(int(row.get("denominator") or 0) for row in self.rows)
            share = fmt.percent(Decimal(top) / Decimal(bottom)) if bottom else fmt.MISSING
            return (
                f"{counted} of {len(self.rows)} customers have a value that day: "
                f"{fmt.number(top)} ÷ {fmt.number(bottom)} = {share}"
            )
        return f"{counted} of {len(self.rows)} customers of the book count on {fmt.iso_date(self.day)}"

    def table(self, name: str) -> Table:
        """The book's customers with their inputs on ``day``, the counted ones first."""
        counted = "Counted" if not self.is_ratio else "In the sums"
        columns = [Column("customer_id", "Customer"), Column("name", "Name"), Column("counted", counted)]
        present = {key for row in self.rows for key in row}
        columns += [
            Column(key, label, kind) for key, (label, kind) in INPUT_COLUMNS.items() if key in present
        ]
        rows = [
            {
                **row,
                "counted": "yes" if row.get("counted") else "no",
                **{
                    key: ("yes" if row[key] else "no")
                    for key in ("past_onboarding", "qbr_this_quarter")
                    if key in row
                },
            }
            for row in self.rows
        ]
        title = f"{self.name}: the book's customers on {fmt.iso_date(self.day)}"
        return Table(name, title, columns, rows)


def kpi_book(employee_pk: int, detail: dict[str, Any], day: date, value: Decimal | None = None) -> KpiBook:
    """The explanation of a computed KPI line whose stored ``detail`` (``commissions.engine.kpi``) names
    its code, measure and days, for the CSM ``employee_pk`` (a ``User`` pk) on ``day``, the quarter's last
    day. Reads the book's usage of that day (``explain_book_kpi``); a KPI the current settings do not
    compute is explained by its definition only, with ``error`` saying so. ``value``: the line's value in
    the run, which the customers listed are checked against (``note``)."""
    from adoption.portfolio.kpi_selectors import explain_book_kpi

    code = str(detail.get("kpi", ""))
    unit = kpi_unit(code)
    book = KpiBook(
        code=code,
        name=kpi_label(code),
        definition=kpi_definition(code),
        unit=unit,
        measure=str(detail.get("measure") or "quarter_end"),
        day=day,
        days=int(detail.get("days") or 0),
        missing_days=int(detail.get("missing_days") or 0),
        value=value,
    )
    try:
        book.rows = explain_book_kpi(employee_pk, code, day)
    except ValueError as exc:
        book.error = f"The customers cannot be listed: {exc}."
    return book
