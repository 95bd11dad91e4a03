"""The KPI tiles, segments and tasks cost the pages a fixed number of queries, whatever the number of
CSMs, geos, weeks of history, segments or tasks (docs/performance.md's query-count rule)."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from adoption.models import PortfolioKpiDay
from tests.builders import make_user
from tests.portfolio_pages.conftest import DAY, store, store_weekly_active

L = PortfolioKpiDay.Level


def _queries(client, url: str) -> int:
    client.get(url)  # warm: the quarter's row, lazily created rows, the cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_my_page_costs_the_same_with_a_years_kpis_as_with_none(client, csm, other_csm):
    for week in range(52):
        store(L.CSM, "E100", DAY - timedelta(days=7 * week))
    client.force_login(csm)
    with_history = _queries(client, "/my/")
    client.force_login(other_csm)

    assert _queries(client, "/my/") == with_history


def test_team_page_costs_the_same_for_two_csms_as_for_twenty(client, csvp, csm, other_csm):
    store(L.GEO, "AMER", DAY)
    store_weekly_active(L.GEO, "AMER", list(range(11)), day=DAY - timedelta(days=7))
    for key in ("E100", "E200"):
        store(L.CSM, key, DAY)
    client.force_login(csvp)
    two = _queries(client, "/team/")
    for n in range(18):
        make_user(Role.CSM, geo="AMER", employee_id=f"X{n}")
        store(L.CSM, f"X{n}", DAY)

    assert _queries(client, "/team/") == two
    assert len(client.get("/team/").context["tables"]["kpis_per_csm"].rows) == 20


def test_company_page_costs_the_same_for_one_geo_as_for_six(client, cco):
    store(L.COMPANY, "", DAY)
    store(L.GEO, "AMER", DAY)
    client.force_login(cco)
    one = _queries(client, "/company/")
    for geo in ("APAC", "EMEA", "LATAM", "ANZ", "JP"):
        store(L.GEO, geo, DAY)

    assert _queries(client, "/company/") == one
    assert len(client.get("/company/").context["kpi_table"].rows) == 6
