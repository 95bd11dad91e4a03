"""The derivation of a statement's payout line (DESIGN §4.3–§4.7) as label/value pairs: one function for the
statement page and its PDF, so the two never explain a figure differently."""

from __future__ import annotations

from commissions.engine import to_ratio

from .tables import number


def ratio_text(value) -> str:
    """4 decimals as on exports, with the exact value the engine used when they differ."""
    if value is None:
        return "—"
    shown = to_ratio(value)
    return str(shown) if shown == value else f"{shown} (exact {number(value)})"


def line_facts(line, payout, asks=None) -> dict:
    """The derivation of one payout line as label/value pairs (DESIGN §4.3–§4.7), with the line's "Ask about
    this line" link for its CSM (``asks``)."""
    result, detail = line.result, line.detail
    facts: list[tuple[str, str]] = []
    if result.metric == "nrr":
        facts += [
            ("Start ARR (S)", f"{detail.get('start_arr', 0):,.2f}"),
            ("Credited ARR change (Δ)", f"{detail.get('delta', 0):,.2f}"),
            ("NRR = (S + Δ) / S", ratio_text(result.metric_value)),
            ("Goal", number(detail.get("goal"))),
            ("Floor", number(detail.get("floor"))),
        ]
    elif result.metric == "kpi":
        facts += [
            ("KPI", str(detail.get("kpi", ""))),
            ("Value", f"{number(result.metric_value)} of {number(detail.get('goal'))}"),
        ]
    else:
        facts.append(("Adoption A = Σ w·r / Σ w", ratio_text(result.metric_value)))
    facts += [
        ("Attainment", ratio_text(result.attainment)),
        ("Factor", ratio_text(result.factor)),
        ("Weight → share", f"{number(result.weight)} → {ratio_text(result.share)}"),
        ("On-target amount (OTI)", f"{payout.on_target_amount:,.2f}"),
    ]
    if line.exact is not None:
        facts.append(("OTI × share × factor", f"{number(line.exact)} → rounded {result.payout:,.2f}"))
    else:
        facts.append(("Payout", "does not apply: 0.00"))
    return {"line": result, "facts": facts, "ask_url": asks.lines.get(result.component, "") if asks else ""}
