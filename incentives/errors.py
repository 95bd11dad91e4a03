"""The refusals of SPIFFs and points (docs/design.md §11.3, §11.4): domain errors the pages and commands
show as they are."""

from core.errors import AttainError, Conflict


class SpiffInvalid(AttainError):
    """A SPIFF or a grant asked with bad values; the message lists every problem."""


class BudgetExceeded(Conflict):
    """A grant would take a SPIFF past its budget (approved amounts counted)."""


class WrongStatus(Conflict):
    """The SPIFF or grant is not in the status the step needs (or it changed meanwhile)."""


class PointsInvalid(AttainError):
    """A points rule, reward or redemption asked with bad values; the message lists every problem."""


class NotEnoughPoints(Conflict):
    """A redemption asks more points than the person has available (balance − reserved)."""
