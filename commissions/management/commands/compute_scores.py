"""``python manage.py compute_scores FROM TO [--scorecard CODE] [--version N] [--shards N]`` — compute and
store the scorecards' daily scores of days that have ended (docs/scorecards.md)."""

from datetime import date

from django.core.management.base import CommandError

from adoption.scorecards.computing import compute_days, refuse_days_not_ended
from adoption.tasks import start_computation
from commissions.management.base import AttainCommand


class Command(AttainCommand):
    help = (
        "Compute and store the scorecards' daily scores of the days FROM to TO (both included, up to "
        "yesterday); computing a day again stores the same rows. Days keep the version in force unless "
        "--version names one."
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
        first_day, last_day = _day("FROM", first), _day("TO", last)
        if first_day > last_day:
            raise CommandError(f"FROM {first_day} is after TO {last_day}: give the earlier day first.")
        refuse_days_not_ended(first_day, last_day)
        days = (last_day - first_day).days + 1
        span = f"{_count(days, 'day')} from {first_day} to {last_day}"
        if shards > 1:
            queued = start_computation(
                first_day, last_day, scorecards=scorecard, version=version, shards=shards
            )
            self.stdout.write(f"Queued {_count(queued, 'task')} for {span}.")
            return
        computed = compute_days(first_day, last_day, scorecards=scorecard, version=version)
        if not computed.versions:
            self.stdout.write(f"No scorecard is in force on the {span}: nothing was computed.")
            return
        written = sum(computed.rows.values())
        used = "; ".join(
            f"{code} v{', v'.join(str(n) for n in numbers)}" for code, numbers in computed.versions.items()
        )
        self.stdout.write(f"Computed {span}: {_count(written, 'score')} written by {used}.")


def _day(name: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{name} is an ISO date such as 2026-04-01, not {text}.") from None


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
