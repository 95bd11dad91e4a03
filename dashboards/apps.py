from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DashboardsConfig(AppConfig):
    name = "dashboards"

    def ready(self) -> None:
        from accounts.context_processors import register_places
        from commissions import hooks

        from . import publication, signals, stamp, views

        # Closing a quarter publishes its statements: an e-mail to each CSM, queued once the close commits.
        hooks.register_close_listener(publication.on_close)

        # After every migrate (every app's), since SQLite drops triggers when it rebuilds a table.
        post_migrate.connect(stamp.install_after_migrate, dispatch_uid="dashboards_inputs_stamp")
        signals.connect()
        # Every page's header links to the pages the home page lists (DESIGN §1).
        register_places(views.places_for)
