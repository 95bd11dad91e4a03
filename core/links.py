"""Absolute links for what leaves the site (e-mails, PDFs): the ``SITE_URL`` setting plus a path."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """``SITE_URL`` + ``path`` (``/requests/1/`` -> ``https://attain.example.com/requests/1/``).

    ``path`` is a site path starting with ``/`` (from ``reverse``); a full URL is returned as it is.
    """
    if path.startswith(("http://", "https://")):
        return path
    if not path.startswith("/"):
        raise ValueError(f"a site path starts with '/': {path!r}")
    return settings.SITE_URL.rstrip("/") + path
