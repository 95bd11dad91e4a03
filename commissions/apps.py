from django.apps import AppConfig


class CommissionsConfig(AppConfig):
    name = "commissions"

    def ready(self) -> None:
        # The commission scorecards' daily scores become adoption scores here, where closed quarters
        # are known (docs/design.md §9.5); adoption, below, only tells its listeners.
        from .services import scorecard_feed

        scorecard_feed.register()
