"""The one way Attain writes values (docs/design.md §6 "Formats"; core/formatting.py)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from core import formatting as fmt


def test_money_has_thousands_separators_two_decimals_and_its_currency_code_after_it():
    assert fmt.money(Decimal("12345.675"), "USD") == "12,345.68 USD"
    assert fmt.money(Decimal("-1234.5"), "EUR") == "-1,234.50 EUR"
    assert fmt.money(0, "GBP") == "0.00 GBP"


def test_money_refuses_a_float_and_a_missing_currency():
    with pytest.raises(TypeError):
        fmt.money(12.5, "USD")
    with pytest.raises(ValueError, match="currency"):
        fmt.money(Decimal("1"), "")


def test_no_money_is_a_dash():
    assert fmt.money(None, "USD") == fmt.MISSING == "—"


def test_money_before_rounding_keeps_every_decimal_and_at_least_two():
    assert fmt.money_exact(Decimal("1234.56789"), "USD") == "1,234.56789 USD"
    assert fmt.money_exact(Decimal("1234.5"), "USD") == "1,234.50 USD"
    assert fmt.money_exact(Decimal("1E+3"), "USD") == "1,000.00 USD"


def test_a_ratio_on_a_page_is_a_percentage_with_one_decimal():
    assert fmt.percent(Decimal("0.38695")) == "38.7%"
    assert fmt.percent(Decimal("0.6548")) == "65.5%"
    assert fmt.percent(Decimal("1.05")) == "105.0%"
    assert fmt.percent(Decimal("12.5")) == "1,250.0%"
    assert fmt.percent(None) == "—"
    with pytest.raises(TypeError):
        fmt.percent(0.5)


def test_an_exact_ratio_is_a_percentage_with_every_decimal():
    assert fmt.percent_exact(Decimal("0.654789")) == "65.4789%"
    assert fmt.percent_exact(Decimal("1.000000")) == "100%"


def test_weights_and_numbers_have_no_trailing_zeros():
    assert fmt.weight(Decimal("1.000000")) == "1"
    assert fmt.weight(Decimal("0.500000")) == "0.5"
    assert fmt.number(Decimal("1234.50")) == "1,234.5"
    assert fmt.number(Decimal("1E+3")) == "1,000"
    assert fmt.number(7) == "7"


def test_dates_are_iso_and_ranges_have_an_en_dash_between_spaces():
    assert fmt.iso_date(date(2026, 8, 1)) == "2026-08-01"
    assert fmt.iso_date(datetime(2026, 8, 1, 23, 59, tzinfo=UTC)) == "2026-08-01"
    assert fmt.iso_datetime(datetime(2026, 8, 1, 14, 5, 9)) == "2026-08-01 14:05"
    assert fmt.iso_datetime(datetime(2026, 8, 1, 14, 5, 9), seconds=True) == "2026-08-01 14:05:09"
    assert fmt.date_range(date(2026, 8, 1), date(2026, 10, 31)) == "2026-08-01 \u2013 2026-10-31"


def test_downloads_keep_two_decimals_for_money_and_four_for_ratios():
    assert fmt.export_money(Decimal("10.005")) == Decimal("10.01")
    assert str(fmt.export_money(Decimal("3"))) == "3.00"
    assert str(fmt.export_ratio(Decimal("0.38695"))) == "0.3870"
    assert fmt.export_value(Decimal("0.123456"), "percent") == Decimal("0.1235")
    assert fmt.export_value(Decimal("7.5"), "number") == Decimal("7.5")
    assert fmt.export_value(None, "money") is None


def test_a_csv_cell_writes_dates_iso_and_none_empty():
    assert fmt.csv_text(date(2026, 8, 1)) == "2026-08-01"
    assert fmt.csv_text(datetime(2026, 8, 1, 14, 5, 9)) == "2026-08-01 14:05:09"
    assert fmt.csv_text(None) == ""
    assert fmt.csv_text("x") == "x"


def test_a_score_has_two_decimals_wherever_it_is_written():
    assert fmt.score(Decimal("70")) == "70.00"
    assert fmt.score(Decimal("8.65")) == "8.65"
    assert fmt.score(Decimal("60.4")) == "60.40"
    assert fmt.score(Decimal("66.625")) == "66.63"  # half-up
    assert fmt.score(None) == "—"
    with pytest.raises(TypeError):
        fmt.score(70.0)


def test_a_change_of_score_carries_its_sign():
    assert fmt.score(Decimal("4.2"), signed=True) == "+4.20"
    assert fmt.score(Decimal("-1.05"), signed=True) == "-1.05"
    assert fmt.score(Decimal("-0.001"), signed=True) == "0.00"


def test_a_kpi_metric_value_is_a_count_and_adoption_and_nrr_are_percentages():
    assert fmt.metric_value(Decimal("8.000000"), "kpi") == "8"
    assert fmt.metric_value(Decimal("0.800000"), "adoption") == "80.0%"
    assert fmt.metric_value(Decimal("1.050000"), "nrr") == "105.0%"
    assert fmt.metric_kind("kpi") == "number" and fmt.metric_kind("nrr") == "ratio"


def test_a_requests_value_is_written_by_its_kind():
    assert fmt.request_value(Decimal("0.5000"), "exception") == "50.0%"
    assert fmt.request_value(Decimal("0.1000"), "extra_credit") == "+10.0 percentage points"
    assert fmt.request_kind("extra_credit") == "points" and fmt.request_kind("exception") == "ratio"


def test_downloads_write_scores_with_two_decimals_and_points_as_ratios():
    assert str(fmt.export_value(Decimal("60.4"), "score")) == "60.40"
    assert str(fmt.export_value(Decimal("0.1"), "points")) == "0.1000"
    assert str(fmt.export_value(Decimal("12.5"), "change")) == "12.50"
