"""The review of a draft snapshot (DESIGN §3 "Target snapshots"): totals, summaries per geo and per CSM,
what changed against the last draft and against last year's approved snapshot."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from adoption.models import Ownership
from adoption.services import approve_snapshot
from tests.builders import make_user

from .conftest import customers

pytestmark = pytest.mark.django_db
D = Decimal


def table(response, name: str):
    """The ``ReviewTable`` named ``name`` on the review page."""
    context = response.context
    tables = [*context["summaries"], context["changes"], *context["comparisons"]]
    return next(t for t in tables if t.name == name)


@pytest.fixture
def year(import_targets, cco):
    """FY21 approved (C0001 … C0003); FY22 draft, revision 2: C0001 changed, C0003 dropped, C0004 new."""
    amer = make_user(Role.CSM, name="Amy Amer", employee_id="E-AMY")
    emea = make_user(Role.CSM, name="Emil Emea", employee_id="E-EMIL", geo="EMEA")
    customers(2, owner=amer)
    customers(1, owner=emea, geo="EMEA", start=3)
    customers(1, owner=emea, geo="EMEA", start=4)
    import_targets(
        "FY21,C0001,30,FY21-Q1,40",
        "FY21,C0001,30,FY21-Q2,45",
        "FY21,C0002,20,FY21-Q1,30",
        "FY21,C0003,50,FY21-Q1,60",
    )
    approve_snapshot(fiscal_year="FY21", user=cco)
    import_targets(
        "FY22,C0001,40,FY22-Q1,50",
        "FY22,C0001,40,FY22-Q2,60",
        "FY22,C0002,20,FY22-Q1,30",
        "FY22,C0004,60,FY22-Q1,",
    )
    import_targets("FY22,C0001,40,FY22-Q2,65", "FY22,C0004,60,FY22-Q2,70")
    return {"amer": amer, "emea": emea}


@pytest.fixture
def review(client, cco, review_day):
    client.force_login(cco)

    def get(query: str = ""):
        response = client.get(f"/snapshots/FY22/{query}")
        assert response.status_code == 200
        return response

    return get


def test_totals_count_customers_lines_and_targets_for_the_year_and_each_quarter(year, review):
    rows = review().context["totals"].rows

    assert [
        (r["quarter"], r["customers"], r["lines"], r["with_target"], r["without_target"]) for r in rows
    ] == [
        ("All quarters", 3, 5, 4, 1),
        ("FY22-Q1", 3, 3, 2, 1),
        ("FY22-Q2", 2, 2, 2, 0),
        ("FY22-Q3", 0, 0, 0, 0),
        ("FY22-Q4", 0, 0, 0, 0),
    ]


def test_summary_per_geo_averages_each_customer_once(year, review):
    rows = table(review(), "by-geo").page.rows

    assert [(r["geo"], r["customers"], r["baseline"], r["q1"], r["q2"], r["q3"]) for r in rows] == [
        # AMER: C0001 (baseline 40, Q1 50, Q2 65) and C0002 (20, Q1 30): the baseline counts once each.
        ("AMER", 2, D("30.00"), D("40.00"), D("65.00"), None),
        ("EMEA", 1, D("60.00"), None, D("70.00"), None),
    ]


def test_summary_per_csm_takes_the_owner_on_the_day_of_the_review(year, review):
    # C0002 passes to Emil after the review day: the review still counts it for Amy.
    Ownership.objects.create(customer_id=_pk("C0002"), employee=year["emea"], start_date=date(2021, 9, 1))
    response = review()
    rows = table(response, "by-csm").page.rows

    assert [(r["name"], r["employee_id"], r["customers"], r["baseline"]) for r in rows] == [
        ("Amy Amer", "E-AMY", 2, D("30.00")),
        ("Emil Emea", "E-EMIL", 1, D("60.00")),
    ]
    assert "owner on 2021-06-15: the day of this review or the last day of FY22" in response.content.decode()


def test_summary_per_csm_takes_the_owner_on_the_last_day_of_a_past_fiscal_year(
    year, client, cco, monkeypatch
):
    from dashboards.snapshots import views

    monkeypatch.setattr(views, "today", lambda: date(2023, 3, 1))  # FY22 ended on 2022-01-31
    Ownership.objects.create(customer_id=_pk("C0002"), employee=year["emea"], start_date=date(2022, 1, 31))
    Ownership.objects.create(customer_id=_pk("C0001"), employee=year["emea"], start_date=date(2022, 2, 1))
    client.force_login(cco)

    rows = table(client.get("/snapshots/FY22/"), "by-csm").page.rows

    assert [(r["name"], r["customers"]) for r in rows] == [("Amy Amer", 1), ("Emil Emea", 2)]


def test_customers_without_an_owner_form_one_row(import_targets, review):
    customers(2)
    import_targets("FY22,C0001,40,FY22-Q1,50", "FY22,C0002,60,FY22-Q1,70")

    rows = table(review(), "by-csm").page.rows

    assert [(r["name"], r["customers"], r["q1"]) for r in rows] == [("No owner on 2021-06-15", 2, D("60.00"))]


def test_the_last_draft_lists_what_the_latest_revision_changed_old_and_new(year, review):
    response = review()
    rows = table(response, "last-draft").page.rows

    assert [
        (r["code"], r["period"], r["action"], r["old_target_score"], r["new_target_score"]) for r in rows
    ] == [
        ("C0001", "FY22-Q2", "updated", D("60.00"), D("65.00")),
        ("C0004", "FY22-Q2", "created", None, D("70.00")),
    ]
    assert "Revision 2 created 1 line and changed 1 against revision 1" in response.content.decode()


def test_a_first_import_says_every_line_is_new(import_targets, review):
    customers(1)
    import_targets("FY22,C0001,40,FY22-Q1,50")

    content = review().content.decode()

    assert "Revision 1 is the first import into this snapshot: every line is new" in content
    assert 'id="table-last-draft"' not in content


def test_last_year_compares_customers_of_both_years_quarter_by_quarter(year, review):
    rows = table(review(), "both-years").page.rows

    assert [
        (
            r["code"],
            r["baseline_then"],
            r["baseline_now"],
            r["q1_then"],
            r["q1_now"],
            r["q2_then"],
            r["q2_now"],
            r["changed"],
        )
        for r in rows
    ] == [
        ("C0001", D(30), D(40), D(40), D(50), D(45), D(65), "yes"),
        ("C0002", D(20), D(20), D(30), D(30), None, None, ""),
    ]


def test_last_year_lists_new_and_dropped_customers(year, review):
    response = review()

    new = table(response, "new-customers").page.rows
    dropped = table(response, "dropped-customers").page.rows

    assert [(r["code"], r["geo"], r["baseline_now"], r["q1_now"], r["q2_now"]) for r in new] == [
        ("C0004", "EMEA", D(60), None, D(70))
    ]
    assert [(r["code"], r["baseline_then"], r["q1_then"]) for r in dropped] == [("C0003", D(50), D(60))]


def test_without_an_approved_snapshot_last_year_there_is_nothing_to_compare(import_targets, review):
    customers(1)
    import_targets("FY21,C0001,30,FY21-Q1,40")  # a draft only
    import_targets("FY22,C0001,40,FY22-Q1,50")

    response = review()

    assert response.context["comparisons"] == []
    assert "There is no approved FY21 snapshot to compare with." in response.content.decode()


def test_an_unknown_or_malformed_fiscal_year_is_not_found(client, cco):
    client.force_login(cco)

    assert client.get("/snapshots/FY30/").status_code == 404
    assert client.get("/snapshots/2022/").status_code == 404


def test_the_list_shows_each_snapshot_with_status_revision_lines_and_approval(year, client, cco):
    client.force_login(cco)

    response = client.get("/snapshots/")

    rows = response.context["table"].rows
    assert [(r["fiscal_year"], r["status"], r["revision"], r["lines"], r["approved_by"]) for r in rows] == [
        ("FY22", "Draft", 2, 5, ""),
        ("FY21", "Approved", 1, 4, "Casey Chief"),
    ]
    assert 'href="/snapshots/FY22/"' in response.content.decode()


def _pk(customer_id: str) -> int:
    from adoption.models import Customer

    return Customer.objects.get(customer_id=customer_id).pk
