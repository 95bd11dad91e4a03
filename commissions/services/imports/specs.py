"""One ``Spec`` per import kind of DESIGN §3: its columns, natural key, references and rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from accounts.models import User
from adoption.models import (
    Activity,
    ArrRecord,
    Customer,
    MilestoneRecord,
    Ownership,
    ScoreObservation,
    Snapshot,
    TargetLine,
    UsageRecord,
)
from adoption.revisions import record_target_changes
from commissions.models import Assignment, Deal, FxRate, KpiActual, PersonMetric, Plan

from . import closed, rules
from . import parsers as p
from .base import Column, ParsedFile, Reference, Spec
from .employees import check_employees, write_employees
from .person_metrics import day_or_month, metric_code, write_person_metrics
from .usage import MAX_FILE_BYTES, import_usage
from .usage_checks import metric, usage_value

ZERO = Decimal(0)

CUSTOMER = Reference("customer_id", Customer, "customer_id", "customer")
EMPLOYEE = Reference("employee_id", User, "employee_id", "employee")


def customer_id() -> Column:
    return Column("customer_id", p.text_for(Customer, "customer_id"))


def employee_id() -> Column:
    return Column("employee_id", p.text_for(User, "employee_id"))


def date(name: str, *, required: bool = True) -> Column:
    return Column(name, p.iso_date, required=required)


NPS_RANGE = p.number(3, 0, minimum=Decimal(-100), maximum=Decimal(100), label="an NPS value")


def nps_value(raw: str) -> int:
    """An NPS from −100 to 100, a whole number (docs/design.md §10.1)."""
    return int(NPS_RANGE(raw))


def same(*names: str) -> tuple[tuple[str, str], ...]:
    """Model fields named like the file's columns; references map ``x_id`` columns to the ``x`` field."""
    return tuple(
        (name.removesuffix("_id") if name in ("customer_id", "employee_id") else name, name) for name in names
    )


def snapshots_of(parsed: ParsedFile) -> dict[str, dict[Any, Any]]:
    """The draft snapshot of each fiscal year in the file, created when missing (DESIGN §3).

    Each snapshot row stays locked until the import commits, so an approval waits for the import and
    then approves its lines too, or approves first and the import is refused: lines never land in a
    snapshot approved while they were being written.
    """
    at = parsed.index("fiscal_year")
    ids = {}
    for fiscal_year in sorted({row[at] for row in parsed.rows}):
        ids[fiscal_year] = Snapshot.objects.select_for_update().get_or_create(fiscal_year=fiscal_year)[0].pk
    return {"fiscal_year": ids}


SPECS: dict[str, Spec] = {
    spec.kind: spec
    for spec in [
        Spec(
            kind="employees",
            columns=(
                employee_id(),
                Column("email", p.email),
                Column("name", p.text_for(User, "name")),
                Column("roles", p.roles, required=False, default=frozenset()),
                Column("geo", p.geo, required=False, default=""),
                Column("manager_employee_id", p.text_for(User, "employee_id"), required=False),
            ),
            key=("employee_id",),
            references=(Reference("manager_employee_id", User, "employee_id", "manager", in_file=True),),
            check_row=rules.manager_not_self,
            check_file=check_employees,
            write=write_employees,
        ),
        Spec(
            kind="customers",
            columns=(
                customer_id(),
                Column("name", p.text_for(Customer, "name")),
                Column("geo", p.geo),
                date("start_date"),
                Column("segment", p.text_for(Customer, "segment"), required=False, default=""),
                # The account executive plays tell (docs/design.md §10.6): empty clears it; a file
                # without the column leaves every customer's as it is.
                Column("ae_employee_id", p.text_for(User, "employee_id"), required=False, may_be_absent=True),
            ),
            key=("customer_id",),
            model=Customer,
            fields=(
                ("customer_id", "customer_id"),
                *same("name", "geo", "start_date", "segment"),
                ("ae_employee", "ae_employee_id"),
            ),
            references=(Reference("ae_employee_id", User, "employee_id", "account executive"),),
            check_file=closed.check_closed,
        ),
        Spec(
            kind="ownership",
            columns=(customer_id(), employee_id(), date("start_date")),
            key=("customer_id", "start_date"),
            model=Ownership,
            fields=same("customer_id", "start_date", "employee_id"),
            references=(CUSTOMER, EMPLOYEE),
            check_file=closed.check_closed,
        ),
        Spec(
            kind="arr",
            columns=(
                customer_id(),
                date("as_of"),
                Column("arr", p.number_for(ArrRecord, "arr", minimum=ZERO, label="arr")),
                Column("currency", p.currency),
            ),
            key=("customer_id", "as_of"),
            model=ArrRecord,
            fields=same("customer_id", "as_of", "arr", "currency"),
            references=(CUSTOMER,),
            check_file=closed.check_closed,
        ),
        Spec(
            kind="targets",
            columns=(
                Column("fiscal_year", p.fiscal_year),
                customer_id(),
                Column("baseline_score", p.score("baseline_score")),
                Column("period", p.period),
                Column("target_score", p.score("target_score"), required=False),
            ),
            key=("fiscal_year", "customer_id", "period"),
            model=TargetLine,
            fields=(
                ("snapshot", "fiscal_year"),
                *same("customer_id", "period", "baseline_score", "target_score"),
            ),
            references=(CUSTOMER,),
            check_row=rules.period_in_fiscal_year,
            check_file=rules.check_targets,
            prepare=snapshots_of,
            before_write=record_target_changes,  # the last draft, for the CCO's review (DESIGN §3)
        ),
        Spec(
            kind="scores",
            columns=(customer_id(), date("as_of"), Column("score", p.score("score"))),
            key=("customer_id", "as_of"),
            model=ScoreObservation,
            fields=same("customer_id", "as_of", "score"),
            references=(CUSTOMER,),
            check_file=closed.check_closed,
        ),
        Spec(
            kind="deals",
            columns=(
                Column("deal_id", p.text_for(Deal, "deal_id")),
                customer_id(),
                Column("type", p.choice(Deal.Type.values, "type")),
                Column("arr_delta", p.number_for(Deal, "arr_delta", label="arr_delta")),
                Column("currency", p.currency),
                date("booked_on"),
                date("effective_on"),
            ),
            key=("deal_id",),
            model=Deal,
            fields=same(
                "deal_id", "customer_id", "type", "arr_delta", "currency", "booked_on", "effective_on"
            ),
            references=(CUSTOMER,),
            check_row=rules.deal_sign,
            check_file=closed.check_closed,
        ),
        Spec(
            kind="kpis",
            columns=(
                Column("period", p.period),
                employee_id(),
                Column("kpi", p.text_for(KpiActual, "kpi")),
                Column("value", p.number_for(KpiActual, "value", label="value")),
            ),
            key=("period", "employee_id", "kpi"),
            model=KpiActual,
            fields=same("period", "employee_id", "kpi", "value"),
            references=(EMPLOYEE,),
            check_file=closed.check_closed,
        ),
        Spec(
            kind="fx",
            columns=(
                Column("period", p.period),
                Column("currency", p.currency),
                Column("rate", p.number_for(FxRate, "rate", positive=True, label="rate")),
            ),
            key=("period", "currency"),
            model=FxRate,
            fields=same("period", "currency", "rate"),
            check_file=closed.check_closed,
        ),
        Spec(
            kind="assignments",
            columns=(
                employee_id(),
                Column("plan", p.text_for(Plan, "code")),
                date("start_date"),
                date("end_date", required=False),
                Column(
                    "on_target_amount",
                    p.number_for(Assignment, "on_target_amount", minimum=ZERO, label="on_target_amount"),
                ),
                Column("nrr_goal", p.number_for(Assignment, "nrr_goal", label="nrr_goal"), required=False),
                Column("kpi_goal", p.number_for(Assignment, "kpi_goal", label="kpi_goal"), required=False),
            ),
            key=("employee_id", "plan", "start_date"),
            model=Assignment,
            fields=same(
                "employee_id", "plan", "start_date", "end_date", "on_target_amount", "nrr_goal", "kpi_goal"
            ),
            references=(EMPLOYEE, Reference("plan", Plan, "code", "plan")),
            check_row=rules.end_after_start,
            check_file=closed.together(rules.check_assignments, closed.check_closed),
        ),
        Spec(
            kind="milestones",
            columns=(
                customer_id(),
                Column("criterion", p.text_for(MilestoneRecord, "criterion")),
                date("achieved_on"),
                date("lost_on", required=False),
            ),
            key=("customer_id", "criterion", "achieved_on"),
            model=MilestoneRecord,
            fields=same("customer_id", "criterion", "achieved_on", "lost_on"),
            references=(CUSTOMER,),
            check_row=rules.milestone_row,
        ),
        Spec(
            kind="activities",
            columns=(
                customer_id(),
                date("date"),
                Column("type", p.choice(Activity.Type.values, "type")),
                Column("value", nps_value, required=False),
            ),
            key=("customer_id", "date", "type"),
            model=Activity,
            fields=same("customer_id", "date", "type", "value"),
            references=(CUSTOMER,),
            check_row=rules.activity_row,
            check_file=closed.check_closed,
        ),
        Spec(  # docs/design.md §11.1: a day or a month (its first day), a metric code, a value ≥ 0
            kind="person_metrics",
            columns=(
                employee_id(),
                Column("date", day_or_month),
                Column("metric", metric_code),
                Column("value", p.number_for(PersonMetric, "value", minimum=ZERO, label="value")),
            ),
            key=("employee_id", "date", "metric"),
            model=PersonMetric,
            fields=same("employee_id", "date", "metric", "value"),
            references=(EMPLOYEE,),
            check_row=rules.person_metric_row,
            check_file=closed.check_closed,
            write=write_person_metrics,
        ),
        Spec(  # tens of millions of rows: read, checked and written a chunk at a time (usage.py)
            kind="usage",
            columns=(customer_id(), date("date"), Column("metric", metric), Column("value", usage_value)),
            key=("customer_id", "date", "metric"),
            model=UsageRecord,
            fields=same("customer_id", "date", "metric", "value"),
            references=(CUSTOMER,),
            stream=import_usage,
            max_file_bytes=MAX_FILE_BYTES,
        ),
    ]
}
