"""The team page's cached projection and at-risk list follow the data; warming stores what pages compute."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection

from accounts.models import Role, User
from commissions.models import KpiActual, Period
from dashboards import stamp
from dashboards.projection import compute, current_period, projection_key
from dashboards.team import views
from dashboards.warm import warm
from tests.dashboards_team.conftest import demo_person

pytestmark = pytest.mark.django_db


def open_period() -> Period:
    return Period.objects.filter(status="open").order_by("start").first()


def board_payouts(client) -> dict[str, Decimal]:
    rows = client.get("/team/").context["board"].rows
    return {(row["employee_id"], row["plan"]): row["payout"] for row in rows}


def frames_equal(a, b) -> bool:
    return a.reset_index(drop=True).astype(str).equals(b.reset_index(drop=True).astype(str))


def test_a_changed_kpi_shows_on_the_leaderboard_at_once(client, demo, on_demo_day):
    client.force_login(demo_person("csvp", "AMER"))
    before = board_payouts(client)
    assert board_payouts(client) == before  # served from the cache
    period = current_period(on_demo_day)  # the quarter the team page tracks
    kpi = KpiActual.objects.filter(period=period.code, employee__geo="AMER").order_by("pk").first()
    KpiActual.objects.filter(pk=kpi.pk).update(value=Decimal(0))  # attainment 0: the KPI line pays 0
    after = board_payouts(client)
    assert after != before
    csms = [p.pk for p in User.objects.filter(geo="AMER", roles__role=Role.CSM, is_active=True)]
    fresh = {
        (row["employee_id"], projection.plan.code): Decimal(row["total"])
        for projection in compute(period, csms)
        for row in projection.result.payouts.to_dict("records")
    }
    assert after == fresh


def test_a_new_score_changes_the_at_risk_list_at_once(client, demo, on_demo_day):
    from adoption.models import ScoreObservation

    client.force_login(demo_person("csvp", "AMER"))
    at_risk = client.get("/team/").context["tables"]["at_risk"].rows
    assert at_risk, "the demo has at-risk customers in AMER"
    worst = at_risk[0]
    target = worst["target"]
    ScoreObservation.objects.update_or_create(
        customer=ScoreObservation.objects.filter(customer__customer_id=worst["customer_id"]).first().customer,
        as_of=on_demo_day,
        defaults={"score": target},
    )
    rows = {row["customer_id"]: row for row in client.get("/team/").context["tables"]["at_risk"].rows}
    assert worst["customer_id"] not in rows or rows[worst["customer_id"]]["score"] == target


def test_the_at_risk_list_shows_the_worst_rows_and_downloads_them_all(client, demo, on_demo_day, monkeypatch):
    monkeypatch.setattr(views, "AT_RISK_SHOWN", 2)
    client.force_login(demo_person("csvp", "AMER"))
    response = client.get("/team/?gap=0")
    table = response.context["tables"]["at_risk"]
    assert len(table.rows) > 2
    page = response.content.decode()
    body = page.split('id="tbl-at-risk"')[1].split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr>") == 2
    assert f"Rows 1–2 of {len(table.rows)}" in page and 'href="?gap=0&amp;at-risk-page=2" rel="next"' in page
    csv = client.get("/team/?gap=0&download=at-risk&format=csv").content.decode().splitlines()
    assert len(csv) == len(table.rows) + 1


def test_warming_stores_what_each_page_computes(demo):
    period = open_period()
    cache.clear()
    figures = warm(period)
    assert figures["warmed"] > 0
    assert warm(period)["warmed"] == 0  # once per stamp
    current = stamp.inputs_stamp()
    amer = list(
        User.objects.filter(geo="AMER", roles__role=Role.CSM, is_active=True).values_list("pk", flat=True)
    )
    one = amer[:1]
    for users, detail in ((amer, False), (one, True)):
        cached = cache.get(projection_key(current, period, users, detail))
        assert cached is not None
        computed = compute(period, users)
        assert [p.plan.code for p in cached] == [p.plan.code for p in computed]
        for warmed, fresh in zip(cached, computed, strict=True):
            assert frames_equal(warmed.result.payouts, fresh.result.payouts)
            assert frames_equal(warmed.result.components, fresh.result.components)
            if detail:
                assert frames_equal(warmed.result.customers, fresh.result.customers)
                assert frames_equal(warmed.result.deals, fresh.result.deals)
                assert sorted(w.message for w in warmed.result.warnings) == sorted(
                    w.message for w in fresh.result.warnings
                )


def test_the_stamp_changes_with_committed_input_writes_only(demo):
    from adoption.models import Customer

    first = stamp.inputs_stamp()
    assert first is not None
    user = User.objects.filter(roles__role=Role.CSM).first()
    user.save(update_fields=["last_login"])  # a sign-in is no input
    assert stamp.inputs_stamp() == first
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Customer._meta.db_table} SET name = name || '!' WHERE id = %s", [1])
    assert stamp.inputs_stamp() != first


def test_every_input_table_carries_the_trigger(db):
    tables = {table for table, _ in stamp.input_tables()}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [stamp.TRIGGER]
            )
            found = {name.strip('"') for (name,) in cursor.fetchall()}
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"{stamp.TRIGGER}%"],
            )
            found = {name for (name,) in cursor.fetchall()}
    assert tables <= found


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the log keeps one row per transaction on PostgreSQL"
)
def test_compacting_the_log_keeps_the_newest_row_and_gives_a_stamp_never_seen(demo):
    from dashboards.tasks import compact_input_log

    with connection.cursor() as cursor:  # two older transactions' rows below the newest one
        cursor.execute(
            f"INSERT INTO {stamp.LOG} (txid, token, changed_at) VALUES (1, '', now()), (2, '', now())"  # noqa: S608
        )
    seen = {stamp.inputs_stamp()}
    assert compact_input_log.apply().get() >= 2
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {stamp.LOG}")  # noqa: S608
        assert cursor.fetchone()[0] == 1
    after = stamp.inputs_stamp()
    assert after is not None and after not in seen
