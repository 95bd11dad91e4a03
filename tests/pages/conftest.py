"""The demo company of the team pages, reused by the walk over every page."""

from tests.dashboards_team.conftest import _demo_of_module, demo, on_demo_day  # noqa: F401
