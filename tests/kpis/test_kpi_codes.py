"""The computed KPIs' codes name the threshold they were counted at (docs/kpis.md)."""

from decimal import Decimal

from adoption.kpis import COUNT, RATIO, FeatureRule, KpiRules, kpi_codes


def test_the_below_count_is_named_for_its_threshold_in_percent():
    assert "util_below_60" in kpi_codes(KpiRules())
    assert "util_below_62_5" in kpi_codes(KpiRules(utilisation_threshold=Decimal("0.625")))
    assert "util_below_50" in kpi_codes(KpiRules(utilisation_threshold=Decimal("0.5")))


def test_each_code_has_its_unit_and_key_features_are_counted_each():
    codes = kpi_codes(KpiRules(key_features=(FeatureRule("reports", 5, 2, 4),)))
    assert codes == {
        "util_below_60": COUNT,
        "avg_utilisation": RATIO,
        "util_rising": COUNT,
        "dau_mau": RATIO,
        "weekly_active": COUNT,
        "qbr_coverage": RATIO,
        "key_feature:reports": COUNT,
    }
