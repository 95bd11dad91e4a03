"""The handbook never contradicts itself on a short window and its nouns agree with their numbers
(docs/handbook.md "What it says"): a 0-day new-customer window says no customer is new — as the engine
holds, end − 0 < start ≤ end being no date — a 1-day window is "1 day", and the year-end window of 0 or 1
days after the last pull date is worded as such."""

import html
import re
from dataclasses import replace
from datetime import date

import pytest

from commissions.engine import calculate_quarter
from commissions.models import Plan
from dashboards.handbook.faq import new_customer_days
from dashboards.handbook.rules import adoption_sentences
from dashboards.handbook.words import counted, days, days_after
from tests.engine.builders import adoption_only, customer, quarter, thirds_plan

from .conftest import PAGE, PLAN
from .test_faq import Q2_END, _timeline, answers

# A number before a noun that disagrees with it: "1 days", "2 day", "0 customer" ...
NOUNS = "day|customer|point|quarter|month|statement|handbook"
SINGULAR_AFTER_MANY = re.compile(rf"\b(0|[2-9]|\d\d+) ({NOUNS})\b")
PLURAL_AFTER_ONE = re.compile(rf"(?<![\d.,])\b1 ({NOUNS})s\b")


def disagreements(text: str) -> list[str]:
    return [m.group(0) for m in SINGULAR_AFTER_MANY.finditer(text)] + [
        m.group(0) for m in PLURAL_AFTER_ONE.finditer(text)
    ]


def test_counted_nouns_agree_with_their_number():
    assert [days(0), days(1), days(2), days(60)] == ["0 days", "1 day", "2 days", "60 days"]
    assert counted(1, "customer") == "1 customer" and counted(3, "quarry", "quarries") == "3 quarries"
    assert [days_after(0), days_after(1), days_after(60)] == [
        "",
        "and the day after it",
        "and the 60 days after it",
    ]


def test_a_0_day_window_makes_no_customer_new_and_says_so():
    spec = replace(thirds_plan(), new_customer_window_days=0)

    answer = answers(spec)["new-customer"]
    rules = " ".join(adoption_sentences(spec))

    assert new_customer_days(Q2_END, 0) is None
    assert "no customer is new under this plan" in answer and "window is 0 days" in answer
    assert "no customer is new under this plan" in rules
    # Never a range that ends before it begins, nor a new customer.
    assert "2021-08-01" not in answer and "both included" not in answer
    assert "It is a new customer" not in answer and "held harmless" not in rules.replace("nobody is held", "")
    # The engine agrees: a customer starting on the quarter's last day, below its target, counts.
    inputs = quarter(
        plan_spec=adoption_only(new_customer_window_days=0),
        customers=[customer("LAST", start_date=Q2_END)],
    )
    rows = calculate_quarter(inputs).customers.set_index("customer_id")
    assert rows.at["LAST", "counted"]


def test_a_1_day_window_is_the_quarters_last_day_in_the_singular():
    spec = replace(thirds_plan(), new_customer_window_days=1)

    answer = answers(spec)["new-customer"]
    rules = " ".join(adoption_sentences(spec))

    assert new_customer_days(Q2_END, 1) == (Q2_END, Q2_END)
    assert "The plan's new-customer window is 1 day:" in answer
    assert "its start date is 2021-07-31, the quarter's last day" in answer
    assert "falls on the quarter's last day" in rules
    assert not disagreements(answer) and not disagreements(rules)
    # The engine agrees: started on the last day it is held harmless; the day before, it counts.
    inputs = quarter(
        plan_spec=adoption_only(new_customer_window_days=1),
        customers=[
            customer("NEW", start_date=Q2_END),
            customer("OLD", start_date=date(2021, 7, 30)),
        ],
    )
    rows = calculate_quarter(inputs).customers.set_index("customer_id")
    assert not rows.at["NEW", "counted"] and rows.at["NEW", "reason"].startswith("held harmless")
    assert rows.at["OLD", "counted"]


@pytest.mark.parametrize("window", [0, 1, 2, 60])
@pytest.mark.parametrize("year_end_days", [0, 1, 2, 60])
def test_no_number_in_the_faq_or_rules_disagrees_with_its_noun(window, year_end_days):
    spec = replace(thirds_plan(), new_customer_window_days=window)
    nrr_only = replace(spec, components=spec.components[1:2])
    timeline = _timeline(year_end_days=year_end_days)

    texts = [
        *answers(spec, timeline).values(),
        *answers(nrr_only, timeline).values(),
        *adoption_sentences(spec),
        timeline.year_end_span,
    ]

    assert not [bad for text in texts for bad in disagreements(text)]


def test_the_year_end_window_of_0_or_1_day_after_the_last_pull():
    assert _timeline(year_end_days=0).year_end_span == "the year's last pull date only"
    assert _timeline(year_end_days=1).year_end_span == (
        "the year's last pull date and the day after it, both included"
    )
    assert (
        "(the year's last pull date and the 60 days after it, both included)"
        in answers(thirds_plan())["exceptions"]
    )


@pytest.mark.django_db
def test_the_page_with_a_0_day_window_and_a_1_day_year_end(client, e1, settings):
    settings.YEAR_END_WINDOW_DAYS = 1
    Plan.objects.filter(code=PLAN).update(new_customer_window_days=0)
    client.force_login(e1)

    response = client.get(PAGE, {"period": "FY22-Q2"})

    page = html.unescape(" ".join(response.content.decode().split()))
    assert response.status_code == 200
    assert page.count("no customer is new under this plan") == 2  # the rules and the FAQ
    assert "(the year's last pull date and the day after it, both included)" in page
    assert "It is a new customer" not in page
    assert not disagreements(re.sub(r"<[^>]+>", " ", page))
