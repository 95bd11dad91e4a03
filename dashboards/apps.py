from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DashboardsConfig(AppConfig):
    name = "dashboards"

    def ready(self) -> None:
        from . import signals, stamp

        # After every migrate (every app's), since SQLite drops triggers when it rebuilds a table.
        post_migrate.connect(stamp.install_after_migrate, dispatch_uid="dashboards_inputs_stamp")
        signals.connect()
