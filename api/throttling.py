"""Rate limits of the API: per user when signed in, per client address when not.

The rates are ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (``user``, ``anon``), set in config/settings.py
from ``API_THROTTLE_USER`` and ``API_THROTTLE_ANON``; a rate of None lifts the limit. A refused request
is a 429 in the error shape with ``Retry-After`` (api.errors). Counts live in the default cache (Redis
when REDIS_URL is set, so every app server counts alike).
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _RatesReadNow:
    # DRF reads the rates once, at import (a class attribute); reading them per request lets a changed
    # setting (a test's override, say) take effect.
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class UserThrottle(_RatesReadNow, UserRateThrottle):
    """``API_THROTTLE_USER`` requests per person (by their id), e.g. 600/min."""


class AnonThrottle(_RatesReadNow, AnonRateThrottle):
    """``API_THROTTLE_ANON`` requests per client address without a token, e.g. 60/min."""
