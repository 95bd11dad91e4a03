"""A slow per-customer calculation of the portfolio KPIs straight from docs/design.md §10: dictionary
look-ups, exact fractions and ``Decimal``, one customer and one day at a time. Every KPI, count or ratio,
has no value (None) when no member has a value for it that day (§10.2)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from adoption.kpis import KpiRules

PLACES = Decimal("0.000001")


def count(numerator: int, denominator: int) -> int | None:
    """A count of customers has no value when no member was measured (its denominator is 0)."""
    return numerator if denominator else None


def ratio(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(PLACES, rounding=ROUND_HALF_UP)


class Reference:
    def __init__(self, rows, activities, rules: KpiRules):
        self.data = {(c, d, metric): v for c, d, metric, v in rows}
        self.activities = activities
        self.rules = rules

    def get(self, customer: int, day: date, metric: str) -> int | None:
        return self.data.get((customer, day, metric))

    def utilisation(self, customer: int, day: date) -> tuple[int, int] | None:
        active, seats = self.get(customer, day, "active_users"), self.get(customer, day, "licensed_seats")
        if active is None or not seats:
            return None
        return min(active, seats), seats

    def weekly(self, customer: int, day: date) -> bool:
        return all(
            any(
                (self.get(customer, day - timedelta(days=7 * week + i), "active_users") or 0) > 0
                for i in range(7)
            )
            for week in range(self.rules.weekly_weeks)
        )

    def has_rows(self, customer: int, last: date, days: int, *metrics: str) -> bool:
        """Whether the customer has a row of any of ``metrics`` on one of the ``days`` days up to ``last``."""
        return any(
            (customer, last - timedelta(days=i), metric) in self.data
            for i in range(days)
            for metric in metrics
        )

    def weekly_measured(self, customer: int, day: date) -> bool:
        return self.has_rows(customer, day, 7 * self.rules.weekly_weeks, "active_users")

    def feature_measured(self, customer: int, day: date, rule) -> bool:
        metrics = (f"feature:{rule.feature}", f"feature_users:{rule.feature}")
        return self.has_rows(customer, day, 7 * rule.weeks, *metrics)

    def feature(self, customer: int, day: date, rule) -> bool:
        def week_holds(last: date) -> bool:
            days = [last - timedelta(days=i) for i in range(7)]
            uses = sum(self.get(customer, d, f"feature:{rule.feature}") or 0 for d in days)
            users = [self.get(customer, d, f"feature_users:{rule.feature}") or 0 for d in days]
            return uses >= rule.min_uses and any(u >= rule.min_users for u in users)

        return all(week_holds(day - timedelta(days=7 * week)) for week in range(rule.weeks))

    def kpis(self, customers, day: date, quarter_start: date) -> dict:
        rules = self.rules
        below = rising = weekly = with_rise = with_weekly = 0
        util_active = util_seats = dau = mau = with_util = with_dau_mau = eligible = covered = 0
        trend = [0] * rules.trend_weeks
        trend_measured = [0] * rules.trend_weeks
        features = {rule.feature: 0 for rule in rules.key_features}
        features_measured = {rule.feature: 0 for rule in rules.key_features}
        for customer in set(customers):
            now = self.utilisation(customer, day)
            if now is not None:
                with_util += 1
                util_active, util_seats = util_active + now[0], util_seats + now[1]
                below += Fraction(*now) < rules.threshold
                before = self.utilisation(customer, day - timedelta(days=rules.rise_days))
                if before is not None:
                    with_rise += 1
                    rising += Fraction(*now) - Fraction(*before) > rules.rise
            active, monthly = (
                self.get(customer, day, "active_users"),
                self.get(customer, day, "monthly_active_users"),
            )
            if active is not None and monthly:
                with_dau_mau, dau, mau = with_dau_mau + 1, dau + active, mau + monthly
            for k in range(rules.trend_weeks):
                trend[rules.trend_weeks - 1 - k] += self.weekly(customer, day - timedelta(days=7 * k))
                measured = self.weekly_measured(customer, day - timedelta(days=7 * k))
                trend_measured[rules.trend_weeks - 1 - k] += measured
            weekly += self.weekly(customer, day)
            with_weekly += self.weekly_measured(customer, day)
            for rule in rules.key_features:
                features[rule.feature] += self.feature(customer, day, rule)
                features_measured[rule.feature] += self.feature_measured(customer, day, rule)
            mine = [(on, kind) for c, on, kind in self.activities if c == customer and on <= day]
            if any(kind == "onboarding_completed" for _on, kind in mine):
                eligible += 1
                covered += any(kind == "qbr" and on >= quarter_start for on, kind in mine)
        return {
            "customers": len(set(customers)),
            "with_utilisation": with_util,
            "util_below": count(below, with_util),
            "avg_utilisation": ratio(util_active, util_seats),
            "with_rise": with_rise,
            "util_rising": count(rising, with_rise),
            "with_dau_mau": with_dau_mau,
            "dau_mau": ratio(dau, mau),
            "with_weekly_active": with_weekly,
            "weekly_active": count(weekly, with_weekly),
            "weekly_active_trend": tuple(map(count, trend, trend_measured)),
            "qbr_eligible": eligible,
            "qbr_covered": covered,
            "qbr_coverage": ratio(covered, eligible),
            "key_features": {f: count(n, features_measured[f]) for f, n in features.items()},
        }
