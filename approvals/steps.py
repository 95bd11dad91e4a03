"""A request's workflow (DESIGN §5): the step it waits for and who takes it."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Role

from .models import Request

S = Request.Status


@dataclass(frozen=True)
class Step:
    """Who acts on a request in a given status, and where it goes."""

    role: str
    approved: str


def next_step(request: Request) -> Step | None:
    """The step a request waits for (DESIGN §5), or None when it is final."""
    if request.status == S.PENDING_CCO:
        after = S.PENDING_FINANCE if request.kind == Request.Kind.EXCEPTION else S.APPROVED
        return Step(Role.CCO, after)
    if request.status == S.PENDING_FINANCE:
        return Step(Role.FINANCE, S.APPROVED)
    if request.status == S.APPROVED:
        return Step(Role.OPS, S.APPLIED)
    return None
