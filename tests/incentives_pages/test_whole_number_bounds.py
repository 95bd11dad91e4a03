"""Every whole number of the points forms is bounded (docs/incentives.md "Pages"): a huge number is named
on the form — never a 500 from a database column it overflows — and the services refuse it too."""

from datetime import date

import pytest

from incentives.errors import PointsInvalid
from incentives.models import PointsRule, Reward
from incentives.services.points import MAX_EXPIRY_MONTHS, MAX_POINTS, create_points_rule
from incentives.services.redemptions import create_reward

from .test_points_forms import REWARDS, RULES, reward_data, rule_data

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


def _errors(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("points", HUGE, "The points must be a whole number no more than 1,000,000."),
        ("points", str(MAX_POINTS + 1), "The points must be a whole number no more than 1,000,000."),
        ("expiry_months", HUGE, "The expiry (months) must be a whole number no more than 1,200."),
    ],
)
def test_a_points_rule_number_above_its_bound_is_named_on_the_form(client, ops, field, value, message):
    client.force_login(ops)

    html = _errors(client.post(RULES, rule_data(**{field: value})))

    assert message in html
    assert not PointsRule.objects.exists()


def test_a_reward_price_above_its_bound_is_named_on_the_form(client, ops):
    client.force_login(ops)

    html = _errors(client.post(REWARDS, reward_data(price=HUGE)))

    assert "The price (points) must be a whole number no more than 1,000,000." in html
    assert not Reward.objects.exists()


def test_the_bound_itself_is_accepted(client, ops):
    client.force_login(ops)

    client.post(RULES, rule_data(points=str(MAX_POINTS), expiry_months=str(MAX_EXPIRY_MONTHS)))
    client.post(REWARDS, reward_data(price=str(MAX_POINTS)))

    assert PointsRule.objects.get().points == 1_000_000
    assert PointsRule.objects.get().expiry_months == 1_200
    assert Reward.objects.get().price == 1_000_000


def test_the_services_refuse_a_whole_number_above_its_bound(ops):
    with pytest.raises(PointsInvalid) as rule:
        create_points_rule(
            user=ops,
            code="logins",
            name="Logins",
            metric="login_rate",
            threshold="90",
            points=int(HUGE),
            start=date(2025, 1, 1),
            expiry_months=MAX_EXPIRY_MONTHS + 1,
        )
    with pytest.raises(PointsInvalid) as reward:
        create_reward(user=ops, code="mug", name="Mug", kind="training", price=HUGE)

    assert f"The points must be a whole number no more than 1,000,000, not {HUGE}." in rule.value.message
    assert "The expiry (months) must be a whole number no more than 1,200, not 1201." in rule.value.message
    assert f"The price (points) must be a whole number no more than 1,000,000, not {HUGE}." in (
        reward.value.message
    )
    assert not PointsRule.objects.exists() and not Reward.objects.exists()
