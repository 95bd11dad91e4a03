"""A measured value (ratio 0–1) mapped to points 0–100 (docs/design.md §9.2).

Points are rounded half-up to 2 decimals; the exact value is compared with the thresholds, never a
rounded display of it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np

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


def points_cents(
    values: np.ndarray, mapping: LinearPoints | BandPoints
) -> tuple[np.ndarray, np.ndarray | None]:
    """``points_for`` over an array of values in millionths (integers): the points in cents (int64),
    and with bands each value's band index into ``mapping.bands``.

    Exact: the knots and edges are scaled to integers (at least 6 decimals for values, 2 for points),
    and the interpolation is one integer half-up division, as ``points_for`` rounds the exact quotient.
    Integers that could pass int64 are computed as Python integers."""
    values = np.asarray(values, dtype=np.int64)
    if isinstance(mapping, BandPoints):
        scale = _scale([band.upper for band in mapping.bands], 6)
        uppers = [int(band.upper.scaleb(scale)) for band in mapping.bands]
        scaled = _scaled(values, scale - 6, max(abs(u) for u in uppers))
        index = np.searchsorted(np.asarray(uppers, dtype=scaled.dtype), scaled, side="left")
        index = np.minimum(index, len(uppers) - 1)
        cents = np.asarray([_cents(band.points) for band in mapping.bands], dtype=np.int64)
        return cents[index], index
    knots = mapping.knots
    scale = _scale([v for v, _ in knots], 6)
    points_scale = _scale([p for _, p in knots], 2)
    xs = [int(v.scaleb(scale)) for v, _ in knots]
    ps = [int(p.scaleb(points_scale)) for _, p in knots]
    span = max(abs(x) for x in xs)
    # The largest numerator below: 2 × 100 × (p0 × Δx + Δx × Δp), each p ≤ 100 × 10^points_scale.
    largest = 2 * 100 * 3 * 100 * 10**points_scale * 2 * span
    scaled = _scaled(values, scale - 6, max(span, largest))
    cents = np.full(len(values), _cents(knots[-1][1]), dtype=np.int64)
    cents[scaled <= xs[0]] = _cents(knots[0][1])
    for (x0, p0), (x1, p1) in zip(zip(xs, ps, strict=True), zip(xs[1:], ps[1:], strict=True), strict=False):
        inside = (scaled > x0) & (scaled <= x1)
        if inside.any():
            numerator = 100 * (p0 * (x1 - x0) + (scaled[inside] - x0) * (p1 - p0))
            cents[inside] = _half_up(numerator, 10**points_scale * (x1 - x0)).astype(np.int64)
    return cents, None


def _places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _scale(numbers: list[Decimal], at_least: int) -> int:
    return max([at_least, *(_places(n) for n in numbers)])


def _scaled(values: np.ndarray, shift: int, largest: int) -> np.ndarray:
    """``values`` × 10^shift, as Python integers when the result or ``largest`` could pass int64."""
    biggest = int(np.abs(values).max()) if len(values) else 0
    if max(biggest * 10**shift, largest) < 2**62:
        return values * 10**shift
    return values.astype(object) * 10**shift


def _half_up(numerator: np.ndarray, denominator: int) -> np.ndarray:
    """Half-up to an integer, the way ``Decimal.quantize`` with ``ROUND_HALF_UP`` rounds (away from
    zero on a tie)."""
    rounded = (2 * abs(numerator) + denominator) // (2 * denominator)
    return np.where(numerator < 0, -rounded, rounded)


def _cents(points: Decimal) -> int:
    return int(to_points(points).scaleb(2))
