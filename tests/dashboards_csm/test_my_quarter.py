""" "My quarter": the live projection equals the engine's; tables download; queries stay constant."""

from decimal import Decimal

import pytest

from accounts.models import User
from dashboards.projection import project

pytestmark = pytest.mark.django_db


def test_projected_payout_equals_the_engines(client, worked, worked_run):
    client.force_login(worked)
    response = client.get("/my/?period=FY22-Q2")
    assert response.status_code == 200
    (projection,) = project(worked_run.period, [worked.pk])
    total = projection.result.payouts.iloc[0]["total"]
    assert total == Decimal("2333.33")
    page = response.content.decode()
    assert 'class="projected-payout" data-plan="CS-FY22">2,333.33 USD<' in page
    plans = response.context["plans"]
    assert [p.total for p in plans] == [total]


def test_book_shows_status_and_whether_each_customer_counts(client, worked, worked_run):
    client.force_login(worked)
    rows = {
        row["customer_id"]: row for row in client.get("/my/?period=FY22-Q2").context["tables"]["book"].rows
    }
    assert rows["C1"]["status"] == "on track" and rows["C1"]["gap"] == Decimal("5")
    assert rows["C1"]["counts"] == "yes"
    assert rows["C2"]["status"] == "no target" and rows["C2"]["reason"].startswith(
        "no target; score improved"
    )
    assert rows["C3"]["status"] == "held harmless" and rows["C3"]["counts"] == "no"


def test_past_statements_link_to_the_statement(client, worked, worked_run):
    client.force_login(worked)
    page = client.get("/my/?period=FY22-Q2").content.decode()
    assert f'href="/my/statements/{worked_run.pk}/"' in page


def test_book_downloads_as_csv_and_excel(client, worked, worked_run):
    client.force_login(worked)
    csv = client.get("/my/?period=FY22-Q2&download=book&format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().splitlines()[0].startswith("Customer,Name,Baseline,Target,Latest score")
    xlsx = client.get("/my/?period=FY22-Q2&download=projection&format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx.content[:2] == b"PK"


def test_unknown_quarter_is_404(client, worked):
    client.force_login(worked)
    assert client.get("/my/?period=FY99-Q9").status_code == 404


def test_demo_page_renders_its_charts_and_tables(client, demo):
    maya = User.objects.get(name="Maya Patel")
    client.force_login(maya)
    response = client.get("/my/")
    assert response.status_code == 200
    page = response.content.decode()
    for name in (
        "figure-dumbbell",
        "figure-trends",
        "figure-bullet-cs-fy27-adoption",
        "tbl-book",
        "tbl-deals",
    ):
        assert name in page, name
    assert "<script>" not in page  # CSP: no inline scripts


def _queries(client, user) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    client.get("/my/")  # warm: the period row exists
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/my/").status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_the_book(client, demo, django_assert_max_num_queries):
    big, small = User.objects.get(name="Maya Patel"), User.objects.get(name="Haruto Sato")
    assert big.ownerships.count() > small.ownerships.count()
    big_count = _queries(client, big)
    assert big_count == _queries(client, small)
    with django_assert_max_num_queries(40):
        client.get("/my/")
