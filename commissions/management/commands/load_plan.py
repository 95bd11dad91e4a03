"""``python manage.py load_plan FILE`` — create or replace a commission plan from YAML (DESIGN §3, §6)."""

from pathlib import Path

from django.core.management.base import CommandError

from commissions.management.base import AttainCommand
from commissions.services.plans import load_message, upsert_plan
from core.errors import AttainError


class Command(AttainCommand):
    help = "Load a commission plan from a YAML file; every problem of an invalid file is reported."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the plan's YAML file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            loaded = upsert_plan(source=source, file_name=path.name)
        except AttainError as exc:
            raise CommandError(str(exc)) from exc
        message = load_message(loaded, file_name=path.name)
        if loaded.unchanged:
            self.stdout.write(message)
        elif loaded.stale or loaded.crossing:
            self.stdout.write(self.style.WARNING(message))
        else:
            self.stdout.write(self.style.SUCCESS(message))
