"""``python manage.py earn_points [--month YYYY-MM] [--user EMAIL]`` — earn the points rules' points of a
month that is over (docs/design.md §11.4); default last month. Idempotent: a rerun earns nothing twice."""

from datetime import date, timedelta

from django.core.management.base import CommandError
from django.utils import timezone

from commissions.management.base import AttainCommand
from incentives.services.points import earn_points, first_of_month


class Command(AttainCommand):
    help = "Earn every active points rule's points of a month (default last month); nothing twice."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="the month (YYYY-MM), default last month")
        parser.add_argument("--user", help="the ops person running it (e-mail)")

    def handle(self, *args, month=None, user=None, **options):
        if month:
            try:
                month = date.fromisoformat(f"{month}-01")
            except ValueError:
                raise CommandError(f"--month must be a month like 2026-06, not {month!r}.") from None
        else:
            month = first_of_month(first_of_month(timezone.localdate()) - timedelta(days=1))
        run = earn_points(month, user=self.user(user))
        self.stdout.write(
            f"{month:%Y-%m}: {len(run.lots)} lot(s), {run.points} point(s) earned; "
            f"{run.already} earned already."
        )
        for code, reason in run.refused.items():
            self.stderr.write(f"{code}: earned nothing: {reason}")
        if run.refused:
            raise CommandError("Some points rules earned nothing (see above); the others earned.")
