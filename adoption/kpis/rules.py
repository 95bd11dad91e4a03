"""The settings the portfolio KPIs are computed under (docs/design.md §10, docs/kpis.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True)
class FeatureRule:
    """A key feature used "in the right way and frequency": in each of the last ``weeks`` weeks (7-day
    blocks counted back from the day, the day included) at least ``min_uses`` uses (Σ ``feature:<name>``
    over the week) and at least ``min_users`` users on one day of the week (``feature_users:<name>``).

    Raises ``ValueError`` for a blank feature, or a count or a number of weeks below 1 (a rule that
    asks nothing would count customers without any usage)."""

    feature: str
    min_uses: int
    min_users: int
    weeks: int

    def __post_init__(self):
        if not self.feature or self.feature != self.feature.strip():
            raise ValueError(f"a key feature needs a name without surrounding spaces, not {self.feature!r}")
        for name in ("min_uses", "min_users"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{self.feature}: {name} must be a whole number ≥ 1, not {value!r}")
        if not isinstance(self.weeks, int) or self.weeks < 1:
            raise ValueError(f"{self.feature}: weeks must be a whole number ≥ 1, not {self.weeks!r}")


@dataclass(frozen=True)
class KpiRules:
    """The thresholds of docs/design.md §10.

    - ``utilisation_threshold``: a customer is *below* when its utilisation is strictly less (0–1;
      default 0.60, 60 %);
    - ``rise_points``: a customer's utilisation *rose* when it is strictly more than this many percentage
      points above its utilisation ``rise_days`` days before (default +10 points against D − 30);
    - ``weekly_weeks``: *active at least weekly* means active users on at least one day of each of this
      many weeks (7-day blocks back from the day, the day included; default 4);
    - ``trend_weeks``: the weekly-active trend's length (default 12: the day and the 11 weeks before);
    - ``key_features``: the rules of the key features (``FeatureRule``), each counted on its own.

    Raises ``ValueError`` for a threshold outside 0–1, points outside 0–100 or a count below 1."""

    utilisation_threshold: Decimal = Decimal("0.60")
    rise_points: Decimal = Decimal("10")
    rise_days: int = 30
    weekly_weeks: int = 4
    trend_weeks: int = 12
    key_features: tuple[FeatureRule, ...] = field(default_factory=tuple)

    def __post_init__(self):
        if not Decimal(0) <= Decimal(self.utilisation_threshold) <= Decimal(1):
            raise ValueError(f"utilisation_threshold must be 0–1, not {self.utilisation_threshold}")
        if not Decimal(0) <= Decimal(self.rise_points) <= Decimal(100):
            raise ValueError(f"rise_points must be 0–100 percentage points, not {self.rise_points}")
        for name in ("rise_days", "weekly_weeks", "trend_weeks"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise ValueError(f"{name} must be a whole number ≥ 1, not {getattr(self, name)!r}")
        names = [rule.feature for rule in self.key_features]
        if len(set(names)) != len(names):
            raise ValueError(f"a key feature has one rule: {', '.join(sorted(names))}")

    @property
    def reach_days(self) -> int:
        """How many days before the day its KPIs read usage: D − ``rise_days`` for the rise, the weekly
        weeks of the trend's oldest week (7 × (``weekly_weeks`` + ``trend_weeks`` − 1) − 1) and each key
        feature's oldest week (7 × ``weeks`` − 1), whichever reaches furthest."""
        weeks = max([self.weekly_weeks + self.trend_weeks - 1, *(rule.weeks for rule in self.key_features)])
        return max(self.rise_days, 7 * weeks - 1)

    @property
    def threshold(self) -> Fraction:
        """The utilisation threshold as an exact fraction."""
        return Fraction(Decimal(self.utilisation_threshold))

    @property
    def rise(self) -> Fraction:
        """The rise as an exact fraction of 1 (10 points: 1/10)."""
        return Fraction(Decimal(self.rise_points)) / 100


COUNT, RATIO = "customers", "ratio"


def kpi_codes(rules: KpiRules) -> dict[str, str]:
    """The computed KPIs' codes under ``rules`` (docs/kpis.md), each with its unit: ``"customers"`` (a
    count) or ``"ratio"`` (0–1, shown as a percentage). The below-threshold count is named for its
    threshold in percent (``util_below_60`` at 0.60, ``util_below_62_5`` at 0.625), so that a plan or a
    stored history never reads a count made at another threshold; a key feature's count is
    ``key_feature:<feature>``."""
    percent = (Decimal(rules.utilisation_threshold) * 100).normalize()
    below = "util_below_" + format(percent, "f").replace(".", "_")
    codes = {
        below: COUNT,
        "avg_utilisation": RATIO,
        "util_rising": COUNT,
        "dau_mau": RATIO,
        "weekly_active": COUNT,
        "qbr_coverage": RATIO,
    }
    codes.update({f"key_feature:{rule.feature}": COUNT for rule in rules.key_features})
    return codes
