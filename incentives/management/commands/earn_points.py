"""``python manage.py earn_points [--month YYYY-MM] [--user EMAIL]`` — earn the points rules' points of a
month that is over (docs/design.md §11.4); default last month. Idempotent: a rerun earns nothing twice."""

from django.core.management.base import CommandError

from commissions.management.base import AttainCommand
from incentives.services.points import earn_points


class Command(AttainCommand):
    help = "Earn every active points rule's points of a month (default last month); nothing twice."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="the month (YYYY-MM), default last month")
        parser.add_argument("--user", help="the ops person running it (e-mail)")

    def handle(self, *args, month=None, user=None, **options):
        month = self.month(month)
        run = earn_points(month, user=self.user(user))
        self.stdout.write(
            f"{month:%Y-%m}: {len(run.lots)} lot(s), {run.points} point(s) earned; "
            f"{run.already} earned already."
        )
        for code, reason in run.refused.items():
            self.stderr.write(f"{code}: earned nothing: {reason}")
        if run.refused:
            raise CommandError("Some points rules earned nothing (see above); the others earned.")
