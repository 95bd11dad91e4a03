from django.apps import AppConfig
from django.core import checks


def kpi_settings_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """The ``KPI_*`` settings are read at start-up, so a bad one stops ``manage.py check``, ``migrate`` and
    the server with the setting named, instead of failing the daily job later (docs/kpis.md "Settings")."""
    from .portfolio.inputs import KpiSettingsInvalid, kpi_rules

    try:
        kpi_rules()
    except KpiSettingsInvalid as exc:
        return [checks.Error(str(exc), id="attain.E101")]
    return []


class AdoptionConfig(AppConfig):
    name = "adoption"

    def ready(self) -> None:
        # Celery's autodiscovery imports adoption.tasks only; the portfolio's tasks live beside it.
        from . import portfolio_tasks  # noqa: F401

        checks.register(kpi_settings_check)
