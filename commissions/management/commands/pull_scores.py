from commissions.management.base import AttainCommand
from commissions.services.pulls import period_to_pull, pull_scores
from core.words import counted


class Command(AttainCommand):
    help = (
        "Capture each customer's latest score with as_of ≤ the quarter's last day (re-runnable while open)."
    )

    def add_arguments(self, parser):
        parser.add_argument("period", help="e.g. FY22-Q2")
        parser.add_argument("--user", help="e-mail of the person pulling")

    def handle(self, *args, period, user=None, **options):
        pull = pull_scores(period=period_to_pull(period), user=self.user(user))
        customers = counted(pull.customers, "customer")
        self.stdout.write(f"Pulled scores of {customers} for {pull.period.code} (pull #{pull.pk}).")
