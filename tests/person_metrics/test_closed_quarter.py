"""A person metric dated in a closed quarter is frozen (docs/design.md §11.1, commissions/closed.py): its
runs' escalators read it. FY22-Q2 (2021-05-01–2021-07-31) closed, as in tests/closed_quarter."""

from decimal import Decimal

import pytest

from commissions.models import PersonMetric
from commissions.services.imports import ImportRefused, import_file
from tests.closed_quarter.conftest import _closed_of_module, closed, ops  # noqa: F401

from .conftest import lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def load(csv_file, ops):  # noqa: F811
    def run(*rows: str):
        return import_file(kind="person_metrics", path=csv_file(lines(*rows)), user=ops)

    return run


def refused(load, *rows: str) -> list[tuple]:
    with pytest.raises(ImportRefused) as caught:
        load(*rows)
    return [(e.line, e.column, e.value, e.reason) for e in caught.value.errors]


def test_a_day_or_a_month_inside_a_closed_quarter_is_refused_and_the_stored_row_again_is_no_change(
    closed,  # noqa: F811
    load,
):
    errors = refused(load, "E1,2021-07-31,data_quality,96", "E1,2021-05,demerits,1")

    assert [(line, column, value) for line, column, value, _ in errors] == [
        (2, "date", "2021-07-31"),
        (3, "date", "2021-05"),
    ]
    assert "FY22-Q2 is closed: person metrics dated in it cannot change" in errors[0][3]
    # On either side of the closed quarter a metric imports; the same rows again change nothing.
    assert load("E1,2021-04,data_quality,90", "E1,2021-08-01,data_quality,97").created == 2
    assert load("E1,2021-04,data_quality,90").unchanged == 1
    assert "cannot change" in refused(load, "E1,2021-04,data_quality,91", "E1,2021-06-15,x,1")[0][3]
    assert PersonMetric.objects.get(date="2021-04-01").value == Decimal("90")
