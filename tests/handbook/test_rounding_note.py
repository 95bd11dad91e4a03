"""A worked example whose total (the sum of its lines, each rounded to the cent first: DESIGN §4.7) is not
the lines' unrounded sum says why, in one line at that example; one whose figures agree says nothing."""

import html
from decimal import Decimal as D

import pytest

from commissions.engine import EscalatorSpec
from commissions.models import Assignment
from dashboards.handbook.examples import escalated_example, rounding_note, worked_examples
from tests.engine.builders import thirds_plan

from .conftest import PAGE

THIRDS = thirds_plan()  # three components of equal weight: each line is a third of the amount × its factor
WHY = "Each line is rounded to the cent before the lines are added, so the total may differ from"


def test_thirds_of_4250_pay_4250_01_at_100_percent_and_the_example_says_why():
    # 4,250.00 ÷ 3 = 1,416.666… → 1,416.67 a line; three lines add up to 4,250.01.
    full = worked_examples(THIRDS, D("4250.00"))[1]

    assert [line.payout for line in full.lines] == [D("1416.67")] * 3
    assert (full.total, full.unrounded) == (D("4250.01"), D("4250.00"))
    assert full.rounding_note == (
        f"{WHY} the on-target amount by a cent or two: here 4,250.01 USD against 4,250.00 USD."
    )


def test_an_example_below_or_above_target_names_the_lines_unrounded_sum():
    # 50%: 708.333… → 708.33 × 3 = 2,124.99 against 2,125.00.
    # 150%: ADOPTION and KPI capped (1,416.67 each), NRR 1.5 (2,125.00): 4,958.34 against 4,958.33.
    half, _, more = worked_examples(THIRDS, D("4250.00"))

    assert half.rounding_note == (
        f"{WHY} the lines' unrounded sum by a cent or two: here 2,124.99 USD against 2,125.00 USD."
    )
    assert (more.total, more.unrounded) == (D("4958.34"), D("4958.33"))
    assert "4,958.34 USD against 4,958.33 USD" in more.rounding_note


@pytest.mark.parametrize("oti", ["4500.00", "3000.00", "6000.00"])
def test_an_amount_whose_thirds_are_whole_cents_gets_no_note(oti):
    for example in worked_examples(THIRDS, D(oti)):
        assert example.total == example.unrounded
        assert example.rounding_note == ""


def test_the_escalated_example_says_why_too():
    spec = thirds_plan(
        escalators=(
            EscalatorSpec(code="NPS", metric="nps", at_least=D(50), multiplier=D("1.1"), over="quarter"),
        )
    )
    example = escalated_example(spec, D("4250.00"))

    assert example.total != example.unrounded
    assert example.rounding_note.startswith(WHY)


def test_the_note_is_empty_when_the_figures_agree_and_names_the_currency_when_they_do_not():
    assert rounding_note(D("100.00"), D("100.00"), oti=D("100.00"), currency="EUR") == ""
    assert rounding_note(D("99.99"), D("100.00"), oti=D("100.00"), currency="EUR").endswith(
        "here 99.99 EUR against 100.00 EUR."
    )


def _page(client, reader) -> str:
    client.force_login(reader)
    response = client.get(PAGE, {"period": "FY22-Q2"})
    assert response.status_code == 200
    return html.unescape(" ".join(response.content.decode().split()))


@pytest.mark.django_db
def test_the_handbook_page_shows_the_note_at_the_example_whose_total_gains_a_cent(client, e1):
    Assignment.objects.filter(employee=e1).update(on_target_amount=D("4250.00"))

    page = _page(client, e1)

    assert "<strong>4,250.01 USD</strong></td></tr></tfoot>" in page
    assert (
        f'<p class="muted rounding-note" id="rounding-1000">{WHY} the on-target amount by a cent or two: '
        "here 4,250.01 USD against 4,250.00 USD.</p>"
    ) in page


@pytest.mark.django_db
def test_the_handbook_page_shows_no_note_when_every_total_is_exact(client, e1):
    page = _page(client, e1)  # 3,000.00 USD: 500.00, 1,000.00 and 1,000.00/1,500.00 a line

    assert "<strong>3,000.00 USD</strong></td></tr></tfoot>" in page
    assert "rounding-note" not in page
    assert WHY not in page
