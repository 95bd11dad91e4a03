"""Database triggers that keep a closed quarter as it was closed (DESIGN §5 "Quarter close").

PostgreSQL only (django-pgtrigger; SQLite, the demo default, relies on the services and the admin).
Below the ORM, raw SQL included, nothing updates or deletes:

- a finished run of a closed quarter (one still running may finish or fail: closing froze only the
  successful runs, and a sharded run's last shard may land after the close), nor the customer
  results, component results and payouts of its successful runs;
- a closed quarter's score pulls and pulled scores;
- a closed period's row — except its re-open (``reopening``), which sets the transaction-local
  ``attain.reopen`` for its one UPDATE.

"Closed" is the state before the statement (OLD): closing itself marks runs final while the quarter is
still open, then closes the period row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pgtrigger
from django.db import connection

CLOSED_MESSAGE = "quarter is closed: its runs, results, payouts and pulls cannot change (re-open it first)"
PERIOD_MESSAGE = "quarter is closed: only its re-open (with a reason) changes it"
REOPEN_SETTING = "attain.reopen"

_RAISE = f"RAISE EXCEPTION '{CLOSED_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';"
_RETURN = "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;"


def _trigger(name: str, closed: str) -> pgtrigger.Trigger:
    """BEFORE UPDATE OR DELETE, refused when the SQL condition ``closed`` holds for the OLD row."""
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Update | pgtrigger.Delete,
        func=f"IF {closed} THEN {_RAISE} END IF; {_RETURN}",
    )


_SUCCESSFUL_RUN_OF_CLOSED = """EXISTS (
    SELECT 1 FROM commissions_run r JOIN commissions_period p ON p.id = r.period_id
    WHERE r.id = OLD.run_id AND r.status = 'succeeded' AND p.status = 'closed')"""


def run_triggers() -> list:
    closed = """OLD.status <> 'running' AND EXISTS (
        SELECT 1 FROM commissions_period p WHERE p.id = OLD.period_id AND p.status = 'closed')"""
    return [_trigger("run_closed_quarter", closed)]


def result_triggers(name: str) -> list:
    """For customer results, component results and payouts: rows of a successful run of a closed quarter
    (a failed run has none: failing a sharded run removes what its shards wrote)."""
    return [_trigger(name, _SUCCESSFUL_RUN_OF_CLOSED)]


def pull_triggers() -> list:
    closed = "EXISTS (SELECT 1 FROM commissions_period p WHERE p.id = OLD.period_id AND p.status = 'closed')"
    return [_trigger("scorepull_closed_quarter", closed)]


def pulled_score_triggers() -> list:
    closed = """EXISTS (
        SELECT 1 FROM commissions_scorepull s JOIN commissions_period p ON p.id = s.period_id
        WHERE s.id = OLD.pull_id AND p.status = 'closed')"""
    return [_trigger("pulledscore_closed_quarter", closed)]


def period_triggers() -> list:
    func = f"""
        IF TG_OP = 'DELETE' OR NEW.status <> 'open'
           OR COALESCE(current_setting('{REOPEN_SETTING}', true), '') <> 'on' THEN
            RAISE EXCEPTION '{PERIOD_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        {_RETURN}
    """
    return [
        pgtrigger.Trigger(
            name="period_closed",
            when=pgtrigger.Before,
            operation=pgtrigger.Update | pgtrigger.Delete,
            condition=pgtrigger.Q(old__status="closed"),
            func=func,
        )
    ]


@contextmanager
def reopening() -> Iterator[None]:
    """Let the period trigger pass the re-open's UPDATE; must run inside the re-open's transaction."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [REOPEN_SETTING])
    yield  # on an error the transaction rolls back, and the setting with it
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'off', true)", [REOPEN_SETTING])


def _closed(period_column: str) -> str:
    """SQL: the period in the row's ``period_column`` (a fixed column name of ours) is closed."""
    return (
        "EXISTS (SELECT 1 FROM commissions_period p WHERE p.id = "  # noqa: S608 - a column name of ours
        + period_column
        + " AND p.status = 'closed')"
    )


def applied_correction_triggers() -> list:
    """An applied correction is what its true-ups were paid for: it never changes or goes away."""
    return [_trigger("correction_applied", "OLD.status = 'applied'")]


def trueup_triggers() -> list:
    """A true-up paid in a closed quarter is part of what that quarter paid: no insert, update or delete."""
    insert = pgtrigger.Trigger(
        name="trueup_into_closed_quarter",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert,
        func=f"IF {_closed('NEW.paid_in_id')} THEN {_RAISE} END IF; RETURN NEW;",
    )
    return [insert, _trigger("trueup_closed_quarter", _closed("OLD.paid_in_id"))]


def line_triggers() -> list:
    """A closed quarter's payable lines stay as its close wrote them (a re-open opens the period first)."""
    return [_trigger("payoutline_closed_quarter", _closed("OLD.period_id"))]
