"""Who holds which role (DESIGN §1). Scoping of querysets by role comes with the access module."""

from commissions.errors import NotAllowed

from .models import User


def require_role(user: User, *roles: str, action: str) -> None:
    """Raise ``NotAllowed`` unless ``user`` is active and holds one of ``roles``."""
    if not user.is_active or not any(user.has_role(role) for role in roles):
        wanted = " or ".join(roles)
        raise NotAllowed(f"{user.email} may not {action}: it needs the role {wanted}.")
