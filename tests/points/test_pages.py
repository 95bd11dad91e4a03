"""/incentives/points/ (docs/incentives.md): a person's own ledger, balance and the catalogue with a
request button; ops and finance decide on pending requests there, nobody on their own."""

from datetime import date

import pytest
from django.utils import timezone

from accounts.models import Role
from incentives.models import Redemption
from incentives.services.points import add_months, first_of_month
from tests.builders import make_user

from .conftest import earn, logins_rule, reward

pytestmark = pytest.mark.django_db
# The pages ask for today's points: lots of last month are valid (they expire in 12 months).
LAST_MONTH = add_months(first_of_month(timezone.localdate()), -1)


@pytest.fixture
def earned(ops, csm):
    logins_rule(ops, points=10)
    earn(csm, LAST_MONTH)
    return csm


def test_a_person_sees_their_ledger_balance_and_the_catalogue(client, ops, earned, finance):
    reward(ops, price=8)
    earn(finance, LAST_MONTH)
    client.force_login(earned)

    html = client.get("/incentives/points/").content.decode()

    assert 'class="available">10<' in html and 'data-reward="mug"' in html
    assert html.count('data-kind="earned"') == 1  # their own lot only
    assert 'id="pending"' not in html


def test_a_request_from_the_page_reserves_points_and_ops_approves_it(client, ops, earned):
    reward(ops, price=8)
    client.force_login(earned)

    response = client.post("/incentives/points/rewards/mug/request/", follow=True)

    assert "8 points reserved" in response.content.decode()
    row = Redemption.objects.get()
    client.force_login(ops)
    html = client.get("/incentives/points/").content.decode()
    assert f'data-redemption="{row.pk}"' in html
    client.post(f"/incentives/points/redemptions/{row.pk}/approve/")
    row.refresh_from_db()
    assert (row.status, row.decided_by) == ("approved", ops)


def test_too_few_points_are_refused_with_the_figures(client, ops, earned):
    reward(ops, price=11)
    client.force_login(earned)

    html = client.post("/incentives/points/rewards/mug/request/", follow=True).content.decode()

    assert "Mug costs 11 points" in html and "has 10 available" in html
    assert Redemption.objects.count() == 0


def test_a_csm_may_not_decide_and_nobody_decides_on_their_own(client, ops, earned, finance):
    row = Redemption.objects.create(
        employee=earned, reward=reward(ops, price=5), points=5, requested_on=date(2025, 2, 1)
    )
    client.force_login(make_user(Role.CSM))
    assert client.post(f"/incentives/points/redemptions/{row.pk}/approve/").status_code == 403
    client.force_login(earned)
    assert client.post(f"/incentives/points/redemptions/{row.pk}/approve/").status_code == 403
    row.refresh_from_db()
    assert row.status == "pending"


def test_the_page_reads_in_a_constant_number_of_queries(client, ops, earned, finance):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        client.force_login(ops)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/incentives/points/").status_code == 200
        return len(queries)

    logins_rule(ops, code="own", points=5)
    earn(ops, LAST_MONTH)
    mug = reward(ops, price=1)
    Redemption.objects.create(employee=earned, reward=mug, points=1, requested_on=LAST_MONTH)
    few = count()
    earn(ops, add_months(LAST_MONTH, -1), add_months(LAST_MONTH, -2))
    for person in (earned, finance, make_user(Role.CSM)):
        Redemption.objects.create(employee=person, reward=mug, points=1, requested_on=LAST_MONTH)

    assert count() == few
