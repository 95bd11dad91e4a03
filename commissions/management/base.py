"""The base of Attain's commands: domain errors become a clear message and a non-zero exit, once.

Every command runs inside the audit context (docs/audit.md): the command's name, and the id of the
``--user`` it acts as — or, without one, the operating-system user who ran it.
"""

import getpass
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from core.errors import AttainError
from core.history import history_context


class AttainCommand(BaseCommand):
    def execute(self, *args, **options):
        with history_context(**self.audit_context(options)):
            try:
                return super().execute(*args, **options)
            except AttainError as exc:
                raise CommandError(str(exc)) from exc

    def audit_context(self, options: dict) -> dict:
        """Who and what the audit trail records for this command's changes."""
        context = {"command": self.__module__.rsplit(".", 1)[-1]}
        email = options.get("user")
        user_id = None
        if isinstance(email, str) and email.strip():
            user_id = User.objects.filter(email__iexact=email.strip()).values_list("pk", flat=True).first()
        if user_id is not None:
            context["user"] = user_id
        else:
            context["os_user"] = _os_user()
        return context

    def user(self, email: str | None) -> User | None:
        if not email:
            return None
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with e-mail {email}.")
        return user

    def month(self, written: str | None) -> date:
        """The first day of the ``--month`` written ``YYYY-MM``, or — none written — of the month just
        ended. Raises ``CommandError`` naming a value that is no month."""
        if not written:
            return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
        try:
            return date.fromisoformat(f"{written}-01")
        except ValueError:
            raise CommandError(f"--month must be a month like 2026-06, not {written!r}.") from None


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (some containers)
        return "unknown"
