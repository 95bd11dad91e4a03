"""``python manage.py approve_snapshot FY22 --user EMAIL`` — a CCO approves (freezes) a target snapshot."""

from django.core.management.base import CommandError

from accounts.models import User
from adoption.services import approve_snapshot
from commissions.management.base import AttainCommand
from core.calendar import CalendarError
from core.errors import AttainError


class Command(AttainCommand):
    help = "Approve the draft target snapshot of a fiscal year; from then on its targets are frozen."

    def add_arguments(self, parser):
        parser.add_argument("fiscal_year", help="fiscal year, such as FY22")
        parser.add_argument("--user", required=True, help="e-mail of the approving cco")

    def handle(self, *args, **options):
        email = options["user"].strip()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"There is no user with the e-mail {email}.")
        try:
            snapshot = approve_snapshot(fiscal_year=options["fiscal_year"], user=user)
        except (AttainError, CalendarError) as exc:
            raise CommandError(str(exc)) from exc
        lines = snapshot.lines.count()
        noun = "target line" if lines == 1 else "target lines"
        self.stdout.write(
            self.style.SUCCESS(
                f"Approved the {snapshot.fiscal_year} target snapshot ({lines} {noun}) as {user.email}"
            )
        )
