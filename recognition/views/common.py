"""What every recognition page does alike: ask ``accounts.access`` and turn a refusal into a 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from accounts.access import Decision


def require(decision: Decision) -> None:
    """A 403 with the refusal's sentence unless ``decision`` allows."""
    if not decision:
        raise PermissionDenied(decision.reason)
