"""SPIFF rules and points read the built-in metrics through the one reader, without an import
(docs/design.md §11.1 "Built-in metrics", §11.3, §11.4): a day without a value qualifies for nothing."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from adoption.models import PortfolioKpiDay, ScoreObservation
from incentives.models import PointsEntry, SpiffAward
from incentives.services.awards import award_spiff
from incentives.services.points import create_points_rule, earn_points
from incentives.services.spiffs import create_spiff
from tests.builders import make_customer, make_user
from tests.spiffs.conftest import approved, cco, ops, plan  # noqa: F401

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_spiff_rule_on_a_books_kpi_pays_each_day_at_or_above_the_threshold(ops, cco, plan):  # noqa: F811
    e1 = make_user(Role.CSM, employee_id="E1")
    for day, value in ((3, "0.500000"), (4, "0.499999"), (6, "0.750000")):
        PortfolioKpiDay.objects.create(
            day=date(2021, 5, day), level="csm", key="E1", kpi="dau_mau", value=value
        )
    PortfolioKpiDay.objects.create(day=date(2021, 5, 5), level="csm", key="E1", kpi="dau_mau", value=None)
    spiff = create_spiff(
        user=ops,
        code="dau-may",
        name="DAU/MAU in May",
        start=date(2021, 5, 1),
        end=date(2021, 5, 31),
        currency="USD",
        kind="rule",
        metric="kpi.dau_mau",
        threshold=D("0.5"),
        amount="40.00",
        per="event",
        budget="1000.00",
        eligibility="list",
        people=[e1],
    )

    award_spiff(approved(spiff, ops, cco), date(2021, 5, 31))

    # 05-03 at the bar (inclusive), 05-06 above; 05-04 below; 05-05 has no value, so no event.
    assert sorted(SpiffAward.objects.values_list("day", "metric_value", "amount")) == [
        (date(2021, 5, 3), D("0.5"), D("40.00")),
        (date(2021, 5, 6), D("0.75"), D("40.00")),
    ]


def test_points_on_the_scorecard_average_use_the_months_mean_of_the_days_with_a_value(ops):  # noqa: F811
    e1 = make_user(Role.CSM, employee_id="E1")
    a, b = make_customer(owner=e1), make_customer(owner=e1)
    for customer, day, score in ((a, 3, "80.00"), (b, 3, "79.99"), (a, 20, "80.00")):
        ScoreObservation.objects.create(customer=customer, as_of=date(2025, 1, day), score=D(score))
    create_points_rule(
        user=ops,
        code="scores",
        name="Scores",
        metric="scorecard_average",
        threshold="79.9975",
        points=10,
        start=date(2025, 1, 1),
    )

    earn_points(date(2025, 1, 1), user=ops, today=date(2030, 1, 1))

    # 01-03: (80.00 + 79.99) ÷ 2 = 79.995; 01-20: 80.00; January: (79.995 + 80.00) ÷ 2 = 79.9975, at the bar.
    lot = PointsEntry.objects.get()
    assert (lot.employee_id, lot.points, lot.metric_value) == (e1.pk, 10, D("79.9975"))
