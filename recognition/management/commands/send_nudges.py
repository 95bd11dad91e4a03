"""``python manage.py send_nudges [--month YYYY-MM] [--user EMAIL]`` — the bottom-5% nudges of a month that
is over (docs/design.md §11.5), as the 1st's ``month-end-nudges`` job sends them; default the month just
ended. Idempotent: a month is decided once, so a rerun sends nothing and says so."""

from django.core.management.base import CommandError

from commissions.management.base import AttainCommand
from recognition.services.nudges import send_nudges


class Command(AttainCommand):
    help = "Send every enabled nudge config's nudges of a month that is over (default last month); once."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="the month (YYYY-MM), default the month just ended")
        parser.add_argument("--user", help="the ops person or CCO running it (e-mail)")

    def handle(self, *args, month=None, user=None, **options):
        run = send_nudges(self.month(month), user=self.user(user))
        self.stdout.write(run.summary())
        if run.refused:
            raise CommandError(
                f"Nudge configs refused: {', '.join(run.refused)} (see above); the others were sent."
            )
