"""What the console shows of a closed quarter's publication (DESIGN §5): the e-mails its close sent, and
the ZIP of every statement for whoever may download it (``access.may_download_statements``)."""

from django import template

from accounts import access
from dashboards.publication import notices_sent

register = template.Library()


@register.simple_tag
def statements_publication(period, user) -> dict:
    """``{"sent": n, "paid": m, "may_download": bool}``; ``sent`` and ``paid`` are None while open."""
    counts = notices_sent(period)
    return {
        "sent": counts[0] if counts else None,
        "paid": counts[1] if counts else None,
        "may_download": bool(access.may_download_statements(user, period)),
    }
