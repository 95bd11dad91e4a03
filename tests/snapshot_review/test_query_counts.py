"""The review reads a bounded number of queries however many lines a snapshot holds (DESIGN §3 "Target
snapshots": it stays fast at 100,000 customers and 396,000 lines — counted, averaged and paged in SQL)."""

import pytest

from adoption.services import approve_snapshot

from .conftest import customers

pytestmark = pytest.mark.django_db

# session, user, roles (3) · snapshot, last year's (2) · totals (1) · per geo, per CSM (2) · last draft: its
# counts and a page (2) · last year: three tables of customers and their lines (6) · a page asked past the
# end (page 2 of the last draft with 4 customers) reads the last page instead (2)
REVIEW_QUERIES = 18


def build(import_targets, cco, n: int) -> None:
    ids = customers(n)
    import_targets(*(f"FY21,{c},30,FY21-{q},40" for c in ids[: n // 2] for q in ("Q1", "Q2")))
    approve_snapshot(fiscal_year="FY21", user=cco)
    import_targets(*(f"FY22,{c},40,FY22-{q},50" for c in ids for q in ("Q1", "Q2", "Q3", "Q4")))
    import_targets(*(f"FY22,{c},40,FY22-{q},55" for c in ids for q in ("Q1", "Q2")))


@pytest.mark.parametrize("customers_count", [4, 300])
def test_the_review_reads_a_bounded_number_of_queries(
    client, cco, import_targets, review_day, django_assert_max_num_queries, customers_count
):
    build(import_targets, cco, customers_count)
    client.force_login(cco)

    with django_assert_max_num_queries(REVIEW_QUERIES):
        response = client.get("/snapshots/FY22/?page-last-draft=2&page-both-years=1")

    assert response.status_code == 200


@pytest.mark.parametrize("customers_count", [4, 300])
def test_the_list_reads_a_bounded_number_of_queries(
    client, cco, import_targets, django_assert_max_num_queries, customers_count
):
    build(import_targets, cco, customers_count)
    client.force_login(cco)

    with django_assert_max_num_queries(5):  # session, user, roles, the snapshots with their line counts
        assert client.get("/snapshots/").status_code == 200


def test_the_cco_home_page_adds_one_query(client, cco, import_targets, django_assert_max_num_queries):
    build(import_targets, cco, 4)
    client.force_login(cco)

    with django_assert_max_num_queries(4):  # session, user, roles, the drafts awaiting approval
        assert "waiting for your approval" in client.get("/").content.decode()
