from django.core.management.base import CommandError

from accounts import access
from commissions.management.base import AttainCommand
from commissions.services.export import require_exportable, write_payouts
from commissions.services.periods import find_period
from core.words import counted


class Command(AttainCommand):
    help = "Payroll CSV of a closed quarter: one row per CSM and plan, or per component with --detail."

    def add_arguments(self, parser):
        parser.add_argument("period", help="e.g. FY22-Q2")
        parser.add_argument("--detail", action="store_true", help="one row per CSM, plan and component")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")
        parser.add_argument("--user", help="e-mail of the person exporting (ops or finance)")

    def handle(self, *args, period, detail=False, output=None, user=None, **options):
        quarter = find_period(period)
        person = self.user(user)
        access.require(access.may_export_payroll(person, quarter))  # before an output file is made
        require_exportable(quarter)  # closed and signed off by finance: no empty file on a refusal
        if output:
            try:
                out = open(output, "w", newline="", encoding="utf-8")  # noqa: SIM115 (closed below)
            except OSError as exc:
                raise CommandError(f"Cannot write {output}: {exc.strerror}.") from exc
            with out:
                rows = write_payouts(quarter, out, detail=detail, user=person)
            self.stderr.write(f"Wrote {counted(rows, 'row')} to {output}.")
        else:
            write_payouts(quarter, self.stdout, detail=detail, user=person)
