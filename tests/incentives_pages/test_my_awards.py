"""/incentives/spiffs/mine/ (docs/incentives.md "Pages"): a CSM sees their own SPIFF awards — amount,
SPIFF, day, status and the quarter whose payroll pays it — and never another person's."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissions.services.person_metrics import values_from
from incentives.services.awards import award_spiff, grant_spiff
from incentives.services.spiffs import approve_spiff, create_spiff, propose_spiff

from .conftest import END, START, manual_spiff

pytestmark = pytest.mark.django_db

URL = "/incentives/spiffs/mine/"


def rule_spiff(ops, cco, people, *, budget="100.00"):
    spiff = create_spiff(
        user=ops,
        code="logins-may",
        name="Logins in May",
        start=START,
        end=END,
        currency="USD",
        kind="rule",
        metric="login_rate",
        threshold=Decimal("90"),
        amount="40.00",
        per="event",
        budget=budget,
        eligibility="list",
        people=people,
    )
    return approve_spiff(spiff=propose_spiff(spiff=spiff, user=ops), user=cco)


@pytest.fixture
def awarded(ops, cco, csm, other_csm, plan):
    """Budget 100.00 at 40.00 a day: E1 on 3 and 4 May (40.00 each), E2 on 4 May (the last 20.00, partly
    funded: ties by employee id) and E1 on 5 May (not funded); and a grant of 75.00 to E1, pending."""
    spiff = rule_spiff(ops, cco, [csm, other_csm])
    rows = [
        (csm.pk, date(2021, 5, 3), Decimal("95")),
        (csm.pk, date(2021, 5, 4), Decimal("90")),
        (other_csm.pk, date(2021, 5, 4), Decimal("99")),
        (csm.pk, date(2021, 5, 5), Decimal("91")),
    ]
    award_spiff(spiff, END, metrics=values_from(rows))
    manual = manual_spiff(ops, cco, code="saves-may")
    grant_spiff(
        spiff=manual, employee=csm, amount="75.00", day=date(2021, 5, 20), reason="Saved ACME.", user=ops
    )
    return spiff


def rows_of(html: str) -> list[str]:
    body = html[html.index('id="my-awards"') :]
    return [row.split("</tr>")[0] for row in body.split("<tr data-award=")[1:]]


def test_a_csm_sees_their_own_awards_with_amount_spiff_day_status_and_payroll_quarter(client, csm, awarded):
    client.force_login(csm)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    rows = rows_of(html)
    assert len(rows) == 4  # 3 rule events and the grant, none of E2's
    newest = rows[0]
    assert "2021-05-20" in newest and "saves-may" in newest and "75.00 USD" in newest
    assert "Waiting for approval" in newest and "FY22-Q2" in newest
    assert "2021-05-05" in rows[1] and "0.00 USD" in rows[1] and "Not funded" in rows[1]
    assert "2021-05-03" in rows[3] and "40.00 USD" in rows[3] and "Approved" in rows[3]
    # 40.00 + 40.00 approved; the pending grant and the unfunded day count nothing.
    assert "Approved: <strong>80.00 USD</strong>" in html


def test_another_csm_sees_only_their_partly_funded_day(client, other_csm, awarded):
    client.force_login(other_csm)

    rows = rows_of(client.get(URL).content.decode())

    assert len(rows) == 1
    assert "2021-05-04" in rows[0] and "20.00 USD" in rows[0] and "Partly funded" in rows[0]


def test_a_csm_still_may_not_see_the_spiffs_themselves(client, csm, awarded):
    client.force_login(csm)

    assert client.get("/incentives/spiffs/").status_code == 403
    assert client.get(f"/incentives/spiffs/{awarded.code}/").status_code == 403
    assert "← SPIFFs" not in client.get(URL).content.decode()


def test_someone_with_no_award_sees_an_empty_page_and_someone_signed_out_signs_in(client, ops, awarded):
    client.force_login(ops)
    html = client.get(URL).content.decode()
    assert "No SPIFF award yet." in html and "Nothing approved yet." in html

    client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_page_reads_in_a_constant_number_of_queries(client, ops, cco, csm, plan):
    client.force_login(csm)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    spiff = rule_spiff(ops, cco, [csm], budget="1000.00")
    award_spiff(spiff, date(2021, 5, 3), metrics=values_from([(csm.pk, date(2021, 5, 3), Decimal("95"))]))
    few = count()
    more = [(csm.pk, date(2021, 5, d), Decimal("95")) for d in range(3, 20)]
    award_spiff(spiff, END, metrics=values_from(more))

    assert count() == few
