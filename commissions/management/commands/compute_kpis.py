"""``python manage.py compute_kpis FROM [TO]`` — compute and store the portfolio KPIs (per CSM, geo and
company) of days that have ended; days a closed quarter read are kept as stored (docs/kpis.md)."""

from datetime import date

from django.core.management.base import CommandError

from adoption.portfolio.kpi_days import (
    compute_kpi_days,
    kept_days,
    refuse_days_not_ended,
    refuse_days_out_of_range,
)
from commissions.management.base import AttainCommand


class Command(AttainCommand):
    help = (
        "Compute and store the portfolio KPIs of the days FROM to TO (both included, up to yesterday; TO "
        "defaults to FROM). Computing a day again stores the same rows; a day of a closed quarter that "
        "already has rows is kept as stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("first", metavar="FROM", help="first day, e.g. 2026-04-01")
        parser.add_argument("last", metavar="TO", nargs="?", help="last day, e.g. 2026-06-30 (default FROM)")

    def handle(self, *args, first, last=None, **options):
        first_day = _day("FROM", first)
        last_day = _day("TO", last) if last else first_day
        if first_day > last_day:
            raise CommandError(f"FROM {first_day} is after TO {last_day}: give the earlier day first.")
        refuse_days_out_of_range(first_day)
        refuse_days_not_ended(first_day, last_day)
        kept = kept_days(first_day, last_day)
        written = compute_kpi_days(first_day, last_day)
        days = (last_day - first_day).days + 1
        span = f"{first_day}" if days == 1 else f"{_count(days, 'day')} from {first_day} to {last_day}"
        rows = _count(written, "KPI row")
        if not kept:
            self.stdout.write(f"Computed {span}: {rows} written.")
        elif len(kept) < days:
            self.stdout.write(f"Computed {days - len(kept):,} of the {span}: {rows} written.")
        else:
            self.stdout.write(f"Nothing computed for {span}.")
        if kept:
            listed = ", ".join(f"{day} ({quarter})" for day, quarter in kept.items())
            self.stdout.write(f"Kept as stored, in closed quarters: {listed}.")


def _day(name: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{name} is an ISO date such as 2026-04-01, not {text}.") from None


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
