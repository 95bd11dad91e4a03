"""The statement lists what the quarter pays, line by line (docs/design.md §7, DESIGN §6): the commission,
true-ups and clawbacks with their cause, held lines marked held, and the total to be paid."""

from decimal import Decimal

import pytest

from accounts.models import User
from commissions.models import Plan, Run
from commissions.services.corrections import apply_correction, record_correction
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from tests.trueups import conftest as trueups
from tests.trueups.conftest import close_quarter

pytestmark = pytest.mark.django_db

closed_q2 = trueups.closed_q2  # the worked example with FY22-Q2 closed, FY22-Q3 open


@pytest.fixture
def applied(closed_q2, ops):
    """The year-end exception for C1 in FY22-Q2 applied: +166.67 paid in FY22-Q3."""
    correction = record_correction(
        period=closed_q2,
        kind="adjustment",
        rows=[{"customer_id": "C1", "kind": "exception", "value": "1"}],
        reason="year-end exception for C1",
        user=ops,
    )
    apply_correction(correction=correction, user=ops)
    correction.refresh_from_db()
    return correction


def payable(html: str) -> str:
    return html[html.index('id="payable-lines"') : html.index("How each line was computed")]


def test_the_csm_statement_shows_the_true_up_with_its_cause(client, applied, ops):
    q3 = close_quarter("FY22-Q3", ops)
    final = Run.objects.get(period=q3, is_final=True)
    commission = final.payouts.get(employee__employee_id="E1").amount

    client.force_login(User.objects.get(employee_id="E1"))
    html = payable(client.get(f"/my/statements/{final.pk}/").content.decode())

    assert "Paid in FY22-Q3" in html
    assert 'class="payable-line true-up"' in html
    assert "<td>True-up</td><td>CS-FY22</td><td>FY22-Q2</td>" in html
    assert applied.cause in html and applied.cause.startswith("FY22-Q2 restated:")
    assert "166.67 USD" in html
    total = html[html.index('class="payable-total"') :]
    assert f"<strong>{commission + Decimal('166.67'):,.2f} USD</strong>" in total


def test_an_open_quarter_statement_previews_its_lines_for_those_who_see_it(client, applied, ops):
    q3 = get_period("FY22-Q3")
    pull_scores(period=q3, user=ops)
    run = calculate(period=q3, plan=Plan.objects.get(code="CS-FY22"), user=ops).run

    client.force_login(ops)
    html = payable(client.get(f"/my/E1/statements/{run.pk}/").content.decode())

    assert "A preview: FY22-Q3 is open" in html
    assert applied.cause in html and "166.67 USD" in html
    # The CSM reads it only once FY22-Q3 is closed (commissions.access: published statements).
    client.force_login(User.objects.get(employee_id="E1"))
    assert client.get(f"/my/statements/{run.pk}/").status_code == 404


def test_a_statement_without_adjustments_pays_its_commission(client, closed_q2):
    final = Run.objects.get(period=closed_q2, is_final=True)

    client.force_login(User.objects.get(employee_id="E1"))
    html = payable(client.get(f"/my/statements/{final.pk}/").content.decode())

    assert "<td>Commission</td><td>CS-FY22</td><td></td>" in html
    assert "held-label" not in html
    assert "<strong>2,333.33 USD</strong>" in html[html.index('class="payable-total"') :]


def test_the_statement_of_a_restated_quarter_says_so_and_where_the_difference_is_paid(client, applied, ops):
    final = Run.objects.get(period__code="FY22-Q2", is_final=True)
    client.force_login(User.objects.get(employee_id="E1"))
    html = client.get(f"/my/statements/{final.pk}/").content.decode()
    restated = html[html.index('id="restated"') :]
    assert "FY22-Q2 was restated" in restated
    assert f"CS-FY22: 166.67 USD to be paid in FY22-Q3 (open): {applied.cause}" in restated
    close_quarter("FY22-Q3", ops)
    page = client.get(f"/my/statements/{final.pk}/").content.decode()
    assert "CS-FY22: 166.67 USD paid in FY22-Q3:" in page


@pytest.mark.parametrize(
    ("amount", "closed", "said"),
    [
        ("166.67", False, "to be paid in"),
        ("166.67", True, "paid in"),
        ("-293.47", False, "to be set against"),
        ("-293.47", True, "set against"),
    ],
)
def test_a_negative_restatement_is_set_against_what_its_quarter_pays_not_paid(amount, closed, said):
    from dashboards.csm.statements import Restatement

    assert Restatement("FY26-Q4", closed, Decimal(amount), "USD", "cause", "PX-FY26").settled == said
