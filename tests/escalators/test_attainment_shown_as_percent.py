"""A statement writes an escalator's attainment (a ratio, 1 = the goal, docs/design.md §11.1) as a
percentage like every other attainment, its bar too; the engine's entry keeps the exact value."""

from decimal import Decimal
from types import SimpleNamespace

from dashboards.csm.derivation import escalator_rows

EXACT = Decimal("0.477857665686192407108471959")


def _line(metric: str, value, at_least: str) -> SimpleNamespace:
    entry = {
        "code": "target",
        "metric": metric,
        "over": "quarter",
        "at_least": Decimal(at_least),
        "multiplier": Decimal("1.10"),
        "applies_to": "total",
        "values": [["FY27-Q3", value]],
        "qualified": False,
        "added": Decimal("0.00"),
    }
    return SimpleNamespace(detail={"escalators": [entry]})


def test_an_attainment_is_a_rounded_percentage_and_its_bar_too():
    [row] = escalator_rows([_line("attainment", EXACT, "1.0")], "USD")

    assert row["values"] == "FY27-Q3: 47.8%"  # 47.7857…% half-up to one decimal
    assert row["bar"] == "≥ 100.0%, over the quarter"


def test_a_component_attainment_and_a_missing_one_read_the_same_way():
    [row] = escalator_rows([_line("attainment.adoption", Decimal("1.0456"), "0.9")], "USD")
    [none] = escalator_rows([_line("attainment", None, "1.0")], "USD")

    assert row["values"] == "FY27-Q3: 104.6%" and row["bar"] == "≥ 90.0%, over the quarter"
    assert none["values"] == "FY27-Q3: no value"


def test_a_person_metric_keeps_its_plain_number():
    [row] = escalator_rows([_line("login_rate", Decimal("92.50"), "90")], "USD")

    assert row["values"] == "FY27-Q3: 92.5" and row["bar"] == "≥ 90, the quarter's mean"
