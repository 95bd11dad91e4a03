"""The points rule and reward forms (docs/incentives.md "Pages"): ops keeps the rules and the catalogue
(``access.may_manage_points``) in the browser; bad input is named on the form and writes nothing."""

from datetime import date
from decimal import Decimal

import pytest

from incentives.models import PointsRule, Reward

from .conftest import persona

pytestmark = pytest.mark.django_db

RULES, REWARDS = "/incentives/points/rules/new/", "/incentives/points/rewards/new/"


def rule_data(**changes) -> dict:
    data = {
        "code": "logins",
        "name": "Login rate",
        "metric": "login_rate",
        "threshold": "90",
        "points": "10",
        "start": "2025-01",
        "end": "",
        "expiry_months": "",
    }
    return data | changes


def reward_data(**changes) -> dict:
    data = {"code": "voucher", "name": "Voucher", "kind": "cash", "price": "50", "cash_amount": "25.00"}
    return data | {"currency": "eur"} | changes


@pytest.mark.parametrize(
    ("role", "status"),
    [("ops", 200), ("finance", 403), ("cco", 403), ("csvp", 403), ("csm", 403), ("admin", 403)],
)
def test_who_may_open_the_rule_and_reward_forms(client, role, status):
    client.force_login(persona(role))

    assert client.get(RULES).status_code == status
    assert client.get(REWARDS).status_code == status


def test_the_points_page_offers_the_forms_to_ops_only(client):
    for role, offered in (("ops", True), ("finance", False), ("csm", False)):
        client.force_login(persona(role))
        html = client.get("/incentives/points/").content.decode()
        assert ('id="new-rule"' in html and 'id="rules"' in html) is offered, role


def test_ops_creates_a_rule_that_shows_up_on_the_points_page(client, ops):
    client.force_login(ops)

    response = client.post(RULES, rule_data(end="2025-06", expiry_months="6"), follow=True)

    rule = PointsRule.objects.get()
    assert (rule.metric, rule.threshold, rule.points, rule.expiry_months, rule.created_by) == (
        "login_rate",
        Decimal("90"),
        10,
        6,
        ops,
    )
    assert (rule.start, rule.end) == (date(2025, 1, 1), date(2025, 6, 30))  # whole months
    html = response.content.decode()
    assert "Created the points rule logins: 10 points a month from 2025-01." in html
    row = html[html.index('data-rule="logins"') :].split("</tr>")[0]
    assert (
        "10 points a month when login_rate ≥ 90" in row and "2025-01 to 2025-06" in row and "6 months" in row
    )


def test_ops_adds_a_cash_reward_that_the_catalogue_offers(client, ops):
    client.force_login(ops)

    response = client.post(REWARDS, reward_data(), follow=True)

    reward = Reward.objects.get()
    assert (reward.kind, reward.price, reward.cash_amount, reward.currency) == (
        "cash",
        50,
        Decimal("25.00"),
        "EUR",
    )
    html = response.content.decode()
    row = html[html.index('data-reward="voucher"') :].split("</tr>")[0]
    assert "Voucher" in row and "50" in row and "25.00 EUR" in row


def test_a_day_off_has_no_cash(client, ops):
    client.force_login(ops)

    client.post(REWARDS, reward_data(code="day", kind="day_off", cash_amount="", currency=""))

    assert Reward.objects.values_list("kind", "cash_amount", "currency").get() == ("day_off", None, "")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"threshold": "ninety"}, "threshold", "The threshold must be a number such as 90 or 0.8125."),
        ({"threshold": ""}, "threshold", "This field is required."),
        ({"points": "0"}, "points", "The points are a whole number above 0."),
        ({"points": "2.5"}, "points", "Enter a whole number."),
        (
            {"start": "2025-02", "end": "2025-01"},
            "end",
            "The last month (2025-01) is before the first (2025-02).",
        ),
        ({"start": "January"}, "start", "Enter a valid date."),
        ({"expiry_months": "0"}, "expiry_months", "The expiry is a whole number of months, 1 or more."),
        ({"metric": "login-rate"}, "metric", "'login-rate' is no metric"),
        ({"metric": "attainment"}, "metric", "a daily or monthly rule cannot"),
    ],
)
def test_a_bad_rule_is_named_on_the_form_and_nothing_is_written(client, ops, changes, field, message):
    client.force_login(ops)

    response = client.post(RULES, rule_data(**changes))

    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert PointsRule.objects.count() == 0


def test_a_rule_code_taken_is_named(client, ops):
    client.force_login(ops)
    client.post(RULES, rule_data())

    response = client.post(RULES, rule_data(points="99"))

    assert response.context["form"].errors["code"] == ["The code logins is taken by another points rule."]
    assert list(PointsRule.objects.values_list("points", flat=True)) == [10]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"cash_amount": ""}, "cash_amount", "A cash reward pays an amount above 0."),
        ({"cash_amount": "-1.00"}, "cash_amount", "The cash amount must be above 0."),
        ({"cash_amount": "1.001"}, "cash_amount", "The cash amount has at most 2 decimals (cents)."),
        ({"currency": ""}, "currency", "A cash reward names its currency (3 letters)."),
        ({"kind": "training"}, "cash_amount", "Only a cash reward has an amount and a currency."),
        ({"kind": "yacht"}, "kind", "Select a valid choice. yacht is not one of the available choices."),
        ({"price": "0"}, "price", "The price is a whole number of points above 0."),
    ],
)
def test_a_bad_reward_is_named_on_the_form_and_nothing_is_written(client, ops, changes, field, message):
    client.force_login(ops)

    response = client.post(REWARDS, reward_data(**changes))

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert Reward.objects.count() == 0


def test_finance_posting_a_reward_is_refused_and_nothing_is_written(client):
    client.force_login(persona("finance"))

    assert client.post(REWARDS, reward_data()).status_code == 403
    assert client.post(RULES, rule_data()).status_code == 403
    assert Reward.objects.count() == PointsRule.objects.count() == 0
