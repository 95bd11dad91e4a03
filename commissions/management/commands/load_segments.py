"""``python manage.py load_segments FILE.yaml [--user EMAIL]`` — create or update segments and their plays
by code (docs/segments.md, docs/design.md §10.5)."""

from pathlib import Path

from adoption.portfolio.segment_loading import load_segments
from commissions.management.base import AttainCommand


class Command(AttainCommand):
    help = (
        "Create or update segments and their plays from a YAML file, by code (docs/segments.md); the same "
        "file again does nothing. Every problem of the file is listed at once and nothing is loaded then."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the segments' YAML (docs/segments.md)")
        parser.add_argument("--user", help="e-mail of the ops person loading it (recorded on new segments)")

    def handle(self, *args, file, user=None, **options):
        loaded = load_segments(Path(file), user=self.user(user))
        if loaded.empty:
            self.stdout.write(f"{file} lists no segments (segments: []): nothing was created or changed.")
            return
        for label, codes in (("Created", loaded.created), ("Updated", loaded.updated)):
            if codes:
                self.stdout.write(f"{label} {', '.join(codes)}.")
        if loaded.unchanged and not (loaded.created or loaded.updated):
            self.stdout.write(
                f"Nothing to do: {', '.join(loaded.unchanged)} are loaded already as the file says."
            )
        elif loaded.unchanged:
            self.stdout.write(f"Unchanged {', '.join(loaded.unchanged)}.")
        for note in loaded.notes:
            self.stdout.write(f"Note: {note}")
