from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    """Contests, the wall of fame and the bottom-5% nudges (docs/design.md §11.5)."""

    name = "recognition"
    verbose_name = "Recognition"
