"""Tables of the CSM pages (dashboards.tables: sortable, filterable, CSV and Excel downloads)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from commissions.services.plans import line_kind, line_unit
from core import formatting as fmt
from dashboards.scores.links import link_scores
from dashboards.tables import Column, Table

from .selectors import PlanProjection
from .statements import Statement


def number(value: Decimal | None) -> str:
    """A decimal without trailing zeros (12.000000 → 12), for prose (core.formatting.number)."""
    return fmt.number(value)


def book_table(rows: list[dict[str, Any]]) -> Table:
    """The book's customers; each score opens the customer's scorecard page (dashboards.scores.links).
    Rows per plan (``selectors.rows_per_plan``, a CSM on several plans) add a Plan column: each plan's
    status, counts and why are its own."""
    plan = Column("plan", "Plan", help="The plan whose rules give the row's r, status, counts and why")
    per_plan = [plan] if any("plan" in row for row in rows) else []
    table = Table(
        "book",
        "Customers of the book",
        [
            Column("customer_id", "Customer"),
            Column("name", "Name"),
            *per_plan,
            Column("baseline", "Baseline", "score"),
            Column("target", "Target", "score"),
            Column("score", "Latest score", "score"),
            Column("score_on", "Score date", "date"),
            Column("gap", "Gap to target", "score"),
            Column(
                "change", "30-day change", "score_change", help="Change of the score in points over 30 days"
            ),
            Column("r", "r", "ratio"),
            Column("status", "Status"),
            Column("counts", "Counts now"),
            Column("reason", "Why"),
        ],
        rows,
    )
    return link_scores(table)


METRIC_KIND = "metric_kind"  # the row key of a metric value's kind: a ratio or a KPI's count


def metric_value_column() -> Column:
    """A component's metric value, written in its line's unit (commissions.services.plans.line_kind):
    adoption A, NRR and a computed ratio KPI as percentages (4 decimals 0–1 in downloads), a KPI count as
    the count it is."""
    return Column(
        "metric_value",
        "Metric value",
        "ratio",
        help="Adoption A, NRR and a computed ratio KPI as percentages (in downloads a ratio 0–1 with 4 "
        "decimals); a KPI's count as its count. The Unit column says which",
        kind_from=METRIC_KIND,
    )


def metric_unit_column() -> Column:
    """The unit of the metric value beside it (commissions.services.plans.line_unit), so that a download's
    bare number says what it counts."""
    return Column(
        "metric_unit",
        "Unit",
        help="ratio: 0–1, shown as a percentage (downloads: the ratio with 4 decimals); customers: a count "
        "of the book's customers; empty: an imported KPI's value as imported",
    )


def metric_cells(metric: str, detail: dict[str, Any] | None) -> dict[str, str]:
    """A line's metric value's kind and unit cells, from one rule (commissions.services.plans.line_unit)."""
    return {METRIC_KIND: line_kind(metric, detail), "metric_unit": line_unit(metric, detail)}


def _detail(detail: Any) -> dict[str, Any] | None:
    return detail if isinstance(detail, dict) else None


def projection_table(plans: list[PlanProjection]) -> Table:
    rows = [
        {
            **line,
            "applies": "yes" if line["applies"] else "no",
            "currency": plan.currency,
            **metric_cells(str(line.get("metric") or ""), _detail(line.get("detail"))),
        }
        for plan in plans
        for line in plan.components
    ]
    return Table(
        "projection",
        "Projected attainment and payout",
        [
            Column("plan", "Plan"),
            Column("component", "Component"),
            Column("metric", "Metric"),
            Column("applies", "Applies"),
            metric_value_column(),
            metric_unit_column(),
            Column("attainment", "Attainment", "percent"),
            Column("factor", "Factor", "ratio"),
            Column("share", "Share", "percent"),
            Column("payout", "Projected payout", "money"),
        ],
        rows,
    )


DEAL_COLUMNS = [
    Column("deal_id", "Deal"),
    Column("customer_id", "Customer"),
    Column("type", "Type"),
    Column("arr_delta", "ARR change", "money"),
    Column("currency", "Currency"),
    Column("booked_on", "Booked", "date"),
    Column("effective_on", "Effective", "date"),
    Column("credit_date", "Credit date", "date"),
    Column(
        "credited_by",
        "Credited by",
        help="which of the deal's dates credits it to a quarter: the plan's rule for the deal's type — or, "
        "for a deal dated around a change of plan, the rule of the plan you were on (or last on) at its "
        "earlier date, named in the row (the handbook explains it)",
    ),
    Column(
        "rate",
        "FX rate",
        "number",
        help="foreign exchange: the quarter's conversion rate to the plan's currency; 1 for a deal in the "
        "plan's currency",
    ),
    Column("converted", "Credited (plan currency)", "money", currency="plan_currency"),
]


# A deal's credited_by as people read it (issue 20).
CREDITED_BY = {"booked": "Booking date", "effective": "Effective date"}


def _deal_row(deal: dict[str, Any], plan_currency: str) -> dict[str, Any]:
    """A credited deal as its tables show it: a deal in the plan's currency converts at 1, a number like
    every rate (a download's numeric column holds numbers only). A date another plan's rule chose (the
    plan the CSM was on, or last on, at the deal's earlier date: DESIGN §3 "Plans") names that plan."""
    credited_by = CREDITED_BY.get(deal.get("credited_by") or "", "")
    rule_of = deal.get("rule_of")
    if credited_by and rule_of and rule_of != deal.get("plan", rule_of):
        credited_by = f"{credited_by} ({rule_of}'s rule)"
    return {
        **deal,
        "rate": deal.get("rate") or Decimal(1),
        "plan_currency": plan_currency,
        "credited_by": credited_by,
    }


def deals_table(plans: list[PlanProjection]) -> Table:
    rows = [_deal_row(deal, p.currency) for p in plans for deal in p.deals]
    return Table("deals", "Deals credited this quarter", [Column("plan", "Plan"), *DEAL_COLUMNS], rows)


def run_kind(run) -> str:
    """What a statement's run is to its reader: the quarter's final run, a restatement of a closed
    quarter (after a correction; the difference is paid later), or the latest run of an open one."""
    if run.is_final:
        return "final"
    return "restatement" if run.is_restatement else "latest run (provisional)"


def statements_table(payouts, link) -> Table:
    rows = [
        {
            "period": p.run.period.code,
            "plan": p.run.plan.code,
            "run": f"v{p.run.version}",
            "kind": run_kind(p.run),
            "amount": p.amount,
            "currency": p.currency,
            "url": link(p.run_id),
        }
        for p in payouts
    ]
    columns = [
        Column("period", "Quarter"),
        Column("plan", "Plan"),
        Column("run", "Run"),
        Column("kind", "Statement"),
        Column("amount", "Payout", "money"),
        Column("currency", "Currency"),
    ]
    return Table("statements", "Past quarters and statements", columns, rows, links={"run": "url"})


# "Ask about this line" (DESIGN §5 "Inquiries"): a last column linking to the prefilled inquiry form.
ASK = Column("ask", "Question")
ASK_LINK = {"ask": "ask_url"}
ASK_TEXT = "Ask about this line"


def _ask(rows: list[dict[str, Any]], key: str, urls: dict[str, str]) -> None:
    for row in rows:
        if url := urls.get(str(row[key])):
            row.update(ask=ASK_TEXT, ask_url=url)


def statement_tables(statement: Statement) -> dict[str, Table]:
    """The statement's tables by template key: lines, customers, deals, line_changes, customer_changes.

    With ``statement.asks`` (``statements.offer_asks``) the lines, customers and deals end with an "Ask about
    this line" link each."""
    lines = [
        {
            "component": line.result.component,
            "metric": line.result.metric,
            "applies": "yes" if line.result.applies else "no",
            "metric_value": line.result.metric_value,
            # A computed KPI that is a ratio reads as a percentage (DESIGN §4.5); a count, as a number.
            **metric_cells(line.result.metric, line.detail),
            "attainment": line.result.attainment,
            "factor": line.result.factor,
            "weight": line.result.weight,
            "share": line.result.share,
            "exact": line.exact,
            "payout": line.result.payout,
        }
        for line in statement.lines
    ]
    customers = [
        {
            "customer_id": c.customer.customer_id,
            "name": c.customer.name,
            "baseline": c.baseline,
            "target": c.target,
            "score": c.score,
            "r": c.r,
            "counted": "yes" if c.counted else "no",
            "reason": c.reason,
            "weight": c.weight,
        }
        for c in statement.customers
    ]
    currency = statement.payout.currency
    plan = statement.payout.run.plan.code
    deals = [_deal_row({"plan": plan, **deal}, currency) for deal in statement.deals]
    asks = statement.asks
    if asks is not None:  # the CSM's own statement, on the page (downloads hold the figures only)
        _ask(lines, "component", asks.lines)
        _ask(customers, "customer_id", asks.customers)
        _ask(deals, "deal_id", asks.deals)
    ask = [ASK] if asks is not None else []
    return {
        "lines": Table(
            "lines",
            "Payout lines",
            [
                Column("component", "Component"),
                Column("metric", "Metric"),
                Column("applies", "Applies"),
                metric_value_column(),
                metric_unit_column(),
                Column("attainment", "Attainment", "ratio"),
                Column("factor", "Factor", "ratio"),
                Column("weight", "Weight", "weight"),
                Column("share", "Share", "ratio"),
                Column(
                    "exact",
                    "Exact amount before rounding",
                    "exact",
                    help="OTI × share × factor with every decimal; the payout is this rounded half-up to "
                    "the cent",
                ),
                Column("payout", "Payout", "money"),
                *ask,
            ],
            lines,
            links=ASK_LINK,
            currency=currency,
        ),
        "customers": Table(
            "customers",
            "Adoption: customers of the book",
            [
                Column("customer_id", "Customer"),
                Column("name", "Name"),
                Column("baseline", "Baseline", "score"),
                Column("target", "Target", "score"),
                Column("score", "Score", "score"),
                Column("r", "r", "ratio"),
                Column("counted", "Counted"),
                Column("reason", "Why"),
                Column("weight", "Weight (ARR)", "money"),
                *ask,
            ],
            customers,
            links=ASK_LINK,
            currency=currency,
        ),
        "deals": Table("deals", "NRR: credited deals", [*DEAL_COLUMNS, *ask], deals, links=ASK_LINK),
        "line_changes": Table(
            "line-changes",
            "Payout lines against the previous run",
            [
                Column("component", "Component"),
                Column("attainment_before", "Attainment before", "ratio"),
                Column("attainment_after", "Attainment after", "ratio"),
                Column("payout_before", "Payout before", "money"),
                Column("payout_after", "Payout after", "money"),
                Column("change", "Change", "change"),
            ],
            statement.line_changes,
            currency=currency,
        ),
        "customer_changes": Table(
            "customer-changes",
            "Customers whose r or counting changed",
            [
                Column("customer_id", "Customer"),
                Column("name", "Name"),
                Column("r_before", "r before", "ratio"),
                Column("r_after", "r after", "ratio"),
                Column("counted_before", "Counted before"),
                Column("counted_after", "Counted after"),
                Column("reason_after", "Why now"),
            ],
            statement.customer_changes,
        ),
    }


def whatif_table(before: list[PlanProjection], after: list[PlanProjection]) -> Table:
    """Per component: attainment and payout before → after the what-if."""
    old = {(line["plan"], line["component"]): line for plan in before for line in plan.components}
    rows = []
    for plan in after:
        for line in plan.components:
            prior = old.get((line["plan"], line["component"]), {})
            rows.append(
                {
                    "plan": plan.plan_code,
                    "component": line["component"],
                    "currency": plan.currency,
                    "attainment_before": prior.get("attainment"),
                    "attainment_after": line["attainment"],
                    "payout_before": prior.get("payout"),
                    "payout_after": line["payout"],
                    "change": line["payout"] - (prior.get("payout") or Decimal(0)),
                }
            )
        prior_total = next((p.total for p in before if p.plan_code == plan.plan_code), None)
        if plan.total is not None:
            rows.append(
                {
                    "plan": plan.plan_code,
                    "component": "Total",
                    "currency": plan.currency,
                    "payout_before": prior_total,
                    "payout_after": plan.total,
                    "change": plan.total - (prior_total or Decimal(0)),
                }
            )
    return Table(
        "what-if",
        "What-if: projected attainment and payout",
        [
            Column("plan", "Plan"),
            Column("component", "Component"),
            Column("attainment_before", "Attainment now", "percent"),
            Column("attainment_after", "Attainment with the change", "percent"),
            Column("payout_before", "Payout now", "money"),
            Column("payout_after", "Payout with the change", "money"),
            Column("change", "Change", "change"),
        ],
        rows,
    )
