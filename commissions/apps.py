from django.apps import AppConfig


class CommissionsConfig(AppConfig):
    name = "commissions"

    def ready(self) -> None:
        # The commission scorecards' daily scores become adoption scores here, where closed quarters
        # are known (docs/design.md §9.5); adoption, below, only tells its listeners.
        from .services import scorecard_feed

        scorecard_feed.register()

        # A closed quarter's stored portfolio KPIs are kept as they are (docs/design.md §10.4); adoption
        # asks the checks registered here, since it cannot know of quarters closed above it.
        from adoption.portfolio.kpi_days import register_frozen_days

        from .closed import closed_days

        register_frozen_days(closed_days)
