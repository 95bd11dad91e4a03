from django.apps import AppConfig


class AdoptionConfig(AppConfig):
    name = "adoption"

    def ready(self) -> None:
        # Celery's autodiscovery imports adoption.tasks only; the portfolio's tasks live beside it.
        from . import portfolio_tasks  # noqa: F401
