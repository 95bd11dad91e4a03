""" "My quarter"'s customer table for a CSM on two plans measuring adoption (DESIGN §3 "Plans", §4.3): the
plans may disagree on a customer — here on held harmless, one crediting expansions when booked, the other
when effective — so the table shows one row per customer and plan, each with that plan's status.

The worked example, FY22-Q2 (2021-05-01 … 2021-07-31, a 90-day window after 2021-05-02): C1 has baseline
40, target 60, latest score 55, so r = (55 − 40)/(60 − 40) = 0.75. An expansion of C1 booked 2021-07-10
(in the window) and effective 2021-08-15 (after the quarter) makes C1 newly expanded under CS-FY22 (by
booking: held harmless, r < 1) but not under CS-FY22-EFF (by effective date: counted, on track)."""

from datetime import date
from decimal import Decimal

import pytest

from commissions.models import Assignment, Plan
from commissions.services.periods import get_period
from commissions.services.plans import load_plan
from tests.quarter.conftest import WORKED
from tests.trueups.conftest import import_rows

HEADER = "deal_id,customer_id,type,arr_delta,currency,booked_on,effective_on\n"


def book(client):
    get_period("FY22-Q2")  # the quarter's row, as its first import or pull makes it
    return client.get("/my/?period=FY22-Q2").context["tables"]["book"]


@pytest.mark.django_db
def test_one_plan_keeps_one_row_per_customer_and_no_plan_column(client, worked, tmp_path):
    import_rows("deals", HEADER + "X7,C1,expansion,2000,USD,2021-07-10,2021-08-15\n", tmp_path)
    client.force_login(worked)
    table = book(client)
    assert [row["customer_id"] for row in table.rows] == ["C1", "C2", "C3"]  # by name: Acme, Globex, Initech
    assert "plan" not in [column.key for column in table.columns]
    assert table.rows[0]["status"] == "held harmless"


@pytest.mark.django_db
def test_two_plans_that_disagree_show_a_row_per_plan_with_its_own_status(client, worked, tmp_path):
    import_rows("deals", HEADER + "X7,C1,expansion,2000,USD,2021-07-10,2021-08-15\n", tmp_path)
    source = (WORKED / "plan.yaml").read_text()
    load_plan(
        source=source.replace("code: CS-FY22", "code: CS-FY22-EFF").replace(
            "credit_date: booked\n", "credit_date: booked\ncredit_date_by_type: {expansion: effective}\n"
        )
    )
    Assignment.objects.create(
        employee=worked,
        plan=Plan.objects.get(code="CS-FY22-EFF"),
        start_date=date(2021, 2, 1),
        on_target_amount="1000.00",
    )
    client.force_login(worked)
    table = book(client)
    assert [column.key for column in table.columns][:3] == ["customer_id", "name", "plan"]
    c1 = {row["plan"]: row for row in table.rows if row["customer_id"] == "C1"}
    assert set(c1) == {"CS-FY22", "CS-FY22-EFF"}
    assert (c1["CS-FY22"]["status"], c1["CS-FY22"]["counts"]) == ("held harmless", "no")
    assert (c1["CS-FY22-EFF"]["status"], c1["CS-FY22-EFF"]["counts"]) == ("on track", "yes")
    assert c1["CS-FY22-EFF"]["r"] == Decimal("0.75")
    assert len(table.rows) == 6  # three customers, two plans each
    page = client.get("/my/?period=FY22-Q2").content.decode()
    assert "CS-FY22-EFF" in page and "held harmless" in page
