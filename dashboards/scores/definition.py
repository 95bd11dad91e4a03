"""A scorecard version's rules as the definition page writes them (docs/design.md §9.1–§9.4)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from adoption.scoring.definition import MILESTONE, BandPoints, LinearPoints, ScorecardSpec
from core import formatting as fmt

from .selectors import kind_text, rule_text

EDGE_CONVENTION = "Each band includes its upper edge; only the first band includes its lower edge."


@dataclass(frozen=True)
class DefinedCriterion:
    code: str
    name: str
    kind: str
    weight: int
    share: Decimal  # weight ÷ Σ weights: the criterion's part of the score when every criterion counts
    points: list[str]  # how a value earns points, one line per knot or band
    rule: str


def criteria_rows(spec: ScorecardSpec) -> list[DefinedCriterion]:
    total = sum(c.weight for c in spec.criteria)
    return [
        DefinedCriterion(
            code=c.code,
            name=c.name,
            kind=kind_text(c),
            weight=c.weight,
            share=Decimal(c.weight) / Decimal(total),
            points=points_lines(c.points) if c.kind != MILESTONE else ["met: 100 points; not met: 0"],
            rule=rule_text(c),
        )
        for c in spec.criteria
    ]


def points_lines(mapping: LinearPoints | BandPoints | None) -> list[str]:
    """Each knot (linear) or band (with its edges spelled out) of a measure's points mapping."""
    if mapping is None:
        return []
    if isinstance(mapping, LinearPoints):
        first, last = mapping.knots[0], mapping.knots[-1]
        lines = [f"at {_ratio(value)}: {fmt.number(points)} points" for value, points in mapping.knots]
        return [
            *lines,
            f"linear between the knots; {fmt.number(first[1])} points below {_ratio(first[0])}, "
            f"{fmt.number(last[1])} above {_ratio(last[0])}",
        ]
    lines = []
    previous = mapping.lower
    for i, band in enumerate(mapping.bands):
        if i == 0:
            edges = f"from {_ratio(previous)} (included) to {_ratio(band.upper)} (included)"
        else:
            edges = f"above {_ratio(previous)} up to {_ratio(band.upper)} (included)"
        lines.append(f"{band.label}: {edges}: {fmt.number(band.points)} points")
        previous = band.upper
    lines.append(
        f"below {_ratio(mapping.lower)}: the first band; "
        f"above {_ratio(mapping.bands[-1].upper)}: the last band"
    )
    return lines


def _ratio(value: Decimal) -> str:
    """A threshold as a percentage with every decimal it has: an edge is never rounded onto another."""
    return fmt.percent_exact(value)
