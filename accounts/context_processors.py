"""Rights every page's header asks (``accounts.access``): templates show a link only when the right allows."""

from django.http import HttpRequest

from . import access


def rights(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "may_use_admin": user is not None and bool(access.may_use_admin(user)),
        "may_review_snapshots": user is not None and bool(access.may_review_snapshot(user)),
    }
