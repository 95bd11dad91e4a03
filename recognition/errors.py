"""The refusals of contests and nudges (docs/design.md §11.5): domain errors shown as they are."""

from core.errors import AttainError, Conflict


class RecognitionInvalid(AttainError):
    """A contest, an event or a nudge setting asked with bad values; the message lists every problem."""


class ContestFrozen(Conflict):
    """The contest is finished (or the event's quarter is closed): its events and winners never change."""


class WrongStatus(Conflict):
    """The contest is not in the status the step needs."""
