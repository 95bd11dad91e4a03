"""The handbook page of a plan (docs/handbook.md): the rules, the engine's worked examples with the
reader's own on-target amount or the round example, the year's timeline and the FAQ; read by the people on
the plan, their managers, their Geo VP, the CCO, finance, ops and admins — anyone else gets 403."""

import html

import pytest

from accounts.models import Role
from commissions.models import Period, Plan
from tests.builders import make_user

from .conftest import PAGE, PLAN

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    """The page's HTML with whitespace folded and entities read (``plan&#x27;s`` → ``plan's``)."""
    return html.unescape(" ".join(response.content.decode().split()))


def test_a_person_on_the_plan_reads_it_with_their_own_on_target_amount(client, e1):
    client.force_login(e1)

    response = client.get(PAGE, {"period": "FY22-Q2"})

    assert response.status_code == 200
    page = _text(response)
    assert "ADOPTION 33.3%, NRR 33.3%, KPI 33.3%" in page
    assert "With your own on-target amount for FY22-Q2: <strong>3,000.00 USD</strong>" in page
    # The engine's figures at 50%, 100% and 150% (tests/handbook/test_rules_and_examples.py by hand).
    for total in ("1,500.00 USD", "3,000.00 USD", "3,500.00 USD"):
        assert f"<strong>{total}</strong></td></tr></tfoot>" in page, total
    assert "NRR may pay above its share, without a cap." in page
    assert "KPI pays at most its share: its factor stops at 100.0%." in page
    assert "Expansion: counts in the quarter of its booking date (the plan's default)." in page
    assert "its targets <strong>will not change</strong> for the rest of the year" in page
    assert "The plan's new-customer window is 90 days: in FY22-Q2" in page
    assert 'href="/handbook/CS-FY22/pdf/?period=FY22-Q2"' in page
    assert "<h1>" in page and page.count("<h1") == 1


def test_managers_at_every_level_read_it_with_the_round_example_amount(client, manager, director):
    for person in (manager, director):
        client.force_login(person)
        page = _text(client.get(PAGE, {"period": "FY22-Q2"}))
        assert "With an example on-target amount of <strong>10,000.00 USD</strong>" in page, person
        # 50% of 10,000.00: each third pays 10,000 × 1/3 × 0.5 = 1,666.666… → 1,666.67, and the payout is the
        # sum of the rounded lines (DESIGN §4.7): 5,000.01, not 5,000.00.
        assert "<strong>5,000.01 USD</strong></td></tr></tfoot>" in page


@pytest.mark.parametrize("role", [Role.CCO, Role.FINANCE, Role.OPS, Role.ADMIN])
def test_the_cco_finance_ops_and_admins_read_every_handbook(client, e1, role):
    client.force_login(make_user(role, geo=""))
    assert client.get(PAGE).status_code == 200


def test_the_geo_vp_of_a_member_reads_it_and_another_geos_does_not(client, e1):
    client.force_login(make_user(Role.CSVP, geo="AMER"))
    assert client.get(PAGE).status_code == 200
    client.force_login(make_user(Role.CSVP, geo="EMEA"))
    assert client.get(PAGE).status_code == 403


def test_another_csm_is_refused_with_a_sentence(client, other_csm):
    client.force_login(other_csm)

    response = client.get(PAGE)

    assert response.status_code == 403
    assert "may not read the handbook of CS-FY22: it is for the people on the plan, their managers" in _text(
        response
    )
    assert client.get(f"{PAGE}pdf/").status_code == 403
    assert client.get("/handbook/").status_code == 200
    assert "You are on no plan" in _text(client.get("/handbook/"))


def test_the_index_lists_the_plans_a_person_may_read(client, e1):
    client.force_login(e1)
    page = _text(client.get("/handbook/"))
    assert f'href="/handbook/{PLAN}/"' in page and "you are on this plan" in page


def test_an_unknown_plan_or_a_quarter_not_the_plans_is_a_404_naming_it(client, e1):
    client.force_login(e1)
    assert client.get("/handbook/NOPE/").status_code == 404
    bad = client.get(PAGE, {"period": "Q2"})
    assert bad.status_code == 404 and "“Q2” is not a quarter: write it like FY27-Q1." in _text(bad)
    other_year = client.get(PAGE, {"period": "FY23-Q1"})
    assert other_year.status_code == 404
    assert "CS-FY22 is a plan of FY22: FY23-Q1 is not one of its quarters." in _text(other_year)


def test_reading_it_creates_no_quarter(client, e1):
    client.force_login(e1)
    assert client.get(PAGE, {"period": "FY22-Q3"}).status_code == 200
    assert not Period.objects.exists()


def test_the_faq_follows_the_plans_options_and_the_contact_settings(client, e1, settings):
    settings.HANDBOOK_COMMISSION_CONTACT = "pay@example.com"
    settings.HANDBOOK_ADOPTION_CONTACT = "The adoption desk"
    Plan.objects.filter(code=PLAN).update(new_customer_window_days=60)
    client.force_login(e1)

    page = _text(client.get(PAGE, {"period": "FY22-Q2"}))

    assert (
        "The plan's new-customer window is 60 days: in FY22-Q2 a customer with a target is new when its "
        in page
    )
    assert "from 2021-06-02 to 2021-07-31, both included" in page
    assert '<a href="mailto:pay@example.com">pay@example.com</a>' in page
    assert "About adoption scores and targets: The adoption desk." in page


def test_per_type_credit_dates_are_read_from_the_plan_when_it_has_them(e1):
    from dashboards.handbook.builder import build_handbook

    plan = Plan.objects.get(code=PLAN)
    before = build_handbook(plan, quarter="FY22-Q2")
    assert {rule.deal_type: rule.credit_date for rule in before.credit} == dict.fromkeys(
        ("renewal", "expansion", "contraction", "churn"), "booked"
    )

    plan.credit_date_by_type = {"renewal": "effective", "churn": "effective"}  # the plan option, once there
    after = build_handbook(plan, quarter="FY22-Q2")

    assert [(rule.deal_type, rule.credit_date, rule.by_type) for rule in after.credit] == [
        ("renewal", "effective", True),
        ("expansion", "booked", False),
        ("contraction", "booked", False),
        ("churn", "effective", True),
    ]
