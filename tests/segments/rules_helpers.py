"""Builders for the segment rules' tests: usage and activities around one day, and a rule's members."""

from __future__ import annotations

from datetime import date

from adoption.kpis import KpiRules
from adoption.portfolio.segment_rules import members, rule_frame
from tests.kpis.helpers import DAY, NO_ACTIVITIES, QUARTER_START, activities, usage, utilisation

__all__ = ["DAY", "activities", "member_ids", "usage", "utilisation"]


def member_ids(
    rule, params, rows, *, customers, acts=NO_ACTIVITIES, rules=None, day: date = DAY
) -> list[int]:
    """The ids ``rule`` with ``params`` selects among ``customers`` on ``day``."""
    frame = rule_frame(
        day=day,
        usage=usage(*rows),
        activities=acts,
        customers=customers,
        quarter_start=QUARTER_START,
        rules=rules or KpiRules(),
    )
    return [int(c) for c in members(rule, params, frame)]
