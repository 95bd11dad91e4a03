"""With KPIs, segments and tasks stored, the CSM, team and company pages still follow the rules every page
follows (tests/pages/test_every_page_reads_one_way.py): values written one way, one h1 and no skipped
heading level, every table in a scrolling container, every abbreviated header explained."""

from datetime import timedelta

import pytest
from django.utils import timezone

from adoption.models import Play, PlayTask, PortfolioKpiDay, Segment, SegmentMembership
from tests.builders import make_customer
from tests.pages.test_every_page_reads_one_way import problems_of
from tests.portfolio_pages.conftest import DAY, store, store_weekly_active

L = PortfolioKpiDay.Level


@pytest.fixture
def stored(csm, other_csm):
    store(L.CSM, "E100", DAY)
    store_weekly_active(L.CSM, "E100", [3, None, 5, 6, 7, 8, 9, 10, 11, 12, 13], day=DAY - timedelta(days=7))
    store(L.CSM, "E200", DAY)
    store(L.GEO, "AMER", DAY)
    store(L.COMPANY, "", DAY)
    today = timezone.localdate()
    customer = make_customer("A1", owner=csm)
    segment = Segment.objects.create(code="low_util", name="Low utilisation", rule="low_utilisation")
    member = SegmentMembership.objects.create(segment=segment, customer=customer, entered_on=today)
    play = Play.objects.create(segment=segment, code="outreach", name="Outreach", tasks=[])
    PlayTask.objects.create(
        play=play,
        membership=member,
        position=0,
        customer=customer,
        assignee=csm,
        title="Call the sponsor",
        created_on=today,
        due_on=today - timedelta(days=1),
    )


@pytest.mark.parametrize(
    ("who", "url"), [("csm", "/my/"), ("csvp", "/team/"), ("csvp", "/my/E100/"), ("cco", "/company/")]
)
def test_pages_with_kpis_read_one_way(client, request, stored, who, url):
    client.force_login(request.getfixturevalue(who))

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="kpi-tile' in html
    assert problems_of(html) == []
