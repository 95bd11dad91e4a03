"""The team and company pages run a constant number of SQL queries, whatever the size of the company."""

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role, User
from adoption.models import ArrRecord, ScoreObservation
from approvals.models import Request
from commissions.models import Assignment, Payout, Period, Plan, Run
from tests.builders import make_customer, make_user
from tests.dashboards_team.conftest import DEMO_DAY, demo_person

# The pages' fixed budgets; the equality checks below are what matter. Each page's segments-and-tasks table
# (issue 18) costs 3 queries whatever the number of CSMs, geos or segments (tests/portfolio_pages).
# The bounds are PostgreSQL's counts, the larger of the two databases'.
TEAM_BOUND = 45
COMPANY_BOUND = 15


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def _grow_amer(n: int) -> None:
    """More AMER CSMs on the demo's plans, each with customers, scores and ARR; more pending requests."""
    plan = Plan.objects.order_by("code").first()
    vp = demo_person("csvp", "AMER")
    open_period = Period.objects.filter(status="open").order_by("start").first()
    for i in range(n):
        csm = make_user(Role.CSM, geo="AMER", name=f"Extra Csm {i}")
        Assignment.objects.create(
            employee=csm, plan=plan, start_date=DEMO_DAY - timedelta(days=400), on_target_amount=Decimal(4000)
        )
        for j in range(3):
            customer = make_customer(
                f"EXTRA-{i}-{j}", geo="AMER", owner=csm, start_date=DEMO_DAY.replace(year=2020)
            )
            ArrRecord.objects.create(
                customer=customer, as_of=DEMO_DAY.replace(year=2021), arr=1000, currency="USD"
            )
            for days in (50, 20, 1):
                ScoreObservation.objects.create(
                    customer=customer, as_of=DEMO_DAY - timedelta(days=days), score=Decimal(70 - days)
                )
            Request.objects.create(
                kind="extra_credit",
                customer=customer,
                period=open_period,
                value=Decimal("0.5"),
                justification="More work than the score shows.",
                filed_by=vp,
            )
        run = Run.objects.filter(period=open_period, status="succeeded").order_by("-version").first()
        Payout.objects.create(run=run, employee=csm, on_target_amount=4000, amount=1000, currency="USD")


def _cold_and_warm(client, url: str) -> tuple[int, int]:
    """Queries of a request computing the projection (cache emptied), then of one served from the cache."""
    from django.core.cache import cache

    cache.clear()
    return _queries(client, url), _queries(client, url)


def test_team_page_query_count_does_not_grow(client, demo, on_demo_day):
    client.force_login(demo_person("csvp", "AMER"))
    client.get("/team/")  # warm the connection, templates and lazily created rows
    cold, warm = _cold_and_warm(client, "/team/")
    rows_before = len(client.get("/team/").context["board"].rows)
    _grow_amer(5)
    # The first request after the data changed computes again: no stale cache entry answers it.
    assert _queries(client, "/team/") == cold
    assert len(client.get("/team/").context["board"].rows) == rows_before + 5
    assert _cold_and_warm(client, "/team/") == (cold, warm)
    assert warm < cold <= TEAM_BOUND


def test_team_page_of_many_csms_runs_the_same_queries(client, demo, on_demo_day):
    """The 700-CSM geo at small scale: 25 more CSMs, cold or cached, the same number of queries."""
    client.force_login(demo_person("csvp", "AMER"))
    client.get("/team/")
    before = _cold_and_warm(client, "/team/")
    _grow_amer(25)
    assert _cold_and_warm(client, "/team/") == before


def test_my_page_served_from_the_cache_runs_the_same_queries_for_any_book(client, demo):
    csm = User.objects.filter(roles__role="csm", geo="AMER").order_by("pk").first()
    client.force_login(demo_person("cco"))
    url = f"/my/{csm.employee_id}/"
    client.get(url)
    before = _cold_and_warm(client, url)
    _grow_amer(3)
    other = User.objects.get(name="Extra Csm 0")
    assert _cold_and_warm(client, f"/my/{other.employee_id}/") == before


def test_company_page_query_count_does_not_grow(client, demo):
    client.force_login(demo_person("cco"))
    client.get("/company/")
    before = _queries(client, "/company/")
    _grow_amer(5)
    response = client.get("/company/")
    assert len(response.context["queue_tables"][0].rows) == 15
    after = _queries(client, "/company/")
    assert after == before <= COMPANY_BOUND
