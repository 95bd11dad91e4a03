"""Pagination, filtering, ordering and decimals on the list endpoints."""

import pytest


def test_lists_are_paginated(world, client_for):
    body = client_for("cco").get("/api/customers/").json()
    assert {"count", "next", "previous", "results"} <= body.keys()
    assert body["count"] == 3


def test_page_size_is_100(people, client_for):
    from tests.builders import make_customer

    for _ in range(101):
        make_customer()
    body = client_for("cco").get("/api/customers/").json()
    assert len(body["results"]) == 100
    assert body["next"]


def test_customers_filter_by_geo_and_order(world, client_for):
    body = client_for("cco").get("/api/customers/?geo=AMER&ordering=-customer_id").json()
    assert [row["customer_id"] for row in body["results"]] == ["GLOBEX", "ACME"]


def test_deals_filter_by_customer_and_type(world, client_for):
    client = client_for("cco")
    assert client.get("/api/deals/?customer=ACME&type=expansion").json()["count"] == 1
    assert client.get("/api/deals/?type=churn").json()["count"] == 0


def test_payouts_filter_by_run_and_period(world, client_for):
    client = client_for("finance")
    run = world["run"]
    assert client.get(f"/api/payouts/?run={run.pk}&period=FY22-Q2").json()["count"] == 3
    assert client.get("/api/payouts/?period=FY22-Q3").json()["count"] == 0


def test_filtering_cannot_widen_a_csms_scope(world, client_for):
    assert client_for("csm").get("/api/deals/?customer=GLOBEX").json()["count"] == 0


def test_decimals_are_strings(world, client_for):
    payout = client_for("finance").get("/api/payouts/").json()["results"][0]
    assert payout["amount"] == "1000.00"


def test_plans_include_components(world, client_for):
    plan = client_for("csm").get("/api/plans/").json()["results"][0]
    assert [c["code"] for c in plan["components"]] == ["ADOPTION"]


@pytest.mark.django_db
def test_invalid_filter_value_is_400_in_the_error_shape(client_for, people):
    response = client_for("cco").get("/api/deals/?booked_after=not-a-date")
    assert response.status_code == 400
    assert response.json()["error"]["details"]
