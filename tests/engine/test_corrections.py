"""Inputs with corrections (``engine.corrections.with_corrections``, issue 14): a restatement is the same
calculation over the closed quarter's inputs with the corrections laid over them."""

from datetime import date
from decimal import Decimal as D

import pytest

from commissions.engine import calculate_quarter
from commissions.engine.corrections import with_corrections

from .builders import line, total, worked_example


def test_no_correction_calculates_the_quarter_as_it_was():
    inputs = worked_example()
    assert total(calculate_quarter(with_corrections(inputs, []))) == D("2333.33")


def test_an_exception_is_applied_after_the_quarters_own_adjustments():
    exception = ("adjustment", [{"customer_id": "C1", "kind": "exception", "value": D("1")}])
    result = calculate_quarter(with_corrections(worked_example(), [exception]))
    assert line(result, "ADOPTION")["payout"] == D("1000.00") and total(result) == D("2500.00")


def test_a_corrected_row_replaces_the_row_with_its_key_and_leaves_the_inputs_alone():
    inputs = worked_example()
    before = inputs.kpis.copy()
    corrected = with_corrections(inputs, [("kpi", [{"employee_id": "E1", "kpi": "prs", "value": D("5")}])])
    assert inputs.kpis.equals(before)
    assert list(corrected.kpis["value"]) == [D("5")]
    assert line(calculate_quarter(corrected), "KPI")["payout"] == D("500.00")


def test_rows_about_people_or_customers_outside_the_inputs_change_nothing():
    inputs = worked_example()
    elsewhere = [
        ("kpi", [{"employee_id": "E9", "kpi": "prs", "value": D("1")}]),
        ("adjustment", [{"customer_id": "C99", "kind": "exception", "value": D("1")}]),
    ]
    corrected = with_corrections(inputs, elsewhere)
    assert corrected.kpis.equals(inputs.kpis) and corrected.adjustments.equals(inputs.adjustments)


def test_clawbacks_of_one_expansion_add_up_to_at_most_all_of_it():
    def nrr_payout(*shares):
        claws = [
            ("clawback", [{"deal_id": "D1", "share": D(s), "by_deal": f"X{i}"}]) for i, s in enumerate(shares)
        ]
        return line(calculate_quarter(with_corrections(worked_example(), claws)), "NRR")["payout"]

    assert nrr_payout("0.4") == D("300.00")
    assert nrr_payout("0.4", "0.4") == D("100.00")
    assert nrr_payout("0.8", "0.8") == nrr_payout("1") == D("0.00")


def test_the_latest_clawback_of_one_pair_revises_the_earlier_ones():
    # A corrected contraction re-records its pair's clawback: 40% undone, then 20%, then nothing.
    def nrr_payout(*shares):
        claws = [("clawback", [{"deal_id": "D1", "share": D(s), "by_deal": "D9"}]) for s in shares]
        return line(calculate_quarter(with_corrections(worked_example(), claws)), "NRR")["payout"]

    assert nrr_payout("0.4") == D("300.00")
    assert nrr_payout("0.4", "0.2") == D("400.00")
    assert nrr_payout("0.4", "0") == nrr_payout() == D("500.00")


def test_an_fx_correction_adds_the_quarters_missing_rate():
    late = {
        "deal_id": "D-LATE",
        "customer_id": "C1",
        "type": "renewal",
        "arr_delta": D("1000"),
        "currency": "EUR",
        "booked_on": date(2021, 7, 1),
        "effective_on": date(2021, 7, 1),
    }
    from core.errors import MissingFxRate

    with pytest.raises(MissingFxRate, match="EUR"):
        calculate_quarter(with_corrections(worked_example(), [("deal", [late])]))
    rated = with_corrections(
        worked_example(), [("fx", [{"currency": "EUR", "rate": D("1.2")}]), ("deal", [late])]
    )
    assert line(calculate_quarter(rated), "NRR")["detail"]["delta"] == D("7500") + D("1200")
