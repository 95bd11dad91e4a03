from django.core.management.base import CommandError

from commissions.management.base import AttainCommand
from commissions.models import Correction
from commissions.services.corrections import apply_correction, pending_corrections
from commissions.services.periods import find_period


class Command(AttainCommand):
    help = (
        "Apply a pending correction (ops): restate its closed quarter and pay the differences as true-ups in "
        "the next open quarter. Without an id, lists the pending corrections."
    )

    def add_arguments(self, parser):
        parser.add_argument("correction", nargs="?", type=int, help="the correction's number")
        parser.add_argument("--user", help="e-mail of the ops person applying it")
        parser.add_argument("--period", help="list only the pending corrections of this closed quarter")

    def handle(self, *args, correction=None, user=None, period=None, **options):
        if correction is None:
            pending = pending_corrections(find_period(period) if period else None)
            for each in pending:
                self.stdout.write(f"#{each.pk} {each.period.code} {each.kind}: {each.reason}")
            if not pending:
                self.stdout.write("No pending corrections.")
            return
        if not user:
            raise CommandError("--user is required to apply a correction.")
        found = Correction.objects.filter(pk=correction).select_related("period").first()
        if found is None:
            raise CommandError(f"No correction #{correction}.")
        trueups = apply_correction(correction=found, user=self.user(user))
        if not trueups:
            self.stdout.write(f"{found.label} is applied; no payout changes.")
            return
        self.stdout.write(
            f"Applied {found.label}: {len(trueups)} true-up line(s) paid in {trueups[0].paid_in.code}:"
        )
        for t in trueups:
            self.stdout.write(
                f"  {t.employee.employee_id} {t.plan.code} {t.component}: {t.amount} {t.currency}"
            )
