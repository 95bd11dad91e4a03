"""The derivation of a statement's payout line (DESIGN §4.3–§4.7) as label/value pairs: one function for the
statement page and its PDF, so the two never explain a figure differently."""

from __future__ import annotations

from decimal import Decimal

from django.utils.text import slugify

from commissions.engine.builtin_metrics import is_attainment
from core import formatting as fmt

number = fmt.number


def ratio_text(value) -> str:
    """A percentage with one decimal as on every page (DESIGN §6 "Formats"), with the exact value the
    engine used when they differ: ``65.5% (exact 65.4789%)``."""
    if value is None:
        return fmt.MISSING
    shown = fmt.percent(value)
    tenths = Decimal(value) * 1000  # the percentage in tenths: whole when one decimal says it all
    return shown if tenths == tenths.to_integral() else f"{shown} (exact {fmt.percent_exact(value)})"


def line_facts(line, payout, asks=None) -> dict:
    """The derivation of one payout line as label/value pairs (DESIGN §4.3–§4.7), with the line's "Ask about
    this line" link for its CSM (``asks``)."""
    result, detail = line.result, line.detail
    currency = payout.currency
    facts: list[tuple[str, str]] = []
    if result.metric == "nrr":
        facts += [
            ("Start ARR (S)", fmt.money(Decimal(detail.get("start_arr", 0)), currency)),
            ("Credited ARR change (Δ)", fmt.money(Decimal(detail.get("delta", 0)), currency)),
            ("NRR = (S + Δ) / S", ratio_text(result.metric_value)),
            ("Goal", ratio_text(_decimal(detail.get("goal")))),
            ("Floor", ratio_text(_decimal(detail.get("floor")))),
        ]
    elif result.metric == "kpi":
        facts += _kpi_facts(line)
    else:
        facts.append(("Adoption A = Σ w·r / Σ w", ratio_text(result.metric_value)))
    facts.append(("Attainment", ratio_text(result.attainment)))
    facts += _escalator_facts(detail, currency)
    facts += [
        ("Factor", ratio_text(result.factor)),
        ("Weight → share", f"{fmt.weight(result.weight)} → {ratio_text(result.share)}"),
        ("On-target amount (OTI)", fmt.money(payout.on_target_amount, currency)),
    ]
    if line.exact is not None:
        exact, rounded = fmt.money_exact(line.exact, currency), fmt.money(result.payout, currency)
        facts.append(("OTI × share × factor, exact before rounding", f"{exact} → rounded {rounded}"))
    else:
        facts.append(("Payout", f"does not apply: {fmt.money(Decimal(0), currency)}"))
    item = {"line": result, "facts": facts, "ask_url": asks.lines.get(result.component, "") if asks else ""}
    book = getattr(line, "book", None)
    if book is not None:
        item["kpi"] = book
        item["kpi_table"] = book.table(f"kpi-{slugify(result.component)}")
    return item


def _kpi_facts(line) -> list[tuple[str, str]]:
    """The facts of a KPI line (DESIGN §4.5): its value against the goal and, lower is better, the
    ceiling; a computed KPI's name, source and measure, its values written in its unit."""
    result, detail, book = line.result, line.detail, getattr(line, "book", None)
    goal, ceiling = _decimal(detail.get("goal")), _decimal(detail.get("ceiling"))
    show = book.value_text if book is not None else number
    if book is None:
        facts = [("KPI", str(detail.get("kpi", "")))]
    else:
        facts = [
            ("KPI", f"{book.name} ({book.code})"),
            ("Source", "computed by Attain from the book's daily KPIs"),
            ("Measured as", book.measure_text),
        ]
    if detail.get("direction") == "lower":
        facts += [
            ("Value", show(result.metric_value)),
            ("Goal → ceiling", f"{show(goal)} → {show(ceiling)}"),
            (
                "Lower is better",
                "attainment 1 at or below the goal, (ceiling − value) ÷ (ceiling − goal) between, "
                "0 at or above the ceiling",
            ),
        ]
    else:
        facts.append(("Value", f"{show(result.metric_value)} of {show(goal)}"))
    return facts


def _decimal(value) -> Decimal | None:
    """A figure of a line's stored detail (JSON: text or a number) as a Decimal."""
    return None if value is None or value == "" else Decimal(str(value))


# --- Escalators (docs/design.md §11.2) ----------------------------------------------------------------------

OVER_TEXT = {"quarter": "the quarter's mean", "months": "each month's mean"}


def _escalator_facts(detail: dict, currency: str) -> list[tuple[str, str]]:
    """A line's factor before its escalators, and each escalator's verdict and what it added."""
    entries = detail.get("escalators") or []
    if not entries:
        return []
    facts = [("Factor before escalators", ratio_text(_decimal(detail.get("factor_before_escalators"))))]
    for entry in entries:
        verdict = "qualified" if entry["qualified"] else "not qualified"
        facts.append(
            (
                f"Escalator {entry['code']} ({_bar(entry)})",
                f"{verdict}: ×{fmt.weight(_decimal(entry['multiplier']))}, added "
                f"{fmt.money(_decimal(entry['added']) or Decimal(0), currency)}",
            )
        )
    return facts


def _bar(entry: dict) -> str:
    over = OVER_TEXT.get(entry["over"], entry["over"])
    if is_attainment(entry["metric"]):  # the quarter's own figure, not a mean of values (design.md §11.1)
        over = "over the quarter"
    return f"{entry['metric']} ≥ {_metric_text(entry['metric'], entry['at_least'])}, {over}"


def _metric_text(metric: str, value) -> str:
    """An escalator's metric value or bar as the statement writes it: an attainment (a ratio, 1 = the goal,
    docs/design.md §11.1) as a percentage like every other attainment (``0.4778… → 47.8%``), any other
    metric's value as a number; "no value" where there was none. The engine keeps the exact value."""
    if value is None:
        return "no value"
    if is_attainment(metric):
        return fmt.percent(_decimal(value))
    return number(_decimal(value))


def escalator_rows(lines, currency: str) -> list[dict]:
    """The statement's escalators, one per escalator of the plan the CSM was judged on (docs/design.md
    §11.2): the metric's value(s) (a month's or the quarter's mean; "no value" where none), the bar,
    whether they qualified, the multiplier, what it applies to and the amount it added over every line,
    as text for the page and the PDF."""
    rows: dict[str, dict] = {}
    for line in lines:
        for entry in line.detail.get("escalators") or []:
            row = rows.get(entry["code"])
            if row is None:
                values = [
                    f"{label}: {_metric_text(entry['metric'], value)}" for label, value in entry["values"]
                ]
                row = rows[entry["code"]] = {
                    "code": entry["code"],
                    "metric": entry["metric"],
                    "values": "; ".join(values),
                    "bar": _bar(entry).removeprefix(f"{entry['metric']} "),
                    "qualified": "yes" if entry["qualified"] else "no",
                    "multiplier": f"×{fmt.weight(_decimal(entry['multiplier']))}",
                    "applies_to": "every component"
                    if entry["applies_to"] == "total"
                    else entry["applies_to"],
                    "added_amount": Decimal(0),
                }
            row["added_amount"] += _decimal(entry["added"]) or Decimal(0)
    for row in rows.values():
        row["added"] = fmt.money(row["added_amount"], currency)
    return list(rows.values())
