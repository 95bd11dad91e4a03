"""``python manage.py load_scorecard FILE --user EMAIL`` — publish a scorecard version
(docs/scorecards.md)."""

from pathlib import Path

from adoption.scorecards.loading import load_scorecard
from commissions.management.base import AttainCommand


class Command(AttainCommand):
    help = (
        "Publish a scorecard version from a YAML file (docs/scorecards.md); the same file again does nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the scorecard's YAML")
        # Scorecards feed commissions: who published a version is always recorded (issue 17).
        parser.add_argument("--user", required=True, help="e-mail of the ops person loading it")

    def handle(self, *args, file, user, **options):
        loaded = load_scorecard(Path(file), user=self.user(user))
        version = loaded.version
        if loaded.created:
            self.stdout.write(
                f"Loaded {version.label}, effective from {version.effective_from}"
                f" ({len(version.definition['criteria'])} criteria)."
            )
        else:
            self.stdout.write(f"{version.label} is loaded already with this content: nothing to do.")
