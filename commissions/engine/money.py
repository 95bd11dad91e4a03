"""Exact money arithmetic: Decimal with 28 significant digits, half-up rounding at the end (DESIGN §4)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

from core.errors import MissingFxRate

CENT = Decimal("0.01")
RATIO_PLACES = Decimal("0.0001")
CONTEXT = Context(prec=28, rounding=ROUND_HALF_UP)


def exact():
    """A decimal context of 28 significant digits for the calculation's arithmetic."""
    return localcontext(CONTEXT)


def to_cents(amount: Decimal) -> Decimal:
    """Round money half-up to cents."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def to_ratio(value: Decimal) -> Decimal:
    """Round a ratio half-up to 4 decimal places (exports)."""
    return value.quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)


class Converter:
    """Converts amounts into the plan's currency at the quarter's rates: amount × rate(from) / rate(to).

    The base currency has rate 1 unless the table says otherwise. A currency the quarter needs and the
    table lacks raises ``MissingFxRate`` naming the currency and the quarter: money is never guessed.
    """

    def __init__(self, *, rates: dict[str, Decimal], to: str, base: str, period: str):
        self.rates = dict(rates)
        self.rates.setdefault(base, Decimal(1))
        self.to = to
        self.period = period

    def rate(self, currency: str) -> Decimal:
        try:
            return self.rates[currency]
        except KeyError:
            raise MissingFxRate(
                f"No FX rate for {currency} in {self.period}: import it (kind fx) before calculating."
            ) from None

    def require(self, currencies: Iterable[str]) -> None:
        """Fail before any work when a needed rate is missing, naming every missing currency."""
        foreign = {c for c in currencies if c != self.to}
        # Converting anything foreign also divides by the plan currency's own rate.
        needed = foreign | ({self.to} if foreign else set())
        missing = sorted(c for c in needed if c not in self.rates)
        if missing:
            raise MissingFxRate(
                f"No FX rate for {', '.join(missing)} in {self.period}: "
                "import it (kind fx) before calculating."
            )

    def convert(self, amount: Decimal, currency: str) -> Decimal:
        if currency == self.to:
            return amount
        # CONTEXT's own operations: the arithmetic of ``with exact()``, without switching contexts per call.
        return CONTEXT.divide(CONTEXT.multiply(amount, self.rate(currency)), self.rate(self.to))
