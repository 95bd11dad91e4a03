"""``python manage.py import_csv KIND FILE [--dry-run] [--user EMAIL]`` (DESIGN §3, §6): FILE is CSV or an
Excel .xlsx workbook (its first sheet), told by its content."""

from django.core.management.base import CommandError

from accounts.models import User
from commissions.management.base import AttainCommand
from commissions.services.imports import KINDS, ImportRefused, import_file
from core.errors import AttainError


class Command(AttainCommand):
    help = "Import a CSV or .xlsx file (first sheet) of one kind; a file with any bad row is refused whole."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", help="A CSV file (UTF-8, header row) or an .xlsx workbook.")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report; write nothing.")
        parser.add_argument("--user", help="E-mail of the person importing (recorded with the import).")

    def handle(self, *args, kind: str, file: str, dry_run: bool, user: str | None, **options):
        importer = None
        if user:
            importer = User.objects.filter(email=user.strip().lower()).first()
            if importer is None:
                raise CommandError(f"No user with e-mail {user}.")
        try:
            result = import_file(kind=kind, path=file, user=importer, dry_run=dry_run)
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {file}") from exc
        except ImportRefused as refusal:
            for error in refusal.errors:
                self.stderr.write(str(error))
            if refusal.error_count > len(refusal.errors):
                self.stderr.write(f"… and {refusal.error_count - len(refusal.errors)} more error(s)")
            raise CommandError(
                f"{kind}: {file} refused with {refusal.error_count} error(s); nothing was imported."
            ) from refusal
        except AttainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(result.summary)
