"""A person metric dated in a closed quarter is frozen (docs/design.md §11.1, commissions/closed.py): its
runs' escalators read it. FY22-Q2 (2021-05-01–2021-07-31) closed, as in tests/closed_quarter."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role, User
from adoption.models import PortfolioKpiDay
from adoption.portfolio.kpi_days import compute_kpi_days
from commissions.models import PersonMetric
from commissions.services.imports import ImportRefused, import_file
from commissions.services.person_metrics import stored_metric_values
from tests.builders import make_user
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


def test_the_built_in_metrics_of_a_closed_quarter_do_not_change(closed, csv_file, ops):  # noqa: F811
    """scorecard_average reads scores and ownership, kpi.<code> the stored KPI days: a closed quarter
    freezes all three (commissions/closed.py, docs/design.md §10.4), so what its escalators read stays."""
    e1 = User.objects.get(employee_id="E1")
    PortfolioKpiDay.objects.create(day=date(2021, 7, 31), level="csm", key="E1", kpi="dau_mau", value="0.5")

    def values(metric: str) -> set[tuple]:
        found = stored_metric_values(
            metric=metric, employees=[e1.pk], first=date(2021, 5, 1), last=date(2021, 7, 31)
        )
        return {(v.day, v.value) for v in found}

    before = values("scorecard_average")
    # The worked example's scores: C3 (E1's from 2021-06-15) 20 on 07-20, C1 55 on 07-30, C2 72 on 07-31.
    assert before == {
        (date(2021, 7, 20), Decimal("20.0000")),
        (date(2021, 7, 30), Decimal("55.0000")),
        (date(2021, 7, 31), Decimal("72.0000")),
    }
    make_user(Role.CSM, employee_id="E2")
    for kind, text in (
        ("scores", "customer_id,as_of,score\nC1,2021-07-30,99\n"),
        ("ownership", "customer_id,employee_id,start_date\nC1,E2,2021-07-01\n"),
    ):
        with pytest.raises(ImportRefused) as caught:
            import_file(kind=kind, path=csv_file(text), user=ops)
        assert "FY22-Q2 is closed" in caught.value.errors[0].reason, kind
    compute_kpi_days(date(2021, 7, 31), date(2021, 7, 31))

    assert values("scorecard_average") == before
    assert values("kpi.dau_mau") == {(date(2021, 7, 31), Decimal("0.5"))}
