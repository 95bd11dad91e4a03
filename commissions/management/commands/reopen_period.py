from commissions.management.base import AttainCommand
from commissions.services.close import reopen_period
from commissions.services.periods import find_period


class Command(AttainCommand):
    help = "Re-open a closed quarter (ops) with a reason; the closed runs stay as they were."

    def add_arguments(self, parser):
        parser.add_argument("period", help="e.g. FY22-Q2")
        parser.add_argument("--user", required=True, help="e-mail of the ops person re-opening")
        parser.add_argument("--reason", required=True, help="why the quarter is re-opened")

    def handle(self, *args, period, user, reason, **options):
        reopen_period(period=find_period(period), user=self.user(user), reason=reason)
        self.stdout.write(
            f"Re-opened {period}: its statements are unpublished and finance's sign-off is revoked until it"
            " closes and is signed off again."
        )
