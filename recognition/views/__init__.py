"""The recognition pages (docs/incentives.md "Contests, wall of fame and nudges"): thin views over
``selectors`` and ``services``. Who may see or do what is ``accounts.access``'s: a person without the right
gets a 403, a contest outside their scope a 404; a service's refusal shows on the form (bad values) or as a
message (a frozen contest, a closed quarter, a step in the wrong status)."""

from .contests import (
    contest_detail,
    contest_event,
    contest_finish,
    contest_metric_events,
    contest_new,
    contest_start,
)
from .home import home
from .nudges import nudge_edit, nudge_new, nudge_switch, nudges, nudges_send
from .wall import fame, needs_attention

__all__ = [
    "contest_detail",
    "contest_event",
    "contest_finish",
    "contest_metric_events",
    "contest_new",
    "contest_start",
    "fame",
    "home",
    "needs_attention",
    "nudge_edit",
    "nudge_new",
    "nudge_switch",
    "nudges",
    "nudges_send",
]
