from django.core.management.base import CommandError

from accounts.models import User
from commissions.management.base import AttainCommand
from commissions.models import Hold, Plan
from commissions.services.holds import hold_line, release_hold
from commissions.services.periods import find_period


class Command(AttainCommand):
    help = (
        "Hold a CSM's payout line of a plan in a quarter (ops or finance), leaving it out of the payroll "
        "export, or release it with --release."
    )

    def add_arguments(self, parser):
        parser.add_argument("period", help="e.g. FY22-Q2")
        parser.add_argument("employee_id")
        parser.add_argument("plan", help="plan code")
        parser.add_argument("--reason", required=True, help="why (a hold needs at least 10 characters)")
        parser.add_argument("--user", required=True, help="e-mail of the ops or finance person")
        parser.add_argument("--release", action="store_true", help="release the line's active hold")

    def handle(self, *args, period, employee_id, plan, reason, user, release=False, **options):
        quarter, person = find_period(period), self.user(user)
        employee = User.objects.filter(employee_id=employee_id).first()
        if employee is None:
            raise CommandError(f"No employee {employee_id}.")
        found = Plan.objects.filter(code=plan).first()
        if found is None:
            raise CommandError(f"No plan {plan}.")
        if not release:
            hold_line(period=quarter, employee=employee, plan=found, reason=reason, user=person)
            self.stdout.write(f"Held {employee_id}'s {plan} line of {quarter.code}.")
            return
        hold = Hold.objects.filter(
            period=quarter, employee=employee, plan=found, released_at__isnull=True
        ).first()
        if hold is None:
            raise CommandError(f"{employee_id}'s {plan} line of {quarter.code} is not held.")
        hold = release_hold(hold=hold, user=person, reason=reason)
        paid = f"; {hold.released_amount} paid in {hold.released_in.code}" if hold.released_in else ""
        self.stdout.write(f"Released the hold of {employee_id}'s {plan} line of {quarter.code}{paid}.")
