"""Every Excel download a page offers opens (aware datetimes such as "Filed on" used to answer 500)."""

import html
import io
import re
from decimal import Decimal

from openpyxl import load_workbook

from accounts.models import Role, User
from adoption.models import Customer
from approvals import selectors as approval_selectors
from approvals.services import file_request
from tests.dashboards_team.conftest import demo_person

XLSX_LINK = re.compile(r'href="([^"]*format=xlsx)"')


def _excel_links(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return [url + html.unescape(href) for href in XLSX_LINK.findall(response.content.decode())]


def test_every_excel_download_of_every_page_opens(client, demo, on_demo_day):
    vp = demo_person(Role.CSVP, "AMER")

    customer = Customer.objects.filter(geo="AMER").order_by("customer_id").first()
    file_request(
        user=vp,
        kind="extra_credit",
        customer=customer,
        period=approval_selectors.open_periods().first(),
        value=Decimal("0.5"),
        justification="Ran every workshop of the quarter for them.",
    )
    csm = User.objects.filter(roles__role=Role.CSM, geo="AMER").order_by("pk").first()
    pages = [
        (vp, "/team/"),
        (demo_person(Role.CCO), "/company/"),
        (demo_person(Role.OPS), "/console/"),
        (csm, "/my/"),
    ]
    opened = 0
    for person, url in pages:
        client.force_login(person)
        links = _excel_links(client, url)
        assert links, url
        for link in links:
            response = client.get(link)
            assert response.status_code == 200, link
            load_workbook(io.BytesIO(response.content))
            opened += 1
    assert opened >= 8
