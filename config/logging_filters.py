"""Log filters: a refusal is not a crash.

``django.request`` logs every 403 with the ``PermissionDenied``'s traceback; a person opening a page
their role may not see is expected, so the warning keeps its one line (status, path) and drops the
traceback. 5xx keep theirs.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class RefusalsWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        info = record.exc_info
        if info and info[0] is not None and issubclass(info[0], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
