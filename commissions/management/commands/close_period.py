from commissions.management.base import AttainCommand
from commissions.services.close import close_period
from commissions.services.periods import find_period


class Command(AttainCommand):
    help = "Close a quarter (ops): mark each plan's latest successful run final and freeze the quarter."

    def add_arguments(self, parser):
        parser.add_argument("period", help="e.g. FY22-Q2")
        parser.add_argument("--user", required=True, help="e-mail of the ops person closing")

    def handle(self, *args, period, user, **options):
        runs = close_period(period=find_period(period), user=self.user(user))
        finals = ", ".join(f"{r.plan.code} v{r.version}" for r in runs)
        self.stdout.write(
            f"Closed {period}. Final runs: {finals}. Statements are published and the CSMs e-mailed (links on"
            " SITE_URL); the payroll export opens once finance signs off (sign_off_payouts)."
        )
