from datetime import date

from django.core.management.base import CommandError

from adoption.tasks import start_computation
from commissions.management.base import AttainCommand


class Command(AttainCommand):
    help = (
        "Compute and store the scorecards' daily scores of the days FROM to TO (both included); computing "
        "a day again stores the same rows. Days keep the version in force unless --version names one."
    )

    def add_arguments(self, parser):
        # --version here is the scorecard version a backfill names (docs/scorecards.md), not Django's
        # --version of the command: let ours replace it (optionals are added through their group).
        parser.conflict_handler = parser._optionals.conflict_handler = "resolve"
        parser.add_argument("first", metavar="FROM", help="first day, e.g. 2026-04-01")
        parser.add_argument("last", metavar="TO", help="last day, e.g. 2026-06-30")
        parser.add_argument("--scorecard", action="append", help="a scorecard code (repeat for several)")
        parser.add_argument("--version", type=int, help="score every day with this version (one scorecard)")
        parser.add_argument(
            "--shards", type=int, default=0, help="split by customer range into this many worker tasks"
        )

    def handle(self, *args, first, last, scorecard=None, version=None, shards=0, **options):
        try:
            first_day, last_day = date.fromisoformat(first), date.fromisoformat(last)
        except ValueError:
            raise CommandError(f"Days are ISO dates such as 2026-04-01, not {first} and {last}.") from None
        queued = start_computation(first_day, last_day, scorecards=scorecard, version=version, shards=shards)
        days = (last_day - first_day).days + 1
        if queued:
            self.stdout.write(f"Queued {queued} tasks for {days} days from {first_day}.")
        else:
            self.stdout.write(f"Computed {days} days from {first_day} to {last_day}.")
