"""DESIGN §4.4 NRR: start ARR of the book on the first day, deals credited to the quarter, attainment."""

from datetime import date
from decimal import Decimal as D

from commissions.engine import calculate_quarter

from .builders import assignment, customer, deal, line, nrr_only, quarter, thirds_plan, total


def nrr_line(customers, *, plan_spec=None, **kwargs) -> dict:
    return line(
        calculate_quarter(quarter(customers=customers, plan_spec=plan_spec or nrr_only(), **kwargs)), "NRR"
    )


def test_nrr_start_arr_is_arr_at_first_day():
    customers = [
        customer("C1", arr=100000, arr_as_of=date(2021, 5, 1)),  # as of the first day: counts
        customer("C2", arr=50000, arr_as_of=date(2021, 5, 2)),  # only after the first day: contributes 0
    ]
    later = [{"customer_id": "C1", "as_of": date(2021, 6, 1), "arr": D(999999), "currency": "USD"}]
    nrr = nrr_line(customers, arr=later, deals=[deal("D1", "C1", "expansion", 5000, date(2021, 6, 1))])
    assert nrr["detail"]["start_arr"] == D(100000)
    assert nrr["detail"]["delta"] == D(5000)
    assert nrr["metric_value"] == D("1.05")


def test_nrr_start_arr_takes_the_latest_row_on_or_before_first_day():
    earlier = [{"customer_id": "C1", "as_of": date(2020, 5, 1), "arr": D(10), "currency": "USD"}]
    nrr = nrr_line([customer("C1", arr=80000, arr_as_of=date(2021, 4, 30))], arr=earlier)
    assert nrr["detail"]["start_arr"] == D(80000)
    assert nrr["metric_value"] == D(1)


def test_deals_credited_by_booked_date():
    deals = [
        deal("D1", "C1", "expansion", 1000, booked_on=date(2021, 5, 1), effective_on=date(2021, 4, 1)),  # in
        deal("D2", "C1", "expansion", 2000, booked_on=date(2021, 7, 31), effective_on=date(2021, 8, 1)),  # in
        deal(
            "D3", "C1", "expansion", 4000, booked_on=date(2021, 4, 30), effective_on=date(2021, 5, 10)
        ),  # out
        deal("D4", "C1", "expansion", 8000, booked_on=date(2021, 8, 1), effective_on=date(2021, 7, 1)),  # out
    ]
    nrr = nrr_line([customer("C1")], deals=deals, plan_spec=nrr_only())
    assert nrr["detail"]["delta"] == D(3000)


def test_deals_credited_by_effective_date():
    deals = [
        deal("D1", "C1", "expansion", 1000, booked_on=date(2021, 5, 1), effective_on=date(2021, 4, 1)),  # out
        deal(
            "D2", "C1", "expansion", 2000, booked_on=date(2021, 7, 31), effective_on=date(2021, 8, 1)
        ),  # out
        deal("D3", "C1", "expansion", 4000, booked_on=date(2021, 4, 30), effective_on=date(2021, 5, 1)),  # in
        deal("D4", "C1", "expansion", 8000, booked_on=date(2021, 8, 1), effective_on=date(2021, 7, 31)),  # in
    ]
    plan_spec = thirds_plan(credit_date="effective")
    result = calculate_quarter(quarter(customers=[customer("C1")], deals=deals, plan_spec=plan_spec))
    assert line(result, "NRR")["detail"]["delta"] == D(12000)
    assert sorted(result.deals["deal_id"]) == ["D3", "D4"]


def test_churn_and_contraction_lower_nrr():
    deals = [
        deal("D1", "C1", "expansion", 10000, date(2021, 5, 10)),
        deal("D2", "C1", "contraction", -5000, date(2021, 6, 10)),
        deal("D3", "C2", "churn", -20000, date(2021, 7, 10)),
        deal("D4", "C2", "renewal", -1000, date(2021, 7, 11)),
    ]
    nrr = nrr_line([customer("C1"), customer("C2", arr=20000)], deals=deals)
    assert nrr["detail"]["start_arr"] == D(120000)
    assert nrr["detail"]["delta"] == D(-16000)
    assert nrr["metric_value"] == D(104000) / D(120000)
    assert nrr["attainment"] == D(0)  # below the floor of 1.0


def test_deals_of_customers_outside_the_book_are_not_credited():
    customers = [customer("C1", owner="E1"), customer("C2", owner="E2")]
    # C3 left E1's book for E2 on 2021-07-15: its deals, even those booked while E1 owned it, go to E2.
    customers.append(customer("C3", owner="E1", arr=50000))
    ownership = [{"customer_id": "C3", "employee_id": "E2", "start_date": date(2021, 7, 15)}]
    deals = [
        deal("D1", "C1", "expansion", 1000, date(2021, 6, 1)),
        deal("D2", "C2", "expansion", 2000, date(2021, 6, 1)),
        deal("D3", "C3", "expansion", 4000, date(2021, 6, 1)),
        deal("D9", "C9", "expansion", 8000, date(2021, 6, 1)),  # nobody's customer
    ]
    result = calculate_quarter(
        quarter(
            customers=customers,
            ownership=ownership,
            deals=deals,
            plan_spec=nrr_only(),
            assignments=[assignment("E1"), assignment("E2")],
        )
    )
    assert line(result, "NRR", "E1")["detail"]["delta"] == D(1000)
    assert line(result, "NRR", "E1")["detail"]["start_arr"] == D(100000)
    assert line(result, "NRR", "E2")["detail"]["delta"] == D(6000)
    assert line(result, "NRR", "E2")["detail"]["start_arr"] == D(150000)


def test_nrr_floor_and_goal_from_assignment_override_component():
    deals = [deal("D1", "C1", "expansion", 5000, date(2021, 6, 1))]  # NRR = 1.05
    # Component goal 1.10, floor 0.9: (1.05 − 0.9)/(1.10 − 0.9) = 0.75.
    nrr = nrr_line([customer("C1")], deals=deals, plan_spec=nrr_only(floor="0.9"))
    assert nrr["attainment"] == D("0.75")
    # The assignment's goal 1.20 overrides the component's: (1.05 − 0.9)/(1.20 − 0.9) = 0.5.
    nrr = nrr_line(
        [customer("C1")],
        deals=deals,
        plan_spec=nrr_only(floor="0.9"),
        assignments=[assignment(nrr_goal="1.20")],
    )
    assert nrr["attainment"] == D("0.5")
    assert nrr["detail"]["goal"] == D("1.20")
    assert nrr["detail"]["floor"] == D("0.9")


def test_nrr_floor_defaults_to_one():
    from .builders import component, plan

    no_floor = plan(component("NRR", "nrr", goal="1.10"))
    nrr = nrr_line(
        [customer("C1")], deals=[deal("D1", "C1", "expansion", 5000, date(2021, 6, 1))], plan_spec=no_floor
    )
    assert nrr["detail"]["floor"] == D(1)
    assert nrr["attainment"] == D("0.5")


def test_nrr_below_floor_gives_zero():
    nrr = nrr_line([customer("C1")], deals=[deal("D1", "C1", "contraction", -5000, date(2021, 6, 1))])
    assert nrr["metric_value"] == D("0.95")
    assert nrr["applies"] is True
    assert nrr["attainment"] == D(0)
    assert nrr["factor"] == D(0)
    assert nrr["payout"] == D("0.00")


def test_nrr_at_floor_gives_zero_and_at_goal_gives_one():
    assert nrr_line([customer("C1")])["attainment"] == D(0)
    at_goal = nrr_line([customer("C1")], deals=[deal("D1", "C1", "expansion", 10000, date(2021, 6, 1))])
    assert at_goal["attainment"] == D(1)


def test_nrr_over_goal_over_achieves():
    deals = [deal("D1", "C1", "expansion", 20000, date(2021, 6, 1))]  # NRR 1.20, goal 1.10: attainment 2
    nrr = nrr_line([customer("C1")], deals=deals)
    assert nrr["attainment"] == D(2)
    assert nrr["factor"] == D(2)  # no cap: accelerator 1 keeps f = attainment
    assert nrr["payout"] == D("6000.00")
    nrr = nrr_line([customer("C1")], deals=deals, plan_spec=nrr_only(accelerator="1.5"))
    assert nrr["factor"] == D("2.5")  # 1 + 1.5 × (2 − 1)
    assert nrr["payout"] == D("7500.00")


def test_nrr_does_not_apply_when_start_arr_is_zero():
    customers = [customer("C1", arr=100000, arr_as_of=date(2021, 5, 2)), customer("C2", arr=None)]
    deals = [deal("D1", "C1", "renewal", 5000, date(2021, 6, 1))]
    result = calculate_quarter(quarter(customers=customers, deals=deals))
    nrr = line(result, "NRR")
    assert nrr["applies"] is False
    assert nrr["metric_value"] is None
    assert nrr["payout"] == D("0.00")
    # Its weight goes to the other components: adoption (r = 0.5, ARR 100000 at the end) and KPI (f = 1).
    assert line(result, "ADOPTION")["payout"] == D("750.00")
    assert line(result, "KPI")["payout"] == D("1500.00")
    assert total(result) == D("2250.00")


def test_nrr_does_not_apply_to_an_empty_book():
    nrr = nrr_line([], deals=[deal("D1", "C1", "expansion", 5000, date(2021, 6, 1))])
    assert nrr["applies"] is False
