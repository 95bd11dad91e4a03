"""The rule without the database, for every kind that lies in closed quarters by its dates
(commissions/closed.py): which closed quarters a change alters — an assignment as each quarter reads it,
clipped to it; the others wherever they lie — and a refusal that names each of them."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from adoption.models import ArrRecord, Ownership
from commissions.closed import ClosedQuarter, closed_quarters_altered, reads_of
from commissions.models import Assignment, Deal, Period
from commissions.services.imports import ImportRefused, import_file
from commissions.services.periods import get_period
from tests.builders import make_customer, make_user

Q1 = ClosedQuarter("FY27-Q1", date(2026, 2, 1), date(2026, 4, 30))
Q2 = ClosedQuarter("FY27-Q2", date(2026, 5, 1), date(2026, 7, 31))
Q3 = ClosedQuarter("FY27-Q3", date(2026, 8, 1), date(2026, 10, 31))
ALL = ["FY27-Q1", "FY27-Q2", "FY27-Q3"]


def altered(model, old, new) -> list[str] | None:
    hit = closed_quarters_altered(reads_of(model), old, new, [Q1, Q2, Q3])
    return None if hit is None else [quarter.code for quarter in hit[0]]


def assignment(start, end=None, amount=Decimal("3000.00"), kpi_goal=Decimal(10)) -> dict:
    return {
        "employee_id": 1,
        "plan_id": 1,
        "start_date": start,
        "end_date": end,
        "on_target_amount": amount,
        "nrr_goal": None,
        "kpi_goal": kpi_goal,
    }


def test_an_assignment_is_read_by_each_closed_quarter_clipped_to_it():
    stored = assignment(date(2026, 2, 1), date(2027, 1, 31))
    # Its end on or after FY27-Q3's last day, or open: every closed quarter reads the same days.
    assert altered(Assignment, stored, stored | {"end_date": date(2026, 10, 31)}) is None
    assert altered(Assignment, stored, stored | {"end_date": None}) is None
    # A day less in FY27-Q3, or none of it: only FY27-Q3 reads otherwise.
    assert altered(Assignment, stored, stored | {"end_date": date(2026, 10, 30)}) == ["FY27-Q3"]
    assert altered(Assignment, stored, stored | {"end_date": date(2026, 7, 31)}) == ["FY27-Q3"]
    assert altered(Assignment, stored, stored | {"end_date": date(2026, 6, 30)}) == ["FY27-Q2", "FY27-Q3"]
    # Amount and goals are read by every closed quarter the row overlaps.
    assert altered(Assignment, stored, stored | {"kpi_goal": Decimal(12)}) == ALL
    assert altered(Assignment, stored, stored | {"on_target_amount": Decimal("1.00")}) == ALL


def test_an_assignments_start_is_read_as_it_is_by_every_closed_quarter_it_overlaps():
    """Not only its days: the start is the CSM's first day on the plan, which decides a deal's credit date
    across a move between plans (DESIGN §3 "Plans"), so FY27-Q2 and Q3 read a start in FY27-Q1 too."""
    stored = assignment(date(2026, 2, 1), date(2027, 1, 31))
    assert altered(Assignment, stored, stored | {"start_date": date(2026, 3, 1)}) == ALL


def test_new_and_deleted_assignments_alter_every_closed_quarter_they_overlap():
    assert altered(Assignment, None, assignment(date(2026, 7, 1))) == ["FY27-Q2", "FY27-Q3"]
    assert altered(Assignment, assignment(date(2026, 4, 30), date(2026, 5, 1)), None) == [
        "FY27-Q1",
        "FY27-Q2",
    ]
    assert altered(Assignment, None, assignment(date(2026, 11, 1))) is None
    assert altered(Assignment, None, assignment(date(2025, 2, 1), date(2026, 1, 31))) is None


def test_ownership_and_arr_stay_read_by_every_closed_quarter_from_their_date_on():
    """The owner and the ARR on a day are the latest row on or before it, and each closed quarter's inputs
    hold every row dated by its end: a changed row dated in FY27-Q1 alters all three quarters."""
    stored = {"customer_id": 1, "employee_id": 1, "start_date": date(2026, 3, 1)}
    assert altered(Ownership, stored, stored | {"employee_id": 2}) == ALL
    assert altered(Ownership, None, stored | {"start_date": date(2026, 9, 1)}) == ["FY27-Q3"]
    arr = {"customer_id": 1, "as_of": date(2026, 6, 1), "arr": 1, "currency": "USD"}
    assert altered(ArrRecord, arr, arr | {"arr": 2}) == ["FY27-Q2", "FY27-Q3"]


def test_a_deal_dated_in_two_closed_quarters_alters_both():
    deal = {"booked_on": date(2026, 4, 20), "effective_on": date(2026, 5, 20), "arr_delta": 1}
    assert altered(Deal, deal, deal | {"arr_delta": 2}) == ["FY27-Q1", "FY27-Q2"]


def close(*codes: str) -> None:
    closer = make_user(Role.OPS, email="closer@example.com")
    for code in codes:
        Period.objects.filter(pk=get_period(code).pk).update(
            status=Period.Status.CLOSED, closed_at=timezone.now(), closed_by=closer
        )


@pytest.mark.django_db
def test_an_ownership_refusal_names_every_closed_quarter_that_read_the_row(ops, csv_file):
    close("FY27-Q1", "FY27-Q2")
    make_customer("C1")
    make_user(Role.CSM, employee_id="E9")
    path = csv_file("customer_id,employee_id,start_date\nC1,E9,2026-03-01\nC1,E9,2026-06-01\n")
    with pytest.raises(ImportRefused) as caught:
        import_file(kind="ownership", path=path, user=ops)
    assert [(e.line, e.reason) for e in caught.value.errors] == [
        (
            2,
            "FY27-Q1 and FY27-Q2 are closed: ownership rows dated on or before their ends cannot change"
            " (ops may re-open them, with a reason)",
        ),
        (
            3,
            "FY27-Q2 is closed: ownership rows dated on or before its end cannot change"
            " (ops may re-open it, with a reason)",
        ),
    ]


@pytest.mark.django_db
def test_a_deal_refusal_in_two_closed_quarters_offers_the_re_open(ops, csv_file):
    """A deal correction of one closed quarter cannot write a deal dated in another (DESIGN §7)."""
    close("FY27-Q1", "FY27-Q2")
    make_customer("C1")
    header = "deal_id,customer_id,type,arr_delta,currency,booked_on,effective_on"
    path = csv_file(f"{header}\nD1,C1,expansion,100,USD,2026-04-20,2026-05-20\n")
    with pytest.raises(ImportRefused) as caught:
        import_file(kind="deals", path=path, user=ops)
    assert [e.reason for e in caught.value.errors] == [
        "a deal dated in a closed quarter (booked or effective) cannot change: FY27-Q1 and FY27-Q2 are closed"
        " (ops may re-open them, with a reason)"
    ]
