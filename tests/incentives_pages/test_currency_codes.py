"""A SPIFF's and a cash reward's currency is one Attain knows (``core.currencies.is_currency``, ISO 4217):
an unknown code such as ZZZ or XXX is refused naming it — on the forms and, as the rule, by the services —
and nothing is written."""

from decimal import Decimal

import pytest

from incentives.errors import PointsInvalid, SpiffInvalid
from incentives.models import Reward, Spiff
from incentives.services.redemptions import create_reward
from incentives.services.spiffs import create_spiff

from .conftest import END, START
from .test_points_forms import REWARDS, reward_data

pytestmark = pytest.mark.django_db
MESSAGE = "{} is not a currency code Attain knows (ISO 4217, such as USD or EUR)."


def spiff_data(**changes) -> dict:
    data = {
        "code": "saves",
        "name": "Saves",
        "start": "2021-05-01",
        "end": "2021-05-31",
        "currency": "USD",
        "budget": "500.00",
        "kind": "manual",
        "eligibility": "all",
    }
    return data | changes


def test_the_spiff_form_names_an_unknown_currency(client, ops):
    client.force_login(ops)

    response = client.post("/incentives/spiffs/new/", spiff_data(currency="xxx"))

    assert response.status_code == 200
    assert response.context["form"].errors["currency"] == [MESSAGE.format("XXX")]
    assert not Spiff.objects.exists()


def test_the_reward_form_names_an_unknown_currency(client, ops):
    client.force_login(ops)

    response = client.post(REWARDS, reward_data(currency="ZZZ"))

    assert response.status_code == 200
    assert response.context["form"].errors["currency"] == [MESSAGE.format("ZZZ")]
    assert not Reward.objects.exists()


def test_the_services_refuse_an_unknown_currency(ops):
    with pytest.raises(SpiffInvalid) as spiff:
        create_spiff(
            user=ops,
            code="saves",
            name="Saves",
            start=START,
            end=END,
            currency="XXX",
            kind="manual",
            budget=Decimal("5"),
        )
    with pytest.raises(PointsInvalid) as reward:
        create_reward(
            user=ops, code="gift", name="Gift", kind="cash", price=10, cash_amount="5.00", currency="zzz"
        )

    assert MESSAGE.format("XXX") in spiff.value.message
    assert MESSAGE.format("ZZZ") in reward.value.message
    assert not Spiff.objects.exists() and not Reward.objects.exists()


def test_a_known_currency_is_accepted(ops):
    spiff = create_spiff(
        user=ops,
        code="saves",
        name="Saves",
        start=START,
        end=END,
        currency="gbp",
        kind="manual",
        budget=Decimal("5"),
    )
    reward = create_reward(
        user=ops, code="gift", name="Gift", kind="cash", price=10, cash_amount="5.00", currency="EUR"
    )

    assert (spiff.currency, reward.currency) == ("GBP", "EUR")
