"""The suite runs without API rate limits (tests/conftest.py): thousands of requests a minute by a few
reused user ids must never be refused 429 by the order tests happen to run in."""

from rest_framework.settings import api_settings


def test_the_suite_reads_no_rate_limit():
    assert api_settings.DEFAULT_THROTTLE_RATES == {"user": None, "anon": None}
