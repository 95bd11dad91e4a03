"""The team leaderboard is the engine's projection: one ``project`` call for the whole geo."""

from decimal import Decimal

from dashboards import projection
from dashboards.team import selectors
from tests.dashboards_team.conftest import demo_person


def test_projected_payout_equals_the_engines_for_each_csm(client, demo, on_demo_day):
    vp = demo_person("csvp", "AMER")
    client.force_login(vp)
    response = client.get("/team/")
    period = response.context["period"]
    rows = response.context["board"].rows
    assert rows and {row["csm"] for row in rows} == {
        p.get_full_name() for p in selectors.geo_csms(vp, "AMER")
    }
    for row in rows:
        csm = next(p for p in selectors.geo_csms(vp, "AMER") if p.employee_id == row["employee_id"])
        direct = [p for p in projection.project(period, [csm.pk]) if p.plan.code == row["plan"]][0]
        payout = direct.result.payouts.set_index("employee_id").loc[csm.employee_id]
        assert row["payout"] == Decimal(payout["total"])
        assert row["oti"] == Decimal(payout["oti"])
        components = direct.result.components
        for line in components[components["employee_id"] == csm.employee_id].to_dict("records"):
            expected = line["attainment"] if line["applies"] else None
            assert row[f"att_{line['component']}"] == expected


def test_leaderboard_is_ranked_by_payout_over_oti(client, demo, on_demo_day):
    client.force_login(demo_person("csvp", "EMEA"))
    rows = client.get("/team/").context["board"].rows
    ratios = [row["payout_ratio"] for row in rows]
    assert ratios == sorted(ratios, reverse=True)
    assert [row["rank"] for row in rows] == list(range(1, len(rows) + 1))


def test_one_projection_call_for_the_whole_geo(client, demo, on_demo_day, monkeypatch):
    calls = []
    original = selectors.project

    def counting(period, employees, **kwargs):
        calls.append(list(employees))
        return original(period, employees, **kwargs)

    monkeypatch.setattr(selectors, "project", counting)
    client.force_login(demo_person("csvp", "APAC"))
    assert client.get("/team/").status_code == 200
    assert len(calls) == 1 and len(calls[0]) == 4  # the demo's four APAC CSMs at once
