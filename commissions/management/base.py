"""The base of Attain's commands: domain errors become a clear message and a non-zero exit, once."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from commissions.errors import AttainError


class AttainCommand(BaseCommand):
    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except AttainError as exc:
            raise CommandError(str(exc)) from exc

    def user(self, email: str | None) -> User | None:
        if not email:
            return None
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user with e-mail {email}.")
        return user
