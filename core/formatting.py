"""How Attain writes a value for people: the one module every page, e-mail, PDF and download formats with
(docs/design.md §6 "Formats").

Pure Python, no Django: values in, text (or, for downloads, exact Decimals and ISO text) out.

- Money: ``12,345.67 USD`` — thousands separators, two decimals rounded half-up, the currency code after
  the amount, always.
- Ratios (0–1, e.g. attainment 0.3870) on pages: a percentage with one decimal, ``38.7%``.
- Numbers (counts, KPI values): thousands separators, no trailing zeros (``1,234.5``); weights plainly
  (``1``, ``0.5``), never ``1.000000``.
- Adoption scores (out of 100: scores, baselines, targets, their averages and gaps): two decimals rounded
  half-up, ``62.40``; a change of score in points carries its sign, ``+4.20``.
- A component's metric value by its metric: a ratio (adoption A, NRR) as a percentage, a KPI value as the
  count it is (``metric_value``). A request's value by its kind: an exception's granted r as a percentage,
  extra credit's points as the percentage points they add to r (``request_value``).
- A name in a sentence after the indefinite article its sound takes (``with_article``): "an expansion",
  "a renewal", "an NRR".
- Dates ISO ``2026-08-01``; times ``2026-08-01 14:05`` (the caller turns an aware datetime into the
  local time zone first); ranges ``2026-08-01 – 2026-10-31`` (an en dash between spaces).
- Downloads (CSV/XLSX, payroll) keep exact numbers: money with 2 decimals, ratios with 4 (DESIGN §6),
  dates ISO — ``export_money``, ``export_ratio``, ``export_value``, ``csv_text``.

Money and ratios are ``Decimal`` (or ``int``); a ``float`` raises ``TypeError``: a binary float has
already lost the cents a statement must show exactly.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

MISSING = "—"  # what a page shows for no value
CENT = Decimal("0.01")
EXPORT_RATIO_PLACES = Decimal("0.0001")  # DESIGN §6: ratios with 4 decimals in exports
PAGE_PERCENT_PLACES = Decimal("0.1")  # one decimal on pages: 38.7%
EN_DASH = "\u2013"

Number = Decimal | int


def _decimal(value: Number, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be a Decimal or an int, not {type(value).__name__}")
    return Decimal(value)


def _plain(value: Decimal, grouped: bool) -> str:
    """``value`` without trailing zeros and never in exponent form; with thousands separators if asked."""
    normal = value.normalize()
    if normal == normal.to_integral():
        normal = normal.quantize(Decimal(1))
    return format(normal, ",f" if grouped else "f")


def money(amount: Number | None, currency: str, signed: bool = False) -> str:
    """``amount`` rounded half-up to cents, with thousands separators and its currency code after it:
    ``money(Decimal("12345.675"), "USD") == "12,345.68 USD"``; ``None`` is ``—``. ``signed`` shows the
    sign of a change always (``+166.67 USD``, as a true-up reads).

    Raises ``TypeError`` for a float, ``ValueError`` for an empty currency (DESIGN §6 "Formats": money is
    never shown without its currency)."""
    if amount is None:
        return MISSING
    if not currency:
        raise ValueError("money is shown with its currency code")
    cents = _decimal(amount, "money").quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{cents:+,.2f} {currency}" if signed else f"{cents:,.2f} {currency}"


def money_exact(amount: Number | None, currency: str) -> str:
    """An amount before rounding (``OTI × share × factor``) with every decimal it has:
    ``1,234.5678 USD``; at least two decimals."""
    if amount is None:
        return MISSING
    if not currency:
        raise ValueError("money is shown with its currency code")
    value = _decimal(amount, "money")
    text = _plain(value, grouped=True)
    places = len(text.partition(".")[2])
    if places < 2:
        text = f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"
    return f"{text} {currency}"


def percent(ratio: Number | None, places: int = 1) -> str:
    """A ratio (0–1 for most, above 1 for NRR or a factor) as a percentage rounded half-up to ``places``
    decimals: ``percent(Decimal("0.38695")) == "38.7%"``; ``None`` is ``—``. Raises ``TypeError`` for a
    float."""
    if ratio is None:
        return MISSING
    hundred = _decimal(ratio, "a ratio") * 100
    shown = hundred.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{shown:,.{places}f}%"


def share(part: Number | None, whole: Number | None) -> Decimal | None:
    """``part ÷ whole`` as an exact Decimal ratio (for ``percent``); ``None`` without a whole."""
    if part is None or not whole:
        return None
    return _decimal(part, "a part") / _decimal(whole, "a whole")


def percent_exact(ratio: Number | None) -> str:
    """A ratio as a percentage with every decimal it has (``0.654789 → 65.4789%``): the exact value the
    engine used, beside the rounded one in a statement's derivation."""
    if ratio is None:
        return MISSING
    return f"{_plain(_decimal(ratio, 'a ratio') * 100, grouped=True)}%"


def number(value: Number | None) -> str:
    """A count or score with thousands separators and no trailing zeros: ``1234.50 → 1,234.5``."""
    if value is None:
        return MISSING
    return _plain(_decimal(value, "a number"), grouped=True)


def weight(value: Number | None) -> str:
    """A component's weight plainly: ``1.000000 → 1``, ``0.500000 → 0.5``."""
    if value is None:
        return MISSING
    return _plain(_decimal(value, "a weight"), grouped=False)


def score(value: Number | None, signed: bool = False) -> str:
    """An adoption score out of 100 (or an average, a gap, a change of one) with two decimals rounded
    half-up and thousands separators: ``score(Decimal("44.6")) == "44.60"``; ``signed`` writes the sign of
    a change always (``+4.20``, ``-1.05``, ``0.00``, never ``-0.00``). ``None`` is ``—``. Raises
    ``TypeError`` for a float (DESIGN §6 "Formats")."""
    if value is None:
        return MISSING
    shown = _decimal(value, "a score").quantize(CENT, rounding=ROUND_HALF_UP)
    if not signed:
        return f"{shown:,.2f}"
    if shown == 0:
        return "0.00"
    return f"{shown:+,.2f}"


RATIO_METRICS = ("adoption", "nrr")  # DESIGN §4.3, §4.4: A and NRR are ratios; a KPI value is a count


def metric_kind(metric: str) -> str:
    """How a component's metric value is written: ``"ratio"`` for adoption (A) and NRR, ``"number"`` for
    a KPI value, which is a count (DESIGN §4.5)."""
    return "ratio" if metric in RATIO_METRICS else "number"


def metric_value(value: Number | None, metric: str) -> str:
    """A component's metric value by its metric: ``metric_value(Decimal("0.8"), "adoption") == "80.0%"``,
    ``metric_value(Decimal("8.000000"), "kpi") == "8"``."""
    return percent(value) if metric_kind(metric) == "ratio" else number(value)


def points_of_r(points: Number | None) -> str:
    """Extra-credit points as what they do: added to r, which is written as a percentage (DESIGN §4.3,
    §5), so ``0.1`` adds ten percentage points: ``+10.0 percentage points``."""
    if points is None:
        return MISSING
    return f"+{percent(points).removesuffix('%')} percentage points"


def request_kind(kind: str) -> str:
    """How a request's value is written, by the request's kind: ``"points"`` for extra credit,
    ``"ratio"`` for an exception's granted r (DESIGN §5)."""
    return "points" if kind == "extra_credit" else "ratio"


def request_value(value: Number | None, kind: str) -> str:
    """An exception or extra-credit request's value (DESIGN §5): an exception's granted r as a percentage
    (``0.5 → 50.0%``), extra credit's points as the percentage points they add to r
    (``0.1 → +10.0 percentage points``). ``kind``: ``exception`` or ``extra_credit``."""
    return points_of_r(value) if request_kind(kind) == "points" else percent(value)


# Initialisms read letter by letter whose first letter's name starts with a vowel sound ("an NRR", "an FX
# rate", "an SLA"); and written words that start with a vowel letter but the sound of "you" or "one", or
# with a silent h.
_VOWEL_LETTER_NAMES = frozenset("AEFHILMNORSX")
_CONSONANT_SOUNDS = ("uni", "use", "usu", "uti", "eu", "one", "once")
_SILENT_H = ("hour", "honest", "honour", "honor", "heir")


def with_article(word: str, *, capital: bool = False) -> str:
    """``word`` after the indefinite article its sound takes: ``"an expansion"``, ``"a renewal"``,
    ``"an NRR"``, ``"a KPI"``, ``"an int"``, ``"a user"``, ``"an hour"``. A sentence built from a name
    (a deal type, a kind, a type) reads right whatever the name; ``capital`` starts a sentence with it
    ("An expansion")."""
    first = word.split(" ", 1)[0]
    if not first:
        return word
    if len(first) > 1 and first.isupper():
        vowel = first[0] in _VOWEL_LETTER_NAMES
    else:
        lower = first.lower()
        vowel = (lower[0] in "aeiou" and not lower.startswith(_CONSONANT_SOUNDS)) or lower.startswith(
            _SILENT_H
        )
    article = "an" if vowel else "a"
    return f"{article.capitalize() if capital else article} {word}"


def iso_date(value: date | datetime | None) -> str:
    """``2026-08-01``. A datetime gives its own date (convert an aware one to local time first)."""
    if value is None:
        return MISSING
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat()


def iso_datetime(value: datetime | date | None, seconds: bool = False) -> str:
    """``2026-08-01 14:05`` (``14:05:09`` with ``seconds``), in the time zone ``value`` carries; a date
    alone is its ``iso_date``."""
    if value is None:
        return MISSING
    if not isinstance(value, datetime):
        return iso_date(value)
    return value.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def date_range(start: date | None, end: date | None) -> str:
    """``2026-08-01 – 2026-10-31``: two ISO dates with an en dash between spaces."""
    return f"{iso_date(start)} {EN_DASH} {iso_date(end)}"


def export_money(amount: Number | None) -> Decimal | None:
    """Money as a download writes it: a Decimal with 2 decimals, rounded half-up (DESIGN §6)."""
    if amount is None:
        return None
    return _decimal(amount, "money").quantize(CENT, rounding=ROUND_HALF_UP)


def export_ratio(ratio: Number | None) -> Decimal | None:
    """A ratio as a download writes it: a Decimal with 4 decimals, rounded half-up (DESIGN §6)."""
    if ratio is None:
        return None
    return _decimal(ratio, "a ratio").quantize(EXPORT_RATIO_PLACES, rounding=ROUND_HALF_UP)


def export_value(value: Any, kind: str = "text") -> Any:
    """A cell of a CSV/XLSX download by its column's kind (``money``/``change``, ``ratio``/``percent``/
    ``points``, ``score``/``score_change``, anything else): money and ratios as ``export_money``/
    ``export_ratio``, scores with 2 decimals, the rest (dates too: a workbook keeps them as dates) as
    given."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        if kind in ("money", "change"):
            return export_money(value)
        if kind in ("ratio", "percent", "points"):
            return export_ratio(value)
        if kind in ("score", "score_change"):
            return _decimal(value, "a score").quantize(CENT, rounding=ROUND_HALF_UP)
    return value


def csv_text(value: Any) -> Any:
    """A cell as a CSV writes it: ``None`` empty, a date ISO (``2026-08-01``), a datetime
    ``2026-08-01 14:05:09`` (convert an aware one to local time first), the rest as given."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return iso_datetime(value, seconds=True)
    if isinstance(value, date):
        return iso_date(value)
    return value
