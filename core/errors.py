"""Domain errors. Services raise them; commands, views and the API turn them into messages once."""


class AttainError(Exception):
    """Base of every refusal Attain explains to a person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class SnapshotFrozen(AttainError):
    def __init__(self, fiscal_year: str):
        super().__init__(
            f"The target snapshot of {fiscal_year} is approved and frozen: its targets cannot change."
        )
        self.fiscal_year = fiscal_year


class PeriodClosed(AttainError):
    pass


class MissingFxRate(AttainError):
    pass


class PlanInvalid(AttainError):
    def __init__(self, errors: list[str]):
        super().__init__("The plan is invalid:\n" + "\n".join(f"  - {e}" for e in errors))
        self.errors = errors


class NotAllowed(AttainError):
    """The acting person lacks the role a step needs."""


class NotFound(AttainError):
    pass


class FileTooLarge(AttainError):
    """A file or request body above the ``MAX_UPLOAD_BYTES`` setting."""


class Conflict(AttainError):
    """The object's state refuses the action (already decided, already open, already handled): HTTP 409."""


class ChangedMeanwhile(Conflict):
    """A compare-and-set lost: the object changed since the person read it (with If-Match: HTTP 412)."""
