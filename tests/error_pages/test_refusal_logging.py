"""A 403 is logged as one line, without the PermissionDenied's traceback (config/logging_filters.py)."""

import logging
import sys

from django.core.exceptions import PermissionDenied

from config.logging_filters import RefusalsWithoutTraceback


def _record(exc: BaseException) -> logging.LogRecord:
    try:
        raise exc
    except BaseException:
        info = sys.exc_info()
    return logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: %s", ("/x/",), info)


def test_a_refusal_keeps_its_line_and_drops_its_traceback():
    record = _record(PermissionDenied("The team page is for Geo VPs."))
    assert RefusalsWithoutTraceback().filter(record) is True
    assert record.exc_info is None and record.getMessage() == "Forbidden: /x/"


def test_a_crash_keeps_its_traceback():
    record = _record(RuntimeError("boom"))
    RefusalsWithoutTraceback().filter(record)
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
