"""The handbook words a plan's clawbacks and negative totals from the plan (docs/handbook.md "Rules", "FAQ";
docs/design.md §7 "Clawbacks", "Payable lines"): with ``clawback_days: N`` the rules and the FAQ say N days,
day N included, and the credit dates per deal type; without it the rules say nothing of clawbacks and the
FAQ says there is none. What they say is what ``clawbacks.find_clawbacks`` and the ledger do.

Worked: CS-FY22 with an expansion D7 of C1, +7,500, credited on 2021-07-31 (FY22-Q2's last day), FY22-Q2
closed. With ``clawback_days: 90`` a contraction credited on 2021-10-29 (day 90) takes back 40% of it
(3,000 ÷ 7,500); one credited on 2021-10-30 does not. With 60 days the last day is 2021-09-29.
"""

import html
from dataclasses import replace
from decimal import Decimal

import pytest

from commissions.models import Correction, PayoutLine, Plan
from commissions.services.close import close_period
from commissions.services.corrections import apply_correction
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from dashboards.handbook.builder import build_handbook
from dashboards.handbook.faq import faq
from dashboards.handbook.rules import (
    Recovery,
    clawback_sentences,
    component_rules,
    credit_date_rules,
    negative_balance_sentence,
)
from tests.engine.builders import component, plan, thirds_plan
from tests.quarter.conftest import load_worked_example
from tests.trueups.conftest import close_quarter, import_rows

from .conftest import PAGE, PLAN
from .test_faq import CONTACTS, Q2_END, _timeline
from .test_timeline_and_links import _pdf_text, needs_weasyprint

HEADER = "deal_id,customer_id,type,arr_delta,currency,booked_on,effective_on\n"
QUESTION = "What if my customer churns or contracts after an expansion?"


def clawback_answer(spec, recovery: Recovery | None) -> str:
    items = faq(
        spec,
        quarter=("FY22-Q2", Q2_END),
        components=component_rules(spec),
        credit=credit_date_rules(spec),
        timeline=_timeline(),
        contacts=CONTACTS,
        recovery=recovery,
    )
    [item] = [item for item in items if item.slug == "clawback"]
    assert item.question == QUESTION
    return " ".join(item.answer)


def rules_text(spec, recovery: Recovery) -> str:
    return " ".join(clawback_sentences(recovery, credit_date_rules(spec)))


# The plan's words, from the plan alone.


@pytest.mark.parametrize(("n", "last_day"), [(90, "2021-10-29"), (60, "2021-09-29")])
def test_the_clawback_rule_and_answer_say_the_plans_n_days_day_n_included(n, last_day):
    spec = thirds_plan()
    other = 60 if n == 90 else 90

    rules = rules_text(spec, Recovery(clawback_days=n))
    answer = clawback_answer(spec, Recovery(clawback_days=n))

    for text in (rules, answer):
        assert (
            "credited after the quarter that credited the expansion" in text
            or "credited after the quarter that credited an expansion of it" in text
        )
        assert f"no more than {n} days after" in text and f"(day {n} included)" in text
        assert f"{other} days" not in text
        assert "all of" in text and "for a churn" in text
        assert "the contraction ÷ the expansion, at most all" in text
        assert "clawback line (negative) in the next open quarter" in text
    assert "a contraction of 3,000 after an expansion of 7,500 takes back 40%" in rules
    # The FAQ's window for an expansion credited on FY22-Q2's last day: the day after to day N.
    assert f"credited from 2021-08-01 to {last_day} (day {n} included), and by none credited later" in answer


def test_one_day_reads_as_one_day():
    answer = clawback_answer(thirds_plan(), Recovery(clawback_days=1))

    assert "no more than 1 day after" in answer and "1 days" not in answer
    assert "credited on 2021-08-01, the day after, and by none credited later" in answer


def test_a_plan_without_clawback_days_has_no_clawback_rule_and_the_faq_says_so():
    spec = thirds_plan()

    assert clawback_sentences(Recovery(), credit_date_rules(spec)) == []
    answer = clawback_answer(spec, Recovery())
    assert answer.startswith("This plan has no clawback: a churn or contraction never takes back")
    assert "days" not in answer and "clawback line" not in answer
    # Left out, the plan's options are the defaults: no clawback.
    assert clawback_answer(spec, None) == answer


def test_a_plan_without_nrr_says_nothing_of_nrr_in_the_answer():
    kpi_only = plan(component("KPI", "kpi", kpi="prs", goal=10))

    assert "NRR" not in clawback_answer(kpi_only, Recovery())
    assert "NRR" not in clawback_answer(kpi_only, Recovery(clawback_days=90))
    assert "counts in the NRR of the quarter it is credited in" in clawback_answer(thirds_plan(), Recovery())


def test_the_clawback_rule_names_each_types_own_credit_date():
    spec = replace(thirds_plan(), credit_date_by_type=(("churn", "effective"),))
    dates = (
        "an expansion by its booking date, a contraction by its booking date and a churn by its "
        "effective date"
    )

    assert dates in rules_text(spec, Recovery(clawback_days=90))
    assert dates in clawback_answer(spec, Recovery(clawback_days=90))


def test_a_negative_total_is_carried_forward_or_paid_as_the_plan_says():
    carried = negative_balance_sentence(Recovery())
    paid = negative_balance_sentence(Recovery(negative_balance=Plan.NegativeBalance.PAY_NEGATIVE))

    assert "adds up to less than zero, nothing negative is paid: the balance is carried forward" in carried
    assert "recovered from what your later quarters pay you" in carried
    assert "adds up to less than zero, the negative total is paid as it is" in paid
    assert "carried forward (a carry-forward line)" not in paid
    answer = clawback_answer(
        thirds_plan(), Recovery(clawback_days=90, negative_balance=Plan.NegativeBalance.PAY_NEGATIVE)
    )
    assert "If the next open quarter's total is then below zero, the negative total is paid" in answer
    assert "nothing negative is paid" in clawback_answer(thirds_plan(), Recovery(clawback_days=90))


# The words agree with what the service does, for the plan as loaded.


@pytest.fixture
def q2_closed_with_d7(db, cco, ops, tmp_path):
    """The worked example with expansion D7 of C1 (+7,500) booked on FY22-Q2's last day, FY22-Q2 closed and
    FY22-Q3 open. Returns a function that sets the plan's options first (before the close)."""

    def close(**options):
        load_worked_example(cco)
        import_rows("deals", HEADER + "D7,C1,expansion,7500,USD,2021-07-31,2021-07-31\n", tmp_path)
        Plan.objects.filter(code=PLAN).update(**options)
        q2 = get_period("FY22-Q2")
        pull_scores(period=q2, user=ops)
        calculate(period=q2, plan=Plan.objects.get(code=PLAN), user=ops)
        close_period(period=q2, user=ops)
        get_period("FY22-Q3")
        return Plan.objects.get(code=PLAN)

    return close


def clawbacks_of_d7() -> list[Correction]:
    return [
        c for c in Correction.objects.filter(kind=Correction.Kind.CLAWBACK) if c.rows[0]["deal_id"] == "D7"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("n", "last_day", "day_after"), [(90, "2021-10-29", "2021-10-30"), (60, "2021-09-29", "2021-09-30")]
)
def test_the_handbooks_window_is_the_one_clawbacks_are_found_in(
    q2_closed_with_d7, tmp_path, n, last_day, day_after
):
    loaded = q2_closed_with_d7(clawback_days=n)
    handbook = build_handbook(loaded, quarter="FY22-Q2")
    [item] = [item for item in handbook.faq if item.slug == "clawback"]

    assert (
        f"no more than {n} days after that expansion's credit date (day {n} included)"
        in handbook.clawbacks[0]
    )
    assert f"credited from 2021-08-01 to {last_day} (day {n} included)" in " ".join(item.answer)
    # The day after the last one takes nothing back; the last one takes back 3,000 ÷ 7,500.
    import_rows("deals", HEADER + f"D8,C1,contraction,-3000,USD,{day_after},{day_after}\n", tmp_path)
    assert clawbacks_of_d7() == []
    import_rows("deals", HEADER + f"D9,C1,contraction,-3000,USD,{last_day},{last_day}\n", tmp_path)
    [clawback] = clawbacks_of_d7()
    assert clawback.rows == [{"deal_id": "D7", "share": "0.4", "by_deal": "D9", "plans": loaded.code}]


@pytest.mark.django_db
def test_a_plan_without_clawback_days_finds_none_as_its_handbook_says(q2_closed_with_d7, tmp_path):
    loaded = q2_closed_with_d7()
    handbook = build_handbook(loaded, quarter="FY22-Q2")
    [item] = [item for item in handbook.faq if item.slug == "clawback"]

    assert handbook.clawbacks == [] and item.answer[0].startswith("This plan has no clawback")
    import_rows("deals", HEADER + "D9,C1,churn,-10000,USD,2021-08-01,2021-08-01\n", tmp_path)
    assert not Correction.objects.filter(kind=Correction.Kind.CLAWBACK).exists()


@pytest.mark.django_db
def test_a_contraction_credited_by_its_effective_date_is_dated_so_in_the_window(q2_closed_with_d7, tmp_path):
    # Booked on day 81, effective on day 97: under contraction: effective it falls outside 90 days.
    loaded = q2_closed_with_d7(clawback_days=90, credit_date_by_type={"contraction": "effective"})

    assert "a contraction by its effective date" in build_handbook(loaded, quarter="FY22-Q2").clawbacks[1]
    import_rows("deals", HEADER + "D9,C1,contraction,-3000,USD,2021-10-20,2021-11-05\n", tmp_path)
    assert clawbacks_of_d7() == []


@pytest.mark.django_db
@pytest.mark.parametrize("option", [Plan.NegativeBalance.CARRY_FORWARD, Plan.NegativeBalance.PAY_NEGATIVE])
def test_the_negative_total_sentence_is_what_the_quarters_lines_do(q2_closed_with_d7, ops, tmp_path, option):
    loaded = q2_closed_with_d7(clawback_days=90, negative_balance=option)
    sentence = build_handbook(loaded, quarter="FY22-Q3").negative_balance
    # A churn of C1 on day 1 of FY22-Q3 takes back all of D7: FY22-Q3 pays a clawback and nothing else.
    import_rows("deals", HEADER + "D9,C1,churn,-10000,USD,2021-08-01,2021-08-01\n", tmp_path)
    [clawback] = clawbacks_of_d7()
    apply_correction(correction=clawback, user=ops)

    close_quarter("FY22-Q3", ops)

    lines = PayoutLine.objects.filter(period__code="FY22-Q3", employee__employee_id="E1").order_by("position")
    paid = [(line.type, line.amount) for line in lines]
    assert ("clawback", Decimal("-500.00")) in paid
    if option == Plan.NegativeBalance.CARRY_FORWARD:
        assert "nothing negative is paid: the balance is carried forward" in sentence
        assert paid[-1] == ("carry-forward", Decimal("500.00")) and sum(a for _, a in paid) == 0
    else:
        assert "the negative total is paid as it is" in sentence
        assert "carry-forward" not in dict(paid) and sum(a for _, a in paid) == Decimal("-500.00")


# The page and its PDF.


@pytest.mark.django_db
def test_the_page_shows_the_clawback_rule_and_question_only_for_a_plan_with_one(client, e1):
    client.force_login(e1)

    without = html.unescape(" ".join(client.get(PAGE, {"period": "FY22-Q2"}).content.decode().split()))
    Plan.objects.filter(code=PLAN).update(clawback_days=90)
    with_90 = html.unescape(" ".join(client.get(PAGE, {"period": "FY22-Q2"}).content.decode().split()))

    assert 'id="clawbacks"' not in without and "no more than" not in without
    assert "This plan has no clawback" in without
    assert '<h3 id="clawbacks">Clawbacks</h3>' in with_90
    assert "no more than 90 days after that expansion's credit date (day 90 included)" in with_90
    for page in (without, with_90):
        assert f"<h3>{QUESTION}</h3>" in page
        assert '<h3 id="negative-totals">Negative totals</h3>' in page
        assert "nothing negative is paid: the balance is carried forward" in page


@needs_weasyprint
@pytest.mark.django_db
def test_the_pdf_holds_the_clawback_rule_question_and_negative_totals(client, e1, tmp_path):
    Plan.objects.filter(code=PLAN).update(clawback_days=60)
    client.force_login(e1)

    response = client.get(f"{PAGE}pdf/", {"period": "FY22-Q2"})

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = html.unescape(_pdf_text(response.content, tmp_path))
    for expected in (
        "Clawbacks",
        "no more than 60 days after that expansion's credit date (day 60 included)",
        QUESTION,
        "credited from 2021-08-01 to 2021-09-29 (day 60 included)",
        "Negative totals",
        "nothing negative is paid",
    ):
        assert expected in text, expected
