"""A customer and a person named with a formula come out as text in every download the product writes."""

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from accounts.models import Role, User
from adoption.models import Customer
from approvals import selectors as approval_selectors
from approvals.services import file_request
from commissions.models import Period, PeriodEvent, Plan
from tests.dashboards_team.conftest import demo_person

FORMULA = '=HYPERLINK("http://x","click")'
ESCAPED = "'" + FORMULA


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:500]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode())))


def _xlsx(response) -> list[list]:
    assert response.status_code == 200, response.content[:500]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _xlsx_types(response) -> set[tuple]:
    """Each cell of the sheet as (value, openpyxl data type): "s" text, "n" number, "f" formula."""
    assert response.status_code == 200, response.content[:500]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return {(cell.value, cell.data_type) for row in sheet.iter_rows() for cell in row}


def _cells(rows) -> set:
    return {cell for row in rows for cell in row}


def test_team_tables_neutralise_formulas_in_csv_and_xlsx(client, demo, on_demo_day):
    vp = demo_person(Role.CSVP, "AMER")
    client.force_login(vp)
    at_risk = _csv(client.get("/team/", {"download": "at-risk", "format": "csv"}))
    Customer.objects.filter(customer_id=at_risk[1][0]).update(name=FORMULA)
    board = _csv(client.get("/team/", {"download": "leaderboard", "format": "csv"}))
    csm = User.objects.get(name=board[1][1])
    User.objects.filter(pk=csm.pk).update(name=FORMULA)
    customer = Customer.objects.get(customer_id=at_risk[1][0])
    period = approval_selectors.open_periods().first()
    file_request(
        user=vp,
        kind="extra_credit",
        customer=customer,
        period=period,
        value=Decimal("0.5"),
        justification=FORMULA + " worked hard all quarter",
    )
    for table in ("at-risk", "leaderboard", "requests"):
        cells = _cells(_csv(client.get("/team/", {"download": table, "format": "csv"})))
        assert FORMULA not in cells, table
        if table != "requests":  # there the customer cell starts with its id
            assert ESCAPED in cells, table
        # Excel: text cells, shown as written and never evaluated (no formula cell anywhere).
        typed = _xlsx_types(client.get("/team/", {"download": table, "format": "xlsx"}))
        assert all(kind != "f" for _value, kind in typed), table
        if table != "requests":
            assert (FORMULA, "s") in typed, table
    # The requests table's "Filed on" is an aware datetime: Excel gets it without its zone (no 500).
    rows = _xlsx(client.get("/team/", {"download": "requests", "format": "xlsx"}))
    assert len(rows) == 2


def test_payroll_and_audit_downloads_neutralise_formulas(client, demo):
    period = Period.objects.filter(status=Period.Status.CLOSED).order_by("-start").first()
    csm = User.objects.filter(roles__role=Role.CSM, payouts__run__period=period).first()
    User.objects.filter(pk=csm.pk).update(employee_id=FORMULA)
    ops = demo_person(Role.OPS)
    client.force_login(ops)
    for response in (
        client.get("/console/export/", {"period": period.code}),
        client.get("/console/export/", {"period": period.code, "detail": "1"}),
        client.get("/api/payouts.csv", {"period": period.code}, HTTP_ACCEPT="text/csv"),
    ):
        cells = _cells(_csv(response))
        assert ESCAPED in cells
        assert FORMULA not in cells
        assert any(cell.startswith("-") or cell[:1].isdigit() for cell in cells)  # amounts stay numbers
    # On SQLite the trail shows the re-open's reason; on PostgreSQL the new plan's code (row events).
    PeriodEvent.objects.create(period=period, action=PeriodEvent.Action.REOPENED, user=ops, reason=FORMULA)
    Plan.objects.create(code=FORMULA, name="Formula plan", fiscal_year="FY99", currency="USD")
    cells = _cells(_csv(client.get("/audit/", {"format": "csv"})))
    assert ESCAPED in cells
    assert FORMULA not in cells
