"""Two requests of one person at once, with points for only one: one reserves them, the other is refused
(the person's lots are locked while a request reserves, docs/design.md §11.4)."""

from datetime import date

import pytest

from incentives.errors import NotEnoughPoints
from incentives.models import Redemption, RedemptionLot
from incentives.services.redemptions import request_redemption
from tests.approvals.test_concurrency import needs_postgres, race

from .conftest import earn, logins_rule, reward


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_never_reserve_the_same_points_twice(ops, csm):
    logins_rule(ops, points=10)
    earn(csm, date(2025, 1, 1))
    mug, pen = reward(ops, price=8), reward(ops, code="pen", price=8)
    day = date(2025, 3, 1)

    results = race(
        lambda: request_redemption(reward=mug, user=csm, today=day),
        lambda: request_redemption(reward=pen, user=csm, today=day),
    )

    assert sorted(type(r).__name__ for r in results) == ["NotEnoughPoints", "Redemption"], results
    assert "has 2 available" in str(next(r for r in results if isinstance(r, NotEnoughPoints)))
    assert Redemption.objects.count() == 1
    assert sum(RedemptionLot.objects.values_list("points", flat=True)) == 8
