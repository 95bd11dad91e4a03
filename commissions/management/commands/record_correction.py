from pathlib import Path

from commissions.management.base import AttainCommand
from commissions.services.corrections import FILE_KINDS, record_correction, rows_from_file
from commissions.services.periods import find_period


class Command(AttainCommand):
    help = (
        "Record a correction of a closed quarter (ops) from a CSV in the format of the kind's import, with a "
        "reason; shows the true-ups applying it would pay. Nothing is paid until apply_correction."
    )

    def add_arguments(self, parser):
        parser.add_argument("period", help="the closed quarter, e.g. FY22-Q2")
        parser.add_argument("kind", choices=sorted(FILE_KINDS), help="what the file corrects")
        parser.add_argument("file", help="CSV in the import format of the kind (deals, kpis, fx, …)")
        parser.add_argument("--reason", required=True, help="why (at least 10 characters)")
        parser.add_argument("--user", required=True, help="e-mail of the ops person recording it")

    def handle(self, *args, period, kind, file, reason, user, **options):
        quarter, person = find_period(period), self.user(user)
        rows = rows_from_file(period=quarter, kind=kind, data=Path(file).read_bytes(), user=person)
        correction = record_correction(period=quarter, kind=kind, rows=rows, reason=reason, user=person)
        self.stdout.write(f"Recorded {correction.label} of {quarter.code} ({kind}, pending).")
        self.stdout.write(effect_text(correction.effect))


def effect_text(effect: dict) -> str:
    """The true-ups a correction pays, one line per plan and CSM; "No payout changes." when none."""
    lines = [
        f"  {plan} {eid}: {amount}" for plan, per_csm in effect.items() for eid, amount in per_csm.items()
    ]
    return "Effect:\n" + "\n".join(lines) if lines else "No payout changes."
