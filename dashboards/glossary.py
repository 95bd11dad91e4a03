"""What the abbreviations and symbols of Attain's column headers stand for (docs/design.md §4): one place,
so a header says the same on every table, on hover (``<abbr title>``) and to a screen reader."""

from __future__ import annotations

import re

GLOSSARY: dict[str, str] = {
    "r": "a customer's adoption progress: (score − baseline) / (target − baseline), capped (DESIGN §4.3)",
    "A": "adoption attainment: the ARR-weighted average of the customers' r (DESIGN §4.3)",
    "OTI": "on-target incentive: the payout at 100% attainment for the quarter (DESIGN §4.1)",
    "NRR": "net revenue retention: (start ARR + credited ARR change) / start ARR (DESIGN §4.4)",
    "KPI": "key performance indicator: a plan's measured goal (DESIGN §4.5)",
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
