"""``python manage.py seed_demo [--today YYYY-MM-DD] [--seed N]``: the demo company (demo/company.py)."""

import argparse
from datetime import date

from django.core.management.base import CommandParser

from commissions.management.base import AttainCommand
from demo.company import seed_demo
from demo.incentives import seed_demo_incentives
from demo.quarters import run_demo_quarters
from demo.scorecards import seed_demo_scorecards
from demo.segments import seed_demo_segments
from demo.snapshot import draft_next_year


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a date like 2025-03-14, got {value!r}") from exc


class Command(AttainCommand):
    help = "Seed a realistic demo company (idempotent: does nothing when it is already seeded)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=_date, default=None, help="Pretend today is this date (ISO).")
        parser.add_argument("--seed", type=int, default=7, help="Random seed (default 7).")

    def handle(self, *args, today: date | None = None, seed: int = 7, **options) -> None:
        summary = seed_demo(today=today, seed=seed)

        if summary.already_seeded:
            self.stdout.write(f"The demo company is already seeded; nothing changed ({summary.fiscal_year}).")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seeded the demo company for {summary.fiscal_year} (today {summary.today})."
                )
            )
            if incentives := seed_demo_incentives(today=summary.today, seed=seed):  # before the closes
                self.stdout.write(f"  {incentives}")
            for line in run_demo_quarters(today=summary.today):
                self.stdout.write(f"  {line}")
            if drafted := draft_next_year(summary.fiscal_year):
                self.stdout.write(f"  {drafted}")
            if scored := seed_demo_scorecards(today=summary.today, seed=seed):
                self.stdout.write(f"  {scored}")
            if segmented := seed_demo_segments(today=summary.today):
                self.stdout.write(f"  {segmented}")
        width = max(len(label) for label in summary.counts)
        for label, count in summary.counts.items():
            self.stdout.write(f"  {label:<{width}}  {count:>7,}")

        self.stdout.write("\nDemo logins:")
        email_width = max(len(login.email) for login in summary.logins)
        self.stdout.write(f"  {'role':<8} {'email':<{email_width}}  password")
        for login in summary.logins:
            self.stdout.write(
                f"  {login.role:<8} {login.email:<{email_width}}  {login.password or '(not set)'}"
            )
        if any(login.password is None for login in summary.logins):
            self.stdout.write(
                "Passwords are only set to the demo password when DEBUG is on. "
                "Set one with: python manage.py changepassword EMAIL"
            )
        else:
            self.stdout.write(
                self.style.WARNING("Demo passwords (DEBUG only): never use them in production.")
            )
