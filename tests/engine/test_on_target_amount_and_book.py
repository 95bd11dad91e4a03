"""DESIGN §4.1 (on-target amount) and §4.2 (book), on the pure engine."""

from datetime import date
from decimal import Decimal as D

from commissions.engine import calculate_quarter

from .builders import assignment, customer, customer_line, kpi_only, oti, quarter, total

Q2_DAYS = 92  # 2021-05-01 … 2021-07-31, both ends counted


def oti_of(*assignments) -> D:
    return oti(calculate_quarter(quarter(assignments=list(assignments), plan_spec=kpi_only())))


def test_oti_is_prorated_by_days_of_assignment_inside_quarter():
    # Whole quarter, open end_date: the full amount.
    assert oti_of(assignment(start_date=date(2021, 2, 1), end_date=None)) == D("3000.00")
    # Starts mid-quarter, open end: June 1 … July 31 = 61 days, inclusive.
    assert oti_of(assignment(start_date=date(2021, 6, 1))) == D("3000.00") * 61 / Q2_DAYS
    # Ends mid-quarter: May 1 … May 31 = 31 days.
    assert oti_of(assignment(end_date=date(2021, 5, 31))) == D("3000.00") * 31 / Q2_DAYS
    # Both ends inside the quarter: June 10 … June 19 = 10 days.
    one_stint = assignment(start_date=date(2021, 6, 10), end_date=date(2021, 6, 19))
    assert oti_of(one_stint) == D("3000.00") * 10 / Q2_DAYS


def test_oti_days_are_counted_inclusively():
    # An assignment of a single day (start == end) counts one day.
    assert (
        oti_of(assignment(start_date=date(2021, 7, 31), end_date=date(2021, 7, 31))) == D("3000.00") / Q2_DAYS
    )
    assert (
        oti_of(assignment(start_date=date(2021, 2, 1), end_date=date(2021, 5, 1))) == D("3000.00") / Q2_DAYS
    )
    # An end_date on the quarter's last day is the whole quarter.
    assert oti_of(assignment(end_date=date(2021, 7, 31))) == D("3000.00")


def test_oti_open_end_date_runs_past_quarter():
    assert oti_of(assignment(start_date=date(2021, 7, 1), end_date=None)) == D("3000.00") * 31 / Q2_DAYS


def test_oti_of_two_assignments_in_one_quarter_sum():
    first = assignment(start_date=date(2021, 2, 1), end_date=date(2021, 5, 31), amount="3000.00")
    second = assignment(start_date=date(2021, 6, 1), amount="6000.00")
    expected = D("3000.00") * 31 / Q2_DAYS + D("6000.00") * 61 / Q2_DAYS
    assert oti_of(first, second) == expected


def test_oti_is_exact_until_the_payout_is_rounded():
    # 3000 × 61 / 92 = 1989.1304347826…; the KPI line at f = 1 pays it rounded half-up once.
    result = calculate_quarter(
        quarter(assignments=[assignment(start_date=date(2021, 6, 1))], plan_spec=kpi_only())
    )
    assert oti(result) == D("3000.00") * 61 / Q2_DAYS
    assert total(result) == D("1989.13")


def test_csm_without_overlapping_assignment_is_not_paid():
    assignments = [
        assignment("E1"),
        assignment("E2", start_date=date(2021, 2, 1), end_date=date(2021, 4, 30)),  # ends the day before Q2
        assignment("E3", start_date=date(2021, 8, 1)),  # starts the day after Q2
    ]
    customers = [customer("C1", owner="E1"), customer("C2", owner="E2"), customer("C3", owner="E3")]
    result = calculate_quarter(quarter(customers=customers, assignments=assignments))
    assert list(result.payouts["employee_id"]) == ["E1"]
    assert set(result.components["employee_id"]) == {"E1"}
    assert set(result.customers["employee_id"]) == {"E1"}


def test_customer_moved_mid_quarter_counts_wholly_for_owner_at_quarter_end():
    # C1 belonged to E2 until 2021-06-30 and is E1's from 2021-07-01: it is wholly E1's for Q2.
    moved = customer("C1", owner="E2", score=55)
    ownership = [{"customer_id": "C1", "employee_id": "E1", "start_date": date(2021, 7, 1)}]
    # C2 was E1's and moved to E2 on the quarter's last day: wholly E2's.
    leaving = customer("C2", owner="E1", score=60)
    ownership.append({"customer_id": "C2", "employee_id": "E2", "start_date": date(2021, 7, 31)})
    # C3 moves to E1 only after the quarter: still E2's.
    later = customer("C3", owner="E2", score=40)
    ownership.append({"customer_id": "C3", "employee_id": "E1", "start_date": date(2021, 8, 1)})
    inputs = quarter(
        customers=[moved, leaving, later],
        ownership=ownership,
        assignments=[assignment("E1"), assignment("E2")],
        kpis={"E1": 10, "E2": 10},
    )
    result = calculate_quarter(inputs)
    assert customer_line(result, "C1")["employee_id"] == "E1"
    assert customer_line(result, "C2")["employee_id"] == "E2"
    assert customer_line(result, "C3")["employee_id"] == "E2"
    adoption = result.components[result.components["component"] == "ADOPTION"].set_index("employee_id")
    assert adoption.at["E1", "metric_value"] == D("0.75")  # C1 alone: (55 − 40)/(60 − 40)
    # NRR start ARR of the whole customer goes with it too.
    nrr = result.components[result.components["component"] == "NRR"].set_index("employee_id")
    assert nrr.at["E1", "detail"]["start_arr"] == D(100000)
    assert nrr.at["E2", "detail"]["start_arr"] == D(200000)


def test_customer_owned_by_someone_without_an_assignment_is_in_no_book():
    result = calculate_quarter(quarter(customers=[customer("C1", owner="E1"), customer("C9", owner="E9")]))
    assert list(result.customers["customer_id"]) == ["C1"]
