"""Static files served by the app server itself (whitenoise): no CDN, no separate web server."""

from __future__ import annotations

from whitenoise.middleware import WhiteNoiseMiddleware

ONE_YEAR = 365 * 24 * 60 * 60


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """Whitenoise, with hashed files cached for a year and marked ``immutable`` (rather than whitenoise's
    ten years): collectstatic's manifest names a file by its content, so a name never changes content, and
    a year is the longest lifetime HTTP/1.1 advised (RFC 2616 §14.21). Files under their plain names keep
    ``WHITENOISE_MAX_AGE`` (whitenoise's default: a minute, none with DEBUG on), since they do change."""

    FOREVER = ONE_YEAR
