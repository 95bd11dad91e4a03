"""A statement's "what the close pays" lists the CSM's SPIFF and cash reward lines the same payroll pays in
the quarter (docs/design.md §7, §11.3) and counts them in the total to be paid, on the page and in the PDF;
another CSM's SPIFF lines stay off it."""

from datetime import timedelta
from decimal import Decimal

import pytest

from accounts.models import User
from commissions.services.close import close_period
from dashboards.csm.statements import payable_lines
from incentives.services.awards import approve_grant, grant_spiff
from incentives.services.spiffs import approve_spiff, create_spiff, propose_spiff

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_with_spiffs(calculated, ops, cco, django_capture_on_commit_callbacks):
    """FY22-Q2 with E1 granted 200.00 USD and E2 55.00 USD of the ``saves`` SPIFF, then closed; the final
    run of CS-FY22."""
    e1, e2 = User.objects.get(employee_id="E1"), User.objects.get(employee_id="E2")
    spiff = create_spiff(
        user=ops,
        code="saves",
        name="Renewal saves",
        start=calculated.start,
        end=calculated.end,
        currency="USD",
        kind="manual",
        budget="500.00",
        eligibility="list",
        people=[e1, e2],
    )
    spiff = approve_spiff(spiff=propose_spiff(spiff=spiff, user=ops), user=cco)
    day = calculated.start + timedelta(days=10)
    for person, amount in ((e1, "200.00"), (e2, "55.00")):
        grant = grant_spiff(
            spiff=spiff, employee=person, amount=amount, day=day, reason="Saved one", user=ops
        )
        approve_grant(award=grant, user=cco)
    with django_capture_on_commit_callbacks(execute=True):
        runs = close_period(period=calculated, user=ops)
    return runs[0]


def test_the_spiff_line_is_listed_and_in_the_total_to_be_paid(closed_with_spiffs):
    e1 = User.objects.get(employee_id="E1")

    payable = payable_lines(e1, closed_with_spiffs.period)

    assert [(line.label, line.plan, line.amount) for line in payable.lines] == [
        ("Commission", "CS-FY22", Decimal("2333.33")),
        ("SPIFF", "saves", Decimal("200.00")),  # E2's 55.00 is not E1's
    ]
    assert payable.totals == {"USD": Decimal("2533.33")}  # 2,333.33 + 200.00


def test_the_page_and_the_pdf_say_the_total_includes_the_spiff_line(client, closed_with_spiffs, tmp_path):
    e1 = User.objects.get(employee_id="E1")
    client.force_login(e1)

    page = " ".join(client.get(f"/my/statements/{closed_with_spiffs.pk}/").content.decode().split())
    pdf = pdf_text(client.get(f"/my/statements/{closed_with_spiffs.pk}/pdf/").content, tmp_path)

    total = "Total to be paid (lines not held, SPIFF and cash reward lines included)"
    assert f'{total}</th><td class="money"><strong>2,533.33 USD</strong>' in page
    assert "<td>SPIFF</td><td>saves</td>" in page and "200.00 USD" in page
    section = page[page.index('id="payable-lines"') :].split("</section>")[0]
    assert "55.00 USD" not in section
    assert total in pdf and "2,533.33 USD" in pdf  # pdftotext reads the table's columns apart
    assert "SPIFF saves" in pdf and "200.00 USD" in pdf
