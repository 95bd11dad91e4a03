"""Each close blocker on the console links the page where it is settled (DESIGN §5 "Quarter close",
docs/incentives.md "Operations"): SPIFF grants, proposed SPIFFs and unrun awards link the SPIFFs, cash
rewards asked link the points page, and the approvals' pending requests keep their link to the requests."""

from datetime import date
from decimal import Decimal

import pytest

from commissions import hooks
from commissions.services.person_metrics import values_from
from incentives.services.awards import grant_spiff
from incentives.services.points import earn_points
from incentives.services.redemptions import request_redemption
from tests.incentive_close.conftest import cco, erin, finance, manual_spiff, ops, quarter  # noqa: F401
from tests.points.conftest import logins_rule, reward

pytestmark = pytest.mark.django_db
CONSOLE = "/console/?period=FY22-Q2"


def _notices(html: str) -> list[str]:
    return [part.split("</p>")[0] for part in html.split('id="close-pending-requests">')[1:]]


def test_a_spiff_blocker_links_the_spiffs_and_a_cash_reward_the_points_page(
    client,
    quarter,  # noqa: F811
    ops,  # noqa: F811
    cco,  # noqa: F811
    erin,  # noqa: F811
):
    spiff = manual_spiff(ops, cco)
    grant_spiff(
        spiff=spiff, employee=erin, amount="50.00", day=date(2021, 6, 15), reason="Saved ACME", user=ops
    )
    logins_rule(ops, points=100, start=date(2021, 4, 1))
    earn_points(date(2021, 4, 1), metrics=values_from([(erin.pk, date(2021, 4, 1), Decimal(95))]))
    voucher = reward(ops, code="voucher", price=30, kind="cash", cash_amount="50.00", currency="USD")
    request_redemption(reward=voucher, user=erin, today=date(2021, 7, 20))
    client.force_login(ops)

    spiffs, rewards = _notices(client.get(CONSOLE).content.decode())

    assert "FY22-Q2 has SPIFF grants waiting for approval" in spiffs
    assert spiffs.endswith('Closing is refused until then. <a href="/incentives/spiffs/">See the SPIFFs</a>')
    assert "/requests/" not in spiffs
    assert "FY22-Q2 has cash rewards waiting for a decision" in rewards
    assert rewards.endswith('<a href="/incentives/points/">See the cash rewards asked</a>')


def test_a_plain_sentence_still_links_the_requests_and_reads_as_the_sentence(client, quarter, ops):  # noqa: F811
    def pending(period):
        return [f"{period.code} has pending requests: #1."]

    hooks.register_close_blocker(pending)
    try:
        client.force_login(ops)
        [notice] = _notices(client.get(CONSOLE).content.decode())
    finally:
        hooks._close_blockers.remove(pending)

    assert notice == (
        "FY22-Q2 has pending requests: #1. Closing is refused until then. "
        '<a href="/requests/">See the requests</a>'
    )
    block = hooks.CloseBlock(
        "FY22-Q2 has SPIFFs waiting.", url="/incentives/spiffs/", link_text="See the SPIFFs"
    )
    assert (
        block == "FY22-Q2 has SPIFFs waiting."
        and f"{block} Run them." == "FY22-Q2 has SPIFFs waiting. Run them."
    )
