"""A SPIFF's awards and a paid reward are frozen with their quarter (docs/design.md §11.3, §11.4; DESIGN §5
"Quarter close").

PostgreSQL only (django-pgtrigger), as ``commissions.frozen``: below the ORM, raw SQL included, no award
is inserted into, changed in or deleted from a closed quarter. Every database relies on the services
(``services.awards``) refusing the same first.
"""

from __future__ import annotations

import pgtrigger

CLOSED_MESSAGE = "quarter is closed: its SPIFF awards cannot change (re-open it first)"
REWARD_CLOSED_MESSAGE = "quarter is closed: its paid rewards cannot change (re-open it first)"
_RAISE = f"RAISE EXCEPTION '{CLOSED_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';"
_RAISE_REWARD = f"RAISE EXCEPTION '{REWARD_CLOSED_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';"
_RETURN = "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;"


def _closed(row: str) -> str:
    """SQL: the quarter of the award ``row`` (OLD or NEW) is closed."""
    return (
        "EXISTS (SELECT 1 FROM commissions_period p WHERE p.id = "  # noqa: S608 - OLD or NEW, ours
        + row
        + ".period_id AND p.status = 'closed')"
    )


def award_triggers() -> list:
    return [
        pgtrigger.Trigger(
            name="spiffaward_into_closed_quarter",
            when=pgtrigger.Before,
            operation=pgtrigger.Insert,
            func=f"IF {_closed('NEW')} THEN {_RAISE} END IF; RETURN NEW;",
        ),
        pgtrigger.Trigger(
            name="spiffaward_closed_quarter",
            when=pgtrigger.Before,
            operation=pgtrigger.Update | pgtrigger.Delete,
            func=f"IF {_closed('OLD')} THEN {_RAISE} END IF; {_RETURN}",
        ),
    ]


def redemption_triggers() -> list:
    """A cash redemption approved into a quarter (``period`` set) never changes once it is closed, nor is
    one approved into a closed quarter; a redemption without a quarter is not money and is not held."""
    return [
        pgtrigger.Trigger(
            name="redemption_into_closed_quarter",
            when=pgtrigger.Before,
            operation=pgtrigger.Insert | pgtrigger.Update,
            func=f"IF {_closed('NEW')} THEN {_RAISE_REWARD} END IF; RETURN NEW;",
        ),
        pgtrigger.Trigger(
            name="redemption_closed_quarter",
            when=pgtrigger.Before,
            operation=pgtrigger.Update | pgtrigger.Delete,
            func=f"IF {_closed('OLD')} THEN {_RAISE_REWARD} END IF; {_RETURN}",
        ),
    ]
