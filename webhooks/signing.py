"""Signing webhook bodies, and checking a signature as a receiver does (docs/webhooks.md "Signature").

The signature is HMAC-SHA256, keyed with the endpoint's secret, over ``f"{timestamp}.{body}"``: the Unix
time of the attempt, a dot, and the exact bytes of the body. It travels as
``Attain-Signature: t=<timestamp>,v1=<hex digest>``; a receiver recomputes it and refuses a timestamp
further than ``tolerance`` seconds from its clock, so a captured request cannot be replayed later.

This module imports nothing of Django: a receiver may copy it as it is.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "Attain-Signature"
SCHEME = "v1"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``f"{timestamp}.".encode() + body`` keyed with ``secret`` (UTF-8)."""
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    """The ``Attain-Signature`` value for ``body`` now (or at ``timestamp``): ``t=<unix>,v1=<hex>``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},{SCHEME}={sign(secret, timestamp, body)}"


def parse_header(header: str) -> tuple[int, list[str]]:
    """``(timestamp, [v1 signatures])`` of an ``Attain-Signature`` value; ``ValueError`` when malformed."""
    timestamp = None
    signatures = []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == SCHEME and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise ValueError("not an Attain-Signature header: expected t=<unix time>,v1=<hex>")
    return timestamp, signatures


def verify_signature(
    secret: str, header: str, body: bytes, tolerance: int = 300, *, now: float | None = None
) -> bool:
    """True when ``header`` (the ``Attain-Signature`` value) signs ``body`` with ``secret`` and its
    timestamp is within ``tolerance`` seconds of ``now`` (default: this machine's clock).

    ``body`` is the raw request body, before any JSON parsing. False for a malformed header, a wrong
    signature or a stale timestamp. Several ``v1=`` values are accepted (any one matching will do).
    """
    try:
        timestamp, signatures = parse_header(header)
    except ValueError:
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body)
    return any(hmac.compare_digest(expected, signature) for signature in signatures)
