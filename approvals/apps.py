from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "Requests and inquiries"

    def ready(self) -> None:
        # Commissions reads applied adjustments and waits for open requests through its hooks, so that
        # it never imports this app above it (docs/architecture.md).
        from commissions import hooks

        from .services import applied_adjustments, open_requests_blocking_close

        hooks.register_adjustment_source(applied_adjustments)
        hooks.register_close_blocker(open_requests_blocking_close)
