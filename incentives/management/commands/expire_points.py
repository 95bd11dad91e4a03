"""``python manage.py expire_points [--day YYYY-MM-DD] [--user EMAIL]`` — write off what is left of every
points lot whose last day is before the day (docs/design.md §11.4); default today, never a day after it.
Idempotent."""

from datetime import date

from django.core.management.base import CommandError
from django.utils import timezone

from commissions.management.base import AttainCommand
from incentives.services.points import expire_points


class Command(AttainCommand):
    help = "Expire the points whose last day is before a day (default today); reserved points wait."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="the day (YYYY-MM-DD), default today")
        parser.add_argument("--user", help="the ops person running it (e-mail)")

    def handle(self, *args, day=None, user=None, **options):
        if day:
            try:
                day = date.fromisoformat(day)
            except ValueError:
                raise CommandError(f"--day must be a date like 2026-06-30, not {day!r}.") from None
        else:
            day = timezone.localdate()
        if day > timezone.localdate():  # the service refuses it too; said here in the option's words
            raise CommandError(
                f"--day {day} is after today ({timezone.localdate()}): points expire once their last day "
                "is over, never ahead of time."
            )
        written = expire_points(day, user=self.user(user))
        total = -sum(entry.points for entry in written)
        self.stdout.write(f"{day}: {total} point(s) of {len(written)} lot(s) expired.")
