"""A closed quarter reads an assignment clipped to itself (DESIGN §3 "Frozen and closed data",
docs/imports.md, commissions/closed.py): a change is refused only by the closed quarters whose reading of
the row changes, and the refusal names every one of them.

FY27 runs 2026-02-01 … 2027-01-31; FY27-Q1 (Feb–Apr), Q2 (May–Jul) and Q3 (Aug–Oct 2026) are closed,
each paid to E1008 on CS-FY27 (OTI 3000.00 a quarter, 10 PRs a quarter against a goal of 10). E1008
changes plan mid-year: CS-FY27 until 2026-10-31, then CS-RC-FY27 from 2026-11-01 (FY27-Q4, open).
"""

from datetime import date
from decimal import Decimal
from itertools import count

import pytest

from accounts.models import Role, User
from commissions.closed import refusal_for, refusal_for_rows
from commissions.loaders import fingerprint, load_quarter, plan_members
from commissions.models import Assignment, ComponentResult, Payout, Period, Plan, Run
from commissions.services.close import close_period
from commissions.services.imports import ImportRefused, import_file
from commissions.services.periods import get_period
from commissions.services.plans import load_plan
from commissions.services.runs import calculate
from tests.builders import make_user
from tests.closed_quarter.conftest import make_ops
from tests.worlds import built_once, shares

HEADER = "employee_id,plan,start_date,end_date,on_target_amount,nrr_goal,kpi_goal"
CLOSED = ("FY27-Q1", "FY27-Q2", "FY27-Q3")
PLAN = "code: {code}\nname: {name}\nfiscal_year: FY27\ncurrency: USD\ncomponents:\n" + (
    "  - {{code: KPI, metric: kpi, kpi: prs, weight: 1, goal: 10}}\n"
)
# The example as imported: CS-FY27 now ends 2026-10-31, CS-RC-FY27 starts 2026-11-01.
PLAN_CHANGE = (
    "E1008,CS-FY27,2026-02-01,2026-10-31,3000.00,,10",
    "E1008,CS-RC-FY27,2026-11-01,2027-01-31,3000.00,,10",
)
EVERY_CLOSED_QUARTER = (
    "FY27-Q1, FY27-Q2 and FY27-Q3 are closed: assignments that overlap them or date their deals cannot change"
    " (ops may re-open them, with a reason)"
)


def because(refusal: str, detail: str) -> str:
    """``refusal`` naming the changed field: its stored and its asked value (``detail``)."""
    return refusal.replace(" (ops may", f"; {detail} (ops may")


AMOUNT = (
    "on_target_amount is stored as 3000.00, read by FY27-Q1, FY27-Q2 and FY27-Q3, and cannot become 3300.00"
)


def build(ops, end: str, write) -> None:
    """E1008 on CS-FY27 from 2026-02-01 to ``end`` (empty: open), FY27-Q1 … Q3 calculated and closed."""
    make_user(Role.CSM, employee_id="E1008", email="e1008@example.com")
    load_plan(source=PLAN.format(code="CS-FY27", name="Customer Success FY27"))
    row = f"E1008,CS-FY27,2026-02-01,{end},3000.00,,10"
    import_file(kind="assignments", path=write(f"{HEADER}\n{row}\n"), user=ops)
    kpis = "".join(f"{code},E1008,prs,10\n" for code in CLOSED)
    import_file(kind="kpis", path=write(f"period,employee_id,kpi,value\n{kpis}"), user=ops)
    plan = Plan.objects.get(code="CS-FY27")
    for code in CLOSED:
        calculate(period=get_period(code), plan=plan)
        close_period(period=get_period(code), user=ops)
    # The plan E1008 moves to, loaded after the closes: no closed quarter of its own.
    load_plan(source=PLAN.format(code="CS-RC-FY27", name="Customer Success FY27, renewals"))


@pytest.fixture(scope="module")
def write(tmp_path_factory):
    """``write(text)``: a fresh CSV file holding ``text``."""
    directory, numbers = tmp_path_factory.mktemp("assignments"), count()

    def to_file(text: str):
        path = directory / f"import_{next(numbers)}.csv"
        path.write_text(text, encoding="utf-8")
        return path

    return to_file


@pytest.fixture(scope="module", params=["2027-01-31", ""], ids=["ending-at-year-end", "open-ended"])
def _world_of_module(request, write, django_db_setup, django_db_blocker):
    """The closed FY27 quarters, built once per stored end of E1008's CS-FY27 assignment."""
    if not shares(request, "load"):
        yield request.param, None
        return
    with built_once(django_db_blocker):
        ops = make_ops()
        build(ops, request.param, write)
        yield request.param, ops.pk


@pytest.fixture
def load(_world_of_module, write, db):
    """``load(*rows)``: imports assignment rows as ops into the closed FY27 quarters, E1008's CS-FY27
    assignment stored ending 2027-01-31 or open (the example's two cases)."""
    end, ops_pk = _world_of_module
    if ops_pk is not None:
        ops = User.objects.get(pk=ops_pk)
    else:
        ops = make_ops()
        build(ops, end, write)

    def run(*rows: str, **options):
        path = write("\n".join([HEADER, *rows]) + "\n")
        return import_file(kind="assignments", path=path, user=ops, **options)

    return run


def refused(load, *rows: str) -> list[tuple]:
    with pytest.raises(ImportRefused) as caught:
        load(*rows)
    return [(e.line, e.column, e.value, e.reason) for e in caught.value.errors]


def closed_state() -> list[tuple]:
    """Every run of the closed quarters, with its fingerprint, and every payout and line it paid."""
    runs = list(
        Run.objects.filter(period__code__in=CLOSED)
        .order_by("pk")
        .values_list("pk", "period__code", "plan__code", "version", "is_final", "status", "fingerprint")
    )
    payouts = list(Payout.objects.filter(run__period__code__in=CLOSED).order_by("pk").values_list())
    lines = list(ComponentResult.objects.filter(run__period__code__in=CLOSED).order_by("pk").values_list())
    return [runs, payouts, lines]


def read_now() -> dict[str, str]:
    """The fingerprint of the inputs each closed quarter reads now, loaded as its final run loaded them."""
    plan = Plan.objects.get(code="CS-FY27")
    digests = {}
    for code in CLOSED:
        period = Period.objects.get(code=code)
        final = Run.objects.get(period=period, plan=plan, is_final=True)
        inputs = load_quarter(plan=plan, period=period, pull=final.pull, employees=plan_members(plan, period))
        digests[code] = fingerprint(inputs)
    return digests


def test_a_plan_change_that_shortens_the_end_after_the_closed_quarters_is_accepted(load):
    state, digests = closed_state(), read_now()
    finals = {run[1]: run[6] for run in state[0] if run[4]}
    assert digests == finals  # each closed quarter reads what its final run read

    result = load(*PLAN_CHANGE)

    assert (result.created, result.updated) == (1, 1)
    stored = Assignment.objects.order_by("start_date").values_list(
        "employee__employee_id", "plan__code", "start_date", "end_date", "on_target_amount"
    )
    assert list(stored) == [
        ("E1008", "CS-FY27", date(2026, 2, 1), date(2026, 10, 31), Decimal("3000.00")),
        ("E1008", "CS-RC-FY27", date(2026, 11, 1), date(2027, 1, 31), Decimal("3000.00")),
    ]
    # Nothing a closed quarter read moved: its runs, payouts and lines are as they were, and the inputs
    # it reads now are those its final run read (a restatement would still find them).
    assert closed_state() == state
    assert read_now() == digests
    assert [p.amount for p in Payout.objects.filter(run__is_final=True).order_by("run__period__start")] == [
        Decimal("3000.00")
    ] * 3


def test_the_end_moved_anywhere_on_or_after_the_last_closed_day_is_no_change_to_them(load):
    digests = read_now()
    for end in ("", "2026-10-31", "2027-01-31", "2026-12-15"):
        load(f"E1008,CS-FY27,2026-02-01,{end},3000.00,,10")
        assert read_now() == digests


def test_a_changed_amount_is_refused_naming_every_closed_quarter_it_overlaps(load):
    errors = refused(load, "E1008,CS-FY27,2026-02-01,2026-10-31,3300.00,,10")
    # The amount alone alters them (the end moves past the last closed day): the refusal names it.
    assert errors == [(2, "on_target_amount", "3300.00", because(EVERY_CLOSED_QUARTER, AMOUNT))]
    assert Assignment.objects.get().on_target_amount == Decimal("3000.00")


def test_a_changed_goal_is_refused_naming_every_closed_quarter_it_overlaps(load):
    errors = refused(load, "E1008,CS-FY27,2026-02-01,2026-10-31,3000.00,,12")
    goal = "kpi_goal is stored as 10.00, read by FY27-Q1, FY27-Q2 and FY27-Q3, and cannot become 12.00"
    assert [reason for *_, reason in errors] == [because(EVERY_CLOSED_QUARTER, goal)]


def test_an_end_moved_into_a_closed_quarter_is_refused_naming_only_the_quarters_it_alters(load):
    # Ending 2026-06-30 changes FY27-Q2's days and takes the row out of FY27-Q3; FY27-Q1 reads the same.
    errors = refused(load, "E1008,CS-FY27,2026-02-01,2026-06-30,3000.00,,10")
    [(line, column, value, reason)] = errors
    assert (line, column, value) == (2, "end_date", "2026-06-30")
    assert reason.startswith(
        "FY27-Q2 and FY27-Q3 are closed: assignments that overlap them or date their deals cannot change; "
        "end_date is stored as "  # empty, or 2027-01-31, as the world stores it
    )
    assert reason.endswith(
        ", read by FY27-Q2 and FY27-Q3, and cannot become 2026-06-30 (ops may re-open them, with a reason)"
    )
    assert Assignment.objects.get().end_date in (None, date(2027, 1, 31))


def test_an_end_moved_to_a_closed_quarters_last_day_but_one_is_refused_by_that_quarter(load):
    errors = refused(load, "E1008,CS-FY27,2026-02-01,2026-10-30,3000.00,,10")
    assert [reason.split(":")[0] for *_, reason in errors] == ["FY27-Q3 is closed"]


def test_a_new_row_overlapping_closed_quarters_is_refused_naming_each(load):
    errors = refused(
        load,
        "E1008,CS-RC-FY27,2026-10-01,2027-01-31,3000.00,,10",
        "E1008,CS-FY27,2025-06-01,2026-01-31,3000.00,,10",
    )
    assert errors == [
        (
            2,
            "start_date",
            "2026-10-01",
            "FY27-Q3 is closed: assignments that overlap it or date its deals cannot change"
            " (ops may re-open it, with a reason)",
        )
    ]
    make_user(Role.CSM, employee_id="E2001")
    errors = refused(load, "E2001,CS-RC-FY27,2026-07-01,,1000.00,,")
    assert [reason for *_, reason in errors] == [
        "FY27-Q2 and FY27-Q3 are closed: assignments that overlap them or date their deals cannot change"
        " (ops may re-open them, with a reason)"
    ]
    assert Assignment.objects.count() == 1


def test_the_admin_holds_the_same_rule(load):
    """The admin change form and deletes ask ``refusal_for`` / ``refusal_for_rows`` (admin_closed.py)."""
    assignment = Assignment.objects.get()
    assignment.end_date = date(2026, 10, 31)
    assert refusal_for(assignment) is None
    assignment.on_target_amount = Decimal("3300.00")
    assert refusal_for(assignment) == because(EVERY_CLOSED_QUARTER, AMOUNT)
    assert refusal_for(assignment, delete=True) == EVERY_CLOSED_QUARTER
    assert refusal_for_rows(Assignment, Assignment.objects.all()) == EVERY_CLOSED_QUARTER
