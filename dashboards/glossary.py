"""What the abbreviations and symbols of Attain's column headers stand for (docs/design.md §4): one place,
so a header says the same on every table, on hover (``<abbr title>``) and to a screen reader."""

from __future__ import annotations

import re

# Shown to every reader (hover titles, screen readers): no reference to the design document here. The
# rules are design.md's: r and A §4.3, OTI §4.1, NRR §4.4, KPI §4.5.
GLOSSARY: dict[str, str] = {
    "r": "a customer's adoption progress: (score − baseline) / (target − baseline), capped",
    "A": "adoption attainment: the ARR-weighted average of the customers' r",
    "OTI": "on-target incentive: the payout at 100% attainment for the quarter",
    "NRR": "net revenue retention: (start ARR + credited ARR change) / start ARR",
    "KPI": "key performance indicator: a plan's measured goal",
    "ARR": "annual recurring revenue",
    "FX": "foreign exchange: the quarter's conversion rate to the plan's currency",
    "CSM": "customer success manager",
    "CSMs": "customer success managers",
    "Δ": "change",
    "ID": "identifier",
    "VP": "vice president",
}

_WORD = re.compile(r"[\wΔ]+")


def abbreviations_in(label: str) -> list[str]:
    """The glossary's abbreviations and symbols that ``label`` uses as words, in order:
    ``"Payout / OTI" → ["OTI"]``, ``"r before" → ["r"]``."""
    found = []
    for word in _WORD.findall(label):
        if word in GLOSSARY and word not in found:
            found.append(word)
    return found


def explanation(label: str) -> str:
    """What ``label``'s abbreviations mean, as one sentence for a ``title`` (empty when it has none):
    ``"OTI: on-target incentive: …"``."""
    return "; ".join(f"{word}: {GLOSSARY[word]}" for word in abbreviations_in(label))


# --- portfolio KPIs -------------------------------------------------------------------------------------
# What each computed KPI is called on a page and what its hover says: the heading and the text under it in
# docs/kpis.md, word for word (tests/portfolio_pages/test_kpi_definitions.py holds them equal). Keyed by the
# KPI's family: ``util_below_60`` and ``util_below_62_5`` are ``util_below``; ``key_feature:<name>`` is
# ``key_feature`` (adoption.kpis.kpi_codes).
KPI_LABELS: dict[str, str] = {
    "util_below": "Customers below {threshold} % utilisation",
    "avg_utilisation": "Average utilisation, seat-weighted",
    "util_rising": "Customers with rising utilisation",
    "dau_mau": "DAU/MAU",
    "weekly_active": "Customers active at least weekly",
    "key_feature": "Customers using {feature} in the right way and frequency",
    "qbr_coverage": "QBR coverage",
}
KPI_DEFINITIONS: dict[str, tuple[str, ...]] = {
    "util_below": (
        "The number of customers whose utilisation on the day is strictly below 60 %: exactly 60 % is not "
        "below. The threshold is a setting (default 60 %). Customers without a utilisation that day are not"
        " counted; when no customer has one, the count has no value that day (not 0).",
        "util_below = #{ c : seats_c > 0 and min(active_c, seats_c) ÷ seats_c < X }",
        "Unit: customers, out of the customers with a utilisation.",
    ),
    "avg_utilisation": (
        "The portfolio's utilisation weighted by seats: the sum of the capped active users over the sum of "
        "the seats, over the customers with a utilisation that day.",
        "avg_utilisation = Σ min(active_c, seats_c) ÷ Σ seats_c",
        "Unit: a percentage (0–100 %). None when no customer has a utilisation that day. Example: 1 of 10 "
        "seats and 90 of 100 seats give 91 ÷ 110 = 82.7273 %, not the 50 % a mean of the two ratios would "
        "give.",
    ),
    "util_rising": (
        "The number of customers whose utilisation on the day D is more than 10 percentage points above "
        "their utilisation on D − 30 (the same day 30 days earlier, not any day in between). Exactly +10 "
        "points does not count; a customer without a utilisation on either day is not counted, and when no "
        "customer has one on both days the count has no value that day (not 0). Points and days are "
        "settings.",
        "util_rising = #{ c : u_c(D) − u_c(D − 30) > 0.10 }",
        "Unit: customers, out of the customers with a utilisation on both days.",
    ),
    "dau_mau": (
        "The portfolio's daily active users over its monthly active users on the day, over the customers "
        "having both rows with MAU > 0. A customer with MAU 0 has no value that day and is left out of both"
        " sums.",
        "dau_mau = Σ active_users_c ÷ Σ monthly_active_users_c",
        "Unit: a percentage. None when no customer has a value that day.",
    ),
    "weekly_active": (
        "The number of customers with active users (active_users > 0) on at least one day of each of the "
        "last 4 weeks (the number of weeks is a setting), out of the customers with at least one "
        "active_users row in those weeks: a customer without any has no value (it is not counted as "
        "inactive), and when no customer has one the count has no value that day (not 0). The trend is that"
        " number on the day and on each of the 11 weeks before it — 12 values, D − 77, D − 70, …, D — drawn"
        " as the tile's sparkline. The trend is read from the stored history (each day's weekly_active, "
        '"History" below), never recomputed from usage: a day\'s computation reads only the usage of its own'
        " weeks.",
        "weekly_active = #{ c : for each week w of the last 4, Σ_{days of w} [active_users_c > 0] ≥ 1 }",
        "Unit: customers (the trend: customers per week; a week without a value is a gap).",
    ),
    "key_feature": (
        "Per key feature, a rule: at least k uses by at least m users per week, over N weeks. A customer "
        "counts when, in each of the last N weeks, the week's uses (Σ feature:<name>) are at least k and "
        "one of its days has at least m users of the feature (feature_users:<name>; the usage import gives "
        "daily user counts, so a week's users are read on its busiest day). k, m and N are at least 1. It "
        "is out of the customers with any row of the feature's two metrics in those N weeks; when no "
        "customer has one, the count has no value that day (not 0).",
        "key_feature(f) = #{ c : for each week w of the last N, Σ_w uses_c ≥ k and max_w users_c ≥ m }",
        "Unit: customers, one count per key feature, out of the customers with the feature's rows.",
    ),
    "qbr_coverage": (
        "The share of customers past onboarding who had a QBR this quarter. A customer is past onboarding "
        "on the day when it has an onboarding_completed activity dated on or before it; it is covered when "
        "it also has a qbr activity from the first day of the day's fiscal quarter to the day, both "
        "included. A customer whose onboarding is not completed is not eligible, even with a QBR.",
        "qbr_coverage = #covered ÷ #eligible",
        "Unit: a percentage, with the two counts beside it. None when no customer is past onboarding.",
    ),
}
BELOW_PREFIX = "util_below_"
FEATURE_PREFIX = "key_feature:"


def kpi_family(code: str) -> str:
    """The docs/kpis.md heading a computed KPI's code belongs to: ``util_below_62_5 → util_below``,
    ``key_feature:reports → key_feature``, any other code itself."""
    if code.startswith(BELOW_PREFIX):
        return "util_below"
    if code.startswith(FEATURE_PREFIX):
        return "key_feature"
    return code


def kpi_label(code: str) -> str:
    """A computed KPI's name on a page: ``util_below_62_5 → "Customers below 62.5 % utilisation"``,
    ``key_feature:reports → "Customers using key feature “reports” in the right way and frequency"``;
    a code docs/kpis.md does not define is shown as it is."""
    family = kpi_family(code)
    template = KPI_LABELS.get(family)
    if template is None:
        return code
    threshold = code.removeprefix(BELOW_PREFIX).replace("_", ".") if family == "util_below" else ""
    feature = f"key feature “{code.removeprefix(FEATURE_PREFIX)}”" if family == "key_feature" else ""
    return template.format(threshold=threshold, feature=feature)


def kpi_definition(code: str) -> str:
    """What a page shows on hover over a computed KPI: the text under its heading in docs/kpis.md, one
    paragraph a line ("" for a code it does not define)."""
    return "\n".join(KPI_DEFINITIONS.get(kpi_family(code), ()))
