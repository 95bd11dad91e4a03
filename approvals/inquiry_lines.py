"""Which statement lines a CSM may ask about (docs/design.md §5 "Inquiries"): a line of their own
statement of the quarter, as the statement's "Ask about this line" links name it — a component code of a
plan they are assigned to in the quarter (``ADOPTION``), or a payable line as "<type> (<plan code>)"
(``True-up (CS-FY22)``). A name outside those is refused rather than filed as a line nobody can find.
"""

from __future__ import annotations

from django.db.models import Q

from accounts.models import User
from commissions.models import Assignment, Component, PayoutLine, Period
from core.errors import AttainError


def lines_of(user: User, period: Period) -> set[str]:
    """The statement lines ``user`` may name for ``period``: component codes and "<type> (<plan>)"."""
    assigned = Assignment.objects.filter(employee=user, start_date__lte=period.end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=period.start)
    )
    plans = set(assigned.values_list("plan__code", flat=True))
    codes = set(Component.objects.filter(plan__code__in=plans).values_list("code", flat=True))
    payable = {f"{label} ({plan})" for plan in plans for _value, label in PayoutLine.Type.choices}
    return codes | payable


def statement_line(user: User, period: Period, component: str) -> str:
    """``component`` as ``user``'s statement of ``period`` names it (matched without regard to case:
    "Adoption" is the line ``ADOPTION``). Raises ``AttainError`` naming the problem when it is no such
    line."""
    known = {line.casefold(): line for line in lines_of(user, period)}
    if (line := known.get(component.casefold())) is not None:
        return line
    if not known:
        raise AttainError(f"You have no plan in {period.code}, so there is no statement line to ask about.")
    examples = ", ".join(sorted(known.values())[:4])
    raise AttainError(
        f"“{component}” is not a line of your {period.code} statement: name one such as {examples}."
    )
