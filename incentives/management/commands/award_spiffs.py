"""``python manage.py award_spiffs [--day YYYY-MM-DD] [--spiff CODE ...] [--user EMAIL]`` — award every
approved rule SPIFF's qualifying events through a day (docs/design.md §11.3); default yesterday, as the
nightly ``award-spiffs`` job. Idempotent: a rerun awards nothing twice."""

from datetime import date

from django.core.management.base import CommandError

from commissions.management.base import AttainCommand
from core import formatting as fmt
from incentives.jobs import award_approved_spiffs, yesterday
from incentives.models import Spiff


class Command(AttainCommand):
    help = "Award the approved rule SPIFFs' qualifying events through a day (default yesterday)."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="the last day awarded (YYYY-MM-DD), default yesterday")
        parser.add_argument("--spiff", action="append", help="only this SPIFF (its code); repeatable")
        parser.add_argument("--user", help="the ops person running it (e-mail)")

    def handle(self, *args, day=None, spiff=None, user=None, **options):
        if day:
            try:
                day = date.fromisoformat(day)
            except ValueError:
                raise CommandError(f"--day must be a date like 2026-06-30, not {day!r}.") from None
        else:
            day = yesterday()
        if spiff:
            runnable = set(
                Spiff.objects.filter(
                    code__in=spiff, status=Spiff.Status.APPROVED, kind=Spiff.Kind.RULE
                ).values_list("code", flat=True)
            )
            unknown = [code for code in spiff if code not in runnable]
            if unknown:
                raise CommandError(f"No approved rule SPIFF {', '.join(unknown)}: nothing awarded.")
        run = award_approved_spiffs(day, user=self.user(user), codes=spiff)
        if not run.outcomes:
            self.stdout.write(f"{day}: no approved rule SPIFF has started; nothing to award.")
        for o in run.outcomes:
            if o.refused:
                self.stderr.write(f"{o.code}: not awarded: {o.refused}")
                continue
            closed = f"; {o.closed} event(s) of a closed quarter not written" if o.closed else ""
            self.stdout.write(
                f"{o.code} through {day}: {o.written} award(s), {fmt.money(o.funded, o.currency)} "
                f"funded{closed}."
            )
        if any(o.refused for o in run.outcomes):
            raise CommandError("Some SPIFFs were not awarded (see above); the others were.")
