"""A measured value (ratio 0–1) mapped to points 0–100 (docs/design.md §9.2).

Points are rounded half-up to 2 decimals; the exact value is compared with the thresholds, never a
rounded display of it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .definition import Band, BandPoints, LinearPoints

POINTS_PLACES = Decimal("0.01")


def to_points(value: Decimal) -> Decimal:
    return value.quantize(POINTS_PLACES, rounding=ROUND_HALF_UP)


def linear_points(value: Decimal, mapping: LinearPoints) -> Decimal:
    """Points interpolated linearly between the two knots around ``value``; the first knot's points
    below it and the last knot's above it."""
    knots = mapping.knots
    if value <= knots[0][0]:
        return to_points(knots[0][1])
    for (v0, p0), (v1, p1) in zip(knots, knots[1:], strict=False):
        if value <= v1:
            return to_points(p0 + (value - v0) * (p1 - p0) / (v1 - v0))
    return to_points(knots[-1][1])


def band_for(value: Decimal, mapping: BandPoints) -> Band:
    """The band holding ``value``: each band includes its upper edge, only the first its lower edge; a
    value below the first band's lower edge falls in the first band, above the last upper edge in the
    last band."""
    for band in mapping.bands:
        if value <= band.upper:
            return band
    return mapping.bands[-1]


def points_for(value: Decimal, mapping: LinearPoints | BandPoints) -> tuple[Decimal, Band | None]:
    """Points for a measured value, and its band when the mapping is by bands."""
    if isinstance(mapping, LinearPoints):
        return linear_points(value, mapping), None
    band = band_for(value, mapping)
    return to_points(band.points), band
