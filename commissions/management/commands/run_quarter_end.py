from commissions.management.base import AttainCommand
from commissions.services.quarter_end import run_quarter_end


class Command(AttainCommand):
    help = "Run the quarter-end job (pull and calculate every plan) for any quarter, now, in this process."

    def add_arguments(self, parser):
        parser.add_argument("period", help="e.g. FY22-Q2")

    def handle(self, *args, period, **options):
        job = run_quarter_end(period_code=period)
        self.stdout.write(f"Quarter-end job of {job.period.code}: {job.status}.")
