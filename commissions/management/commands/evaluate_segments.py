"""``python manage.py evaluate_segments [--day YYYY-MM-DD]`` — evaluate the segments of a day, run their
plays and emit their webhooks (docs/design.md §10.5, §10.6); default yesterday. Each play's effect as of
the day is printed last."""

from datetime import date, timedelta

from django.core.management.base import CommandError
from django.utils import timezone

from adoption.models import Play
from adoption.portfolio.plays import effect_in_words, play_effect
from adoption.portfolio.segments import evaluate_day
from commissions.management.base import AttainCommand


class Command(AttainCommand):
    help = (
        "Evaluate every active segment on a day (default yesterday), run the plays and send the webhooks; "
        "print each play's effect as of the day (docs/segments.md)."
    )

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
        codes = [segment.code for segment in done.evaluation.segments]
        plays = Play.objects.filter(active=True, segment__code__in=codes).select_related("segment")
        for play in plays.order_by("segment__code", "code"):
            effect = effect_in_words(play_effect(play, day))
            self.stdout.write(f"play {play.code} ({play.segment.code}): effect as of {day}: {effect}")
