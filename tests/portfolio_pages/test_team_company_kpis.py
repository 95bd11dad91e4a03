"""The team page shows the geo's KPIs and a row per CSM opening their page; the company page the
company's and a row per geo opening its team page (docs/kpis.md). Each reads the latest day computed."""

from decimal import Decimal

from adoption.models import PortfolioKpiDay
from dashboards import portfolio
from tests.portfolio_pages.conftest import DAY, store

L = PortfolioKpiDay.Level
TWO = [("util_below_60", Decimal("2.000000"), 2, 8), ("avg_utilisation", Decimal("0.412345"), 33, 80)]


def _row(table, key: str, value: str) -> dict:
    return next(row for row in table.rows if row[key] == value)


def test_team_page_lists_each_csm_of_the_geo_with_their_kpis_and_a_link_to_their_page(
    client, csvp, csm, other_csm, emea_csm
):
    store(L.GEO, "AMER", DAY, customers=30)
    store(L.CSM, "E100", DAY, values=TWO, customers=8)
    store(L.CSM, "E300", DAY, values=TWO, customers=8)  # EMEA: not on the AMER team page
    client.force_login(csvp)

    response = client.get("/team/")

    table = response.context["tables"]["kpis_per_csm"]
    assert [row["csm"] for row in table.rows] == ["Ana Csm", "Ben Csm"]
    ana, ben = table.rows
    assert ana["url"] == "/my/E100/"
    assert (ana["customers"], ana["kpi_0"], ana["kpi_1"]) == (8, 2, Decimal("0.412345"))
    assert (ben["customers"], ben["kpi_0"], ben["kpi_1"]) == (None, None, None)  # nothing stored for Ben
    html = response.content.decode()
    assert '<a href="/my/E100/">Ana Csm</a>' in html
    assert ">41.2%<" in html  # the ratio as a percentage with one decimal
    assert "Adoption KPIs per CSM, as of 2026-12-05" in html
    tiles = {tile.code: tile.text for tile in response.context["kpis"].tiles}
    assert tiles["avg_utilisation"] == "82.7%" and tiles["weekly_active"] == "12"
    assert "over 30 customers" in html


def test_a_geo_vp_asking_for_another_geo_still_sees_their_own_geos_kpis(client, csvp, csm, emea_csm):
    store(L.GEO, "AMER", DAY, values=TWO)
    store(L.GEO, "EMEA", DAY)
    client.force_login(csvp)

    response = client.get("/team/?geo=EMEA")

    assert [row["csm"] for row in response.context["tables"]["kpis_per_csm"].rows] == ["Ana Csm"]
    assert {tile.code for tile in response.context["kpis"].tiles} >= {"util_below_60"}
    assert response.context["kpis"].title == "Adoption KPIs of AMER"
    assert [t.text for t in response.context["kpis"].tiles][:2] == ["2", "41.2%"]


def test_kpi_column_headers_explain_each_kpi_on_hover(client, csvp, csm):
    store(L.GEO, "AMER", DAY)
    client.force_login(csvp)

    html = client.get("/team/").content.decode()

    assert '<abbr title="The portfolio&#x27;s daily active users over its monthly active users' in html


def test_company_page_lists_each_geo_opening_its_team_page(client, cco):
    store(L.COMPANY, "", DAY, customers=50)
    store(L.GEO, "EMEA", DAY, values=TWO, customers=20)
    store(L.GEO, "AMER", DAY, customers=30)
    store(L.CSM, "E100", DAY)
    client.force_login(cco)

    response = client.get("/company/")

    table = response.context["kpi_table"]
    assert [(row["geo"], row["url"], row["customers"]) for row in table.rows] == [
        ("AMER", "/team/?geo=AMER", 30),
        ("EMEA", "/team/?geo=EMEA", 20),
    ]
    assert _row(table, "geo", "EMEA")["kpi_1"] == Decimal("0.412345")
    html = response.content.decode()
    assert '<a href="/team/?geo=EMEA">EMEA</a>' in html
    assert "KPIs as of 2026-12-05, over 50 customers." in html


def test_company_kpis_download_with_the_other_tables(client, cco):
    store(L.GEO, "EMEA", DAY, values=TWO)
    store(L.COMPANY, "", DAY, values=TWO)
    client.force_login(cco)

    response = client.get("/company/?download=kpis-per-geo&format=csv")

    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[1] == "EMEA,12,2,0.4123,,,,"  # ratios with 4 decimals in downloads (DESIGN §6)


def test_pages_without_kpis_say_so_and_name_the_command(client, csvp, cco):
    for person, url in ((csvp, "/team/"), (cco, "/company/")):
        client.force_login(person)
        html = client.get(url).content.decode()
        assert "No adoption KPIs have been computed yet." in html, url
        assert "<code>compute_kpis</code>" in html, url


def test_team_and_company_kpis_cost_two_queries(csm, other_csm, django_assert_num_queries):
    store(L.GEO, "AMER", DAY)
    store(L.COMPANY, "", DAY)
    store(L.CSM, "E100", DAY)
    store(L.CSM, "E200", DAY)

    with django_assert_num_queries(2):
        team = portfolio.team_kpis("AMER", [csm, other_csm])
    with django_assert_num_queries(2):
        company = portfolio.company_kpis()

    assert len(team.table.rows) == 2 and len(team.board.tiles) == 6
    assert len(company.table.rows) == 1 and len(company.board.tiles) == 6
