"""DESIGN §3 `fx` and §4.1: amounts convert as amount × rate(from) / rate(plan currency); never guessed."""

from datetime import date
from decimal import Decimal as D

import pytest

from commissions.engine import calculate_quarter
from core.errors import MissingFxRate

from .builders import (
    adoption_only,
    component,
    customer,
    customer_line,
    deal,
    line,
    nrr_only,
    plan,
    quarter,
    thirds_plan,
    total,
)


def test_amounts_convert_amount_times_rate_from_over_rate_plan_currency():
    # A EUR customer in a USD plan (USD is the base): 50,000 EUR × 1.2 / 1 = 60,000 USD.
    customers = [customer("C1", arr=100000), customer("C2", arr=50000, currency="EUR")]
    deals = [deal("D1", "C2", "renewal", 10000, date(2021, 5, 10), currency="EUR")]
    result = calculate_quarter(quarter(customers=customers, deals=deals, fx={"EUR": "1.2"}))
    nrr = line(result, "NRR")
    assert nrr["detail"]["start_arr"] == D(160000)
    assert nrr["detail"]["delta"] == D(12000)
    assert nrr["metric_value"] == D(172000) / D(160000)
    assert customer_line(result, "C2")["weight"] == D(60000)


def test_usd_customer_in_eur_plan_divides_by_the_plan_currencys_rate():
    # Base USD, plan EUR at 1.25 USD per EUR: 100,000 USD × 1 / 1.25 = 80,000 EUR.
    customers = [customer("C1", arr=100000, currency="USD"), customer("C2", arr=20000, currency="EUR")]
    deals = [deal("D1", "C1", "renewal", 5000, date(2021, 6, 1), currency="USD")]
    result = calculate_quarter(
        quarter(customers=customers, deals=deals, plan_spec=thirds_plan(currency="EUR"), fx={"EUR": "1.25"})
    )
    nrr = line(result, "NRR")
    assert nrr["detail"]["start_arr"] == D(100000)  # 80,000 + 20,000 EUR
    assert nrr["detail"]["delta"] == D(4000)
    assert customer_line(result, "C1")["weight"] == D(80000)
    assert result.currency == "EUR"


def test_cross_currency_goes_through_the_base():
    # GBP into an EUR plan: 10,000 GBP × 1.4 / 1.25 = 11,200 EUR.
    result = calculate_quarter(
        quarter(
            customers=[customer("C1", arr=10000, currency="GBP")],
            plan_spec=thirds_plan(currency="EUR"),
            fx={"EUR": "1.25", "GBP": "1.4"},
        )
    )
    assert line(result, "NRR")["detail"]["start_arr"] == D(11200)


def test_rates_are_the_quarters():
    # A EUR customer in a USD plan at this quarter's 1.1.
    result = calculate_quarter(
        quarter(
            customers=[customer("C1", arr=10000, currency="EUR")], plan_spec=nrr_only(), fx={"EUR": "1.1"}
        )
    )
    assert line(result, "NRR")["detail"]["start_arr"] == D(11000)


def test_missing_fx_rate_stops_with_currency_and_quarter_named():
    eur_customer = [customer("C1", arr=50000, currency="EUR")]
    with pytest.raises(MissingFxRate, match=r"EUR.*FY22-Q2"):
        calculate_quarter(quarter(customers=eur_customer, fx={}))
    # A EUR deal alone needs the rate too.
    eur_deal = [deal("D1", "C1", "expansion", 1000, date(2021, 6, 1), currency="EUR")]
    with pytest.raises(MissingFxRate, match=r"EUR.*FY22-Q2"):
        calculate_quarter(quarter(customers=[customer("C1")], deals=eur_deal, plan_spec=nrr_only()))
    # A USD customer in an EUR plan needs EUR's rate.
    with pytest.raises(MissingFxRate, match=r"EUR.*FY22-Q2"):
        calculate_quarter(quarter(customers=[customer("C1")], plan_spec=thirds_plan(currency="EUR")))
    # Only ARR weights of counted customers: adoption-only plan, EUR customer counted.
    with pytest.raises(MissingFxRate, match=r"GBP.*FY22-Q2"):
        calculate_quarter(
            quarter(customers=[customer("C1", currency="GBP")], plan_spec=adoption_only(), fx={"EUR": "1.2"})
        )


def test_plan_currency_needs_no_rate():
    # An EUR plan with EUR data only: no rate at all, not even EUR's.
    customers = [customer("C1", arr=100000, currency="EUR")]
    deals = [deal("D1", "C1", "expansion", 10000, date(2021, 6, 1), currency="EUR")]
    result = calculate_quarter(
        quarter(customers=customers, deals=deals, plan_spec=thirds_plan(currency="EUR"), fx={})
    )
    assert line(result, "NRR")["metric_value"] == D("1.1")
    # The USD (base) plan with USD data: no rate either.
    result = calculate_quarter(quarter(customers=[customer("C1")], fx={}))
    assert line(result, "ADOPTION")["applies"] is True


def test_a_currency_the_quarter_does_not_need_needs_no_rate():
    # A GBP customer in another CSM's book (no assignment) and a GBP deal outside the quarter.
    customers = [customer("C1"), customer("C9", owner="E9", currency="GBP")]
    deals = [deal("D1", "C1", "expansion", 1000, date(2021, 9, 1), currency="GBP")]
    result = calculate_quarter(quarter(customers=customers, deals=deals, fx={}))
    assert line(result, "NRR")["applies"] is True


def test_a_plan_without_nrr_needs_no_rate_for_deals():
    # Deals only matter to NRR (and, by their dates, to held harmless): their currency is not needed.
    deals = [deal("D1", "C1", "renewal", 1000, date(2021, 6, 1), currency="EUR")]
    no_nrr = plan(component("ADOPTION", "adoption"), component("KPI", "kpi", kpi="prs", goal=10))
    result = calculate_quarter(quarter(customers=[customer("C1", score=60)], deals=deals, plan_spec=no_nrr))
    assert total(result) == D("3000.00")
