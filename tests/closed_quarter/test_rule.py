"""The one rule: does a change alter what a closed quarter read? (commissions/closed.py)"""

from datetime import date

from adoption.models import Activity, ArrRecord, Customer, Ownership, ScoreObservation
from commissions.closed import ClosedQuarter, closed_quarter_read, reads_of
from commissions.models import Assignment, Deal, FxRate, KpiActual

Q2 = ClosedQuarter("FY22-Q2", date(2021, 5, 1), date(2021, 7, 31))
CLOSED = [Q2]


def read(model, old, new):
    hit = closed_quarter_read(reads_of(model), old, new, CLOSED)
    return None if hit is None else (hit[0].code, hit[1])


def assignment(start, end=None, amount=3000):
    return {"start_date": start, "end_date": end, "on_target_amount": amount}


def test_an_unchanged_row_is_no_change_whatever_its_dates():
    row = assignment(date(2021, 2, 1))
    assert read(Assignment, row, dict(row)) is None


def test_an_assignment_overlapping_a_closed_quarter_as_stored_or_as_new_is_read():
    # A changed row is placed by the field that changed; a new one by where it lies.
    assert read(Assignment, assignment(date(2021, 2, 1)), assignment(date(2021, 2, 1), amount=4000)) == (
        "FY22-Q2",
        "on_target_amount",
    )
    assert read(Assignment, None, assignment(date(2021, 7, 31))) == ("FY22-Q2", "start_date")
    stored_over_q2 = assignment(date(2021, 2, 1))
    assert read(Assignment, stored_over_q2, assignment(date(2021, 2, 1), date(2021, 4, 30))) is not None


def test_an_assignment_outside_every_closed_quarter_is_free():
    assert read(Assignment, None, assignment(date(2021, 2, 1), date(2021, 4, 30))) is None
    assert read(Assignment, None, assignment(date(2021, 8, 1))) is None


def test_ownership_and_arr_are_read_from_their_date_on():
    assert read(Ownership, None, {"start_date": date(2019, 1, 1), "employee_id": 1}) == (
        "FY22-Q2",
        "start_date",
    )
    assert read(Ownership, None, {"start_date": date(2021, 8, 1), "employee_id": 1}) is None
    assert read(ArrRecord, {"as_of": date(2021, 7, 31), "arr": 1}, None) == ("FY22-Q2", "as_of")
    assert read(ArrRecord, None, {"as_of": date(2021, 8, 1), "arr": 1}) is None


def test_scores_are_read_only_inside_the_closed_quarter():
    assert read(ScoreObservation, None, {"as_of": date(2021, 5, 1), "score": 1}) == ("FY22-Q2", "as_of")
    assert read(ScoreObservation, None, {"as_of": date(2021, 4, 30), "score": 1}) is None


def test_activities_are_read_on_their_date_inside_the_closed_quarter():
    qbr = {"date": date(2021, 7, 31), "type": "qbr", "value": None}
    assert read(Activity, None, qbr) == ("FY22-Q2", "date")
    assert read(Activity, qbr, None) == ("FY22-Q2", "date")  # a delete
    assert read(Activity, None, qbr | {"date": date(2021, 8, 1)}) is None
    assert read(Activity, None, qbr | {"date": date(2021, 4, 30)}) is None
    assert read(Activity, qbr | {"date": date(2021, 8, 1)}, qbr) == ("FY22-Q2", "date")  # moved into it


def test_deals_kpis_and_fx_are_read_by_their_dates_and_period():
    deal = {"booked_on": date(2021, 4, 30), "effective_on": date(2021, 6, 1), "arr_delta": 1}
    assert read(Deal, None, deal) == ("FY22-Q2", "effective_on")
    assert read(KpiActual, None, {"period": "FY22-Q2", "value": 1}) == ("FY22-Q2", "period")
    assert read(FxRate, {"period": "FY22-Q3", "rate": 1}, {"period": "FY22-Q3", "rate": 2}) is None


def test_only_a_customers_start_date_is_read_and_a_new_customer_is_in_no_closed_book():
    stored = {"start_date": date(2021, 6, 15), "name": "Initech", "geo": "AMER"}
    assert read(Customer, stored, stored | {"name": "Initech Ltd", "geo": "EMEA"}) is None
    assert read(Customer, stored, stored | {"start_date": date(2021, 3, 1)}) == ("FY22-Q2", "start_date")
    assert read(Customer, stored, None) == ("FY22-Q2", "start_date")
    assert read(Customer, None, stored) is None
    later = {"start_date": date(2021, 9, 1)}
    assert read(Customer, later, {"start_date": date(2021, 10, 1)}) is None
