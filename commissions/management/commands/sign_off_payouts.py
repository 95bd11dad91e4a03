from commissions.management.base import AttainCommand
from commissions.services.periods import find_period
from commissions.services.signoff import sign_off_payouts


class Command(AttainCommand):
    help = "Sign off a closed quarter's payouts (finance) with a comment; the payroll export waits for it."

    def add_arguments(self, parser):
        parser.add_argument("period", help="e.g. FY22-Q2")
        parser.add_argument("--user", required=True, help="e-mail of the finance person signing off")
        parser.add_argument("--comment", required=True, help="what was reviewed (10–2,000 characters)")

    def handle(self, *args, period, user, comment, **options):
        done = sign_off_payouts(period=find_period(period), user=self.user(user), comment=comment)
        totals = "; ".join(
            f"{plan} {amount} {currency}"
            for plan, by in done.totals.items()
            for currency, amount in by.items()
        )
        self.stdout.write(
            f"Signed off the payouts of {period}: {totals or 'nothing payable'}. Payroll can be exported."
        )
