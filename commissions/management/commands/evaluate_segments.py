"""``python manage.py evaluate_segments [--day YYYY-MM-DD]`` — evaluate the segments of a day, run their
plays and emit their webhooks (docs/design.md §10.5, §10.6); default yesterday."""

from datetime import date, timedelta

from django.core.management.base import CommandError
from django.utils import timezone

from adoption.portfolio.segments import evaluate_day
from commissions.management.base import AttainCommand


class Command(AttainCommand):
    help = "Evaluate every active segment on a day (default yesterday), run the plays and send the webhooks."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="the day to evaluate (YYYY-MM-DD), default yesterday")

    def handle(self, *args, day=None, **options):
        if day:
            try:
                day = date.fromisoformat(day)
            except ValueError:
                raise CommandError(f"--day must be a date like 2026-06-30, not {day!r}.") from None
        else:
            day = timezone.now().date() - timedelta(days=1)
        done = evaluate_day(day)
        for segment in done.evaluation.segments:
            again = " (evaluated already: unchanged)" if segment.already else ""
            self.stdout.write(
                f"{segment.code}: {segment.members} member(s), {segment.entered} entered, "
                f"{segment.left} left{again}"
            )
        self.stdout.write(
            f"{day}: {done.tasks} task(s) and {done.notifications} e-mail(s) to account executives made, "
            f"{done.deliveries} webhook delivery(ies) recorded"
            + (f"; {done.unassigned} entering customer(s) had no CSM, so no task" if done.unassigned else "")
            + "."
        )
