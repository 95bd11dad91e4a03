"""Rules earn points once per person and month when the month's value is ≥ the threshold (docs/design.md
§11.4): the month's value is the mean of the person's rows of the month, compared exactly."""

from datetime import date
from decimal import Decimal

import pytest

from commissions.services.person_metrics import values_from
from incentives.errors import PointsInvalid
from incentives.models import PointsEntry
from incentives.services.points import earn_points, expires_after

from .conftest import LATER, logins_rule

pytestmark = pytest.mark.django_db
D = Decimal
JAN = date(2025, 1, 1)


def _earn(rows, month=JAN, **kw):
    return earn_points(month, metrics=values_from(rows), today=LATER, **kw)


def test_a_month_value_equal_to_the_threshold_earns_and_one_ten_thousandth_below_does_not(ops, csm, finance):
    logins_rule(ops, points=10)

    run = _earn([(csm.pk, JAN, D("90")), (finance.pk, JAN, D("89.9999"))])

    assert [(lot.employee_id, lot.points, lot.on, lot.expires_after) for lot in run.lots] == [
        (csm.pk, 10, date(2025, 1, 31), date(2026, 1, 31))
    ]


def test_the_month_value_is_the_mean_of_its_rows_compared_exactly(ops, csm, finance):
    logins_rule(ops, threshold="90")
    rows = [
        # csm: (95 + 85) / 2 = 90 → earns; finance: (100 + 80 + 89.9999) / 3 = 89.99996… → does not.
        (csm.pk, date(2025, 1, 3), D("95")),
        (csm.pk, date(2025, 1, 20), D("85")),
        (finance.pk, date(2025, 1, 2), D("100")),
        (finance.pk, date(2025, 1, 3), D("80")),
        (finance.pk, date(2025, 1, 4), D("89.9999")),
        # A row of February is not January's.
        (finance.pk, date(2025, 2, 1), D("100")),
    ]

    run = _earn(rows)

    assert [(lot.employee_id, lot.metric_value) for lot in run.lots] == [(csm.pk, D("90"))]


def test_a_rerun_earns_nothing_twice_and_a_late_row_earns_then(ops, csm, finance):
    logins_rule(ops, points=10)
    first = _earn([(csm.pk, JAN, D("95"))])
    again = _earn([(csm.pk, JAN, D("95")), (finance.pk, JAN, D("91"))])

    assert (first.points, again.points, again.already) == (10, 10, 1)
    assert [lot.employee_id for lot in again.lots] == [finance.pk]
    assert PointsEntry.objects.filter(employee=csm).count() == 1


def test_a_rule_earns_only_in_its_months(ops, csm):
    logins_rule(ops, start=date(2025, 2, 15), end=date(2025, 3, 3))

    earned = [
        _earn([(csm.pk, m, D("99"))], month=m).points
        for m in (JAN, date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1))
    ]

    assert earned == [0, 10, 10, 0]


def test_a_month_not_over_is_refused(ops, csm):
    logins_rule(ops)

    with pytest.raises(PointsInvalid, match="2025-01 is not over yet"):
        earn_points(JAN, metrics=values_from([]), today=date(2025, 1, 31))
    assert earn_points(JAN, metrics=values_from([]), today=date(2025, 2, 1)).lots == []


def test_expiry_is_the_last_day_of_the_month_n_months_later(ops, csm, settings):
    assert expires_after(date(2025, 1, 15), 12) == date(2026, 1, 31)
    assert expires_after(date(2024, 11, 1), 3) == date(2025, 2, 28)
    settings.POINTS_EXPIRY_MONTHS = 3
    logins_rule(ops, code="default", start=date(2024, 11, 1))
    logins_rule(ops, code="own", start=date(2024, 11, 1), expiry_months=1)

    run = _earn([(csm.pk, date(2024, 11, 1), D("95"))], month=date(2024, 11, 1))

    assert {lot.rule.code: lot.expires_after for lot in run.lots} == {
        "default": date(2025, 2, 28),
        "own": date(2024, 12, 31),
    }


def test_a_rule_with_bad_values_lists_every_problem(ops):
    with pytest.raises(PointsInvalid) as exc:
        logins_rule(ops, threshold=90.0, points=0, start=date(2025, 3, 1), end=date(2025, 2, 1))

    assert "The threshold must be a decimal, not a float (90.0)" in exc.value.message
    assert "whole number above 0" in exc.value.message
    assert "before the start" in exc.value.message


def test_only_ops_makes_rules_and_runs_them(csm):
    from core.errors import NotAllowed

    with pytest.raises(NotAllowed, match="managing points needs the ops role"):
        logins_rule(csm)
    with pytest.raises(NotAllowed):
        earn_points(JAN, metrics=values_from([]), user=csm, today=LATER)
