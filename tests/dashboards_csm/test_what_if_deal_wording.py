"""The what-if's expected deal in words: a refused sign names the type with its right article ("An
expansion …"), and the date field says what it is — the deal's booking and effective date both, so every
plan credits it on that date — beside each plan's own dates for real deals (DESIGN §4.4,
``PlanSpec.credit_date_of``)."""

import html
import re
from decimal import Decimal

import pytest

from commissions.engine.types import PlanSpec
from commissions.models import Plan
from dashboards.csm.forms import credit_date_help

pytestmark = pytest.mark.django_db

TAKEN_AS_BOTH = (
    "Taken as both the deal's booking date and its effective date, so it counts on this date in your plan, "
    "whichever date the plan credits its type by."
)


@pytest.fixture
def open_quarter(worked, ops):
    """The worked example (E1 on CS-FY22, credit date booked), pulled and calculated but open."""
    from commissions.services.periods import get_period
    from commissions.services.pulls import pull_scores
    from commissions.services.runs import calculate

    period = get_period("FY22-Q2")
    pull_scores(period=period, user=ops)
    calculate(period=period, plan=Plan.objects.get(), user=ops)
    return worked


def _text(response) -> str:
    return html.unescape(" ".join(response.content.decode().split()))


def _help_of_the_date(response) -> str:
    found = re.search(r'<p class="help" id="id_deal_date_helptext">(.*?)</p>', _text(response))
    assert found, "the date field has its help"
    return found.group(1)


def _deal(client, deal_type: str, amount: str):
    data = {
        "period": "FY22-Q2",
        "deal_customer": "C1",
        "deal_type": deal_type,
        "deal_amount": amount,
        "deal_currency": "USD",
        "deal_date": "2021-06-15",
    }
    return client.post("/my/what-if/", data)


def test_an_expansion_with_a_negative_amount_is_refused_with_an(client, open_quarter):
    client.force_login(open_quarter)

    response = _deal(client, "expansion", "-100")

    assert response.status_code == 400
    page = _text(response)
    assert "An expansion changes ARR by a positive amount." in page
    assert "A expansion" not in page


@pytest.mark.parametrize("deal_type", ["contraction", "churn"])
def test_a_contraction_or_churn_with_a_positive_amount_is_refused_with_a(client, open_quarter, deal_type):
    client.force_login(open_quarter)

    response = _deal(client, deal_type, "100")

    assert response.status_code == 400
    assert f"A {deal_type} changes ARR by a negative amount." in _text(response)


def test_the_date_field_says_it_is_both_dates_and_how_the_plan_credits_each_type(client, open_quarter):
    Plan.objects.filter(code="CS-FY22").update(credit_date_by_type={"renewal": "effective"})
    client.force_login(open_quarter)

    for response in (client.get("/my/?period=FY22-Q2"), _deal(client, "expansion", "-100")):
        assert _help_of_the_date(response) == (
            f"{TAKEN_AS_BOTH} Real deals: CS-FY22 credits renewals by the effective date and expansions, "
            "contractions and churns by the booking date."
        )


def test_a_plan_crediting_every_type_by_one_date_says_so_once(client, open_quarter):
    client.force_login(open_quarter)

    help_text = _help_of_the_date(client.get("/my/?period=FY22-Q2"))

    assert help_text == f"{TAKEN_AS_BOTH} Real deals: CS-FY22 credits every deal type by the booking date."


def test_the_date_counts_the_deal_even_where_the_plan_credits_its_type_by_the_effective_date(
    client, open_quarter
):
    """What the field says is what the what-if does: an expansion of +7,500 dated in the quarter raises
    E1's NRR to its goal of 1.10, paying NRR's full 1,000.00 (tests/dashboards_csm/test_what_if.py), whichever
    date the plan credits expansions by."""
    client.force_login(open_quarter)
    booked = _deal(client, "expansion", "7500").context["table"].rows
    Plan.objects.filter(code="CS-FY22").update(credit_date_by_type={"expansion": "effective"})
    effective = _deal(client, "expansion", "7500").context["table"].rows

    def nrr(rows):
        return next(row for row in rows if row["component"] == "NRR")["payout_after"]

    assert nrr(booked) == nrr(effective) == Decimal("1000.00")


def test_each_of_several_plans_names_its_own_dates():
    first = PlanSpec(code="CS-A", currency="USD", components=(), credit_date="booked")
    second = PlanSpec(
        code="CS-B",
        currency="USD",
        components=(),
        credit_date="effective",
        credit_date_by_type=(("expansion", "booked"),),
    )

    assert credit_date_help([first, second]) == (
        "Taken as both the deal's booking date and its effective date, so it counts on this date in each of "
        "your plans, whichever date the plan credits its type by. Real deals: CS-A credits every deal type "
        "by the booking date. CS-B credits renewals, contractions and churns by the effective date and "
        "expansions by the booking date."
    )
