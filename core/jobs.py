"""One step of a background job that a page follows (an import job, a statement archive): what a Celery task
does when the step crashes, so the job is never left "running" and the page shows why."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

# Errors worth another try: the database went away for a moment. Anything else is a failure of the job.
TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)


def run_step(task, *, run: Callable[[], str], fail: Callable[[str], None], what: str) -> str:
    """``run()`` as the bound Celery ``task``'s step; returns its status.

    A transient database error is raised again for Celery's retry, and on the last try ``fail(reason)``
    marks the job failed first. Any other error marks it failed with the error's sentence and is raised
    again for the worker's log, except eagerly (no broker): then the page's request is not turned into an
    error page, and "failed" is returned (the job's page shows the failure).
    """
    try:
        return run()
    except TRANSIENT_DB_ERRORS as exc:
        if task.request.retries >= task.max_retries:
            fail(f"The database kept failing: {exc}")
        raise
    except Exception as exc:
        logger.exception("%s failed", what)
        fail(f"{type(exc).__name__}: {exc}")
        if not task.request.is_eager:
            raise
        return "failed"
