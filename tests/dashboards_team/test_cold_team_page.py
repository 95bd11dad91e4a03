"""The team page computed in the request (cold) or from the cache (warm): a fixed number of queries
whatever its CSMs, the figures of the uncached computation, and a new computation after a change to any
of its inputs (docs/performance.md, "The cold /team/ request")."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Role, User
from adoption.models import ArrRecord, Customer, Ownership, ScoreObservation, Snapshot, TargetLine
from adoption.services import approve_snapshot
from approvals.models import Request
from commissions.models import Assignment, Deal, FxRate, KpiActual, Period, Plan, ScorePull
from commissions.services.pulls import capture_scores
from dashboards import projection
from dashboards.projection import compute, current_period
from dashboards.team import selectors
from tests.builders import make_customer, make_user
from tests.dashboards_team.conftest import DEMO_DAY, demo_person

pytestmark = pytest.mark.django_db


def _queries(client, url: str = "/team/") -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def _cold_and_warm(client) -> tuple[int, int]:
    cache.clear()
    return _queries(client), _queries(client)


def _csm(geo: str, name: str, plan: Plan) -> User:
    """A CSM of ``geo`` on ``plan`` with two customers, their scores and ARR."""
    csm = make_user(Role.CSM, geo=geo, name=name)
    Assignment.objects.create(
        employee=csm, plan=plan, start_date=DEMO_DAY - timedelta(days=400), on_target_amount=Decimal(4000)
    )
    for j in range(2):
        customer = make_customer(
            f"{name.replace(' ', '-')}-{j}", geo=geo, owner=csm, start_date=DEMO_DAY.replace(year=2020)
        )
        ArrRecord.objects.create(
            customer=customer, as_of=DEMO_DAY.replace(year=2021), arr=1000, currency="USD"
        )
        for days in (40, 1):
            ScoreObservation.objects.create(
                customer=customer, as_of=DEMO_DAY - timedelta(days=days), score=Decimal(60 - days)
            )
    return csm


def test_the_query_count_of_a_cold_and_a_warm_team_page_is_the_same_for_2_and_6_csms(
    client, demo, on_demo_day
):
    plan = Plan.objects.order_by("code").first()
    vp = make_user(Role.CSVP, geo="LATAM", name="Lat Vp")
    for i in range(2):
        _csm("LATAM", f"Latam Csm {i}", plan)
    client.force_login(vp)
    client.get("/team/")  # the connection, templates and lazily created rows
    two = _cold_and_warm(client)
    assert len(client.get("/team/").context["board"].rows) == 2
    for i in range(2, 6):
        _csm("LATAM", f"Latam Csm {i}", plan)
    six = _cold_and_warm(client)
    assert len(client.get("/team/").context["board"].rows) == 6
    assert six == two
    cold, warm = six
    assert warm < cold


def _shown(client) -> tuple[dict, list[dict]]:
    context = client.get("/team/").context
    payouts = {(row["employee_id"], row["plan"]): row["payout"] for row in context["board"].rows}
    return payouts, context["tables"]["at_risk"].rows


def _uncached(vp: User, period: Period) -> tuple[dict, list[dict]]:
    csms = [person.pk for person in selectors.geo_csms(vp, vp.geo)]
    payouts = {
        (row["employee_id"], p.plan.code): Decimal(row["total"])
        for p in compute(period, csms)
        if p.result is not None
        for row in p.result.payouts.to_dict("records")
    }
    return payouts, selectors._at_risk(vp, vp.geo, period, DEMO_DAY, selectors.DEFAULT_GAP)


def _amer_customer(period: Period) -> Customer:
    """An AMER customer in the book of a CSM the leaderboard shows, with a target this quarter."""
    return (
        Customer.objects.filter(geo="AMER", target_lines__period=period.code)
        .filter(ownerships__employee__roles__role=Role.CSM, ownerships__employee__is_active=True)
        .order_by("customer_id")
        .first()
    )


def _new_score(period: Period) -> None:  # a score import
    customer = _amer_customer(period)
    ScoreObservation.objects.update_or_create(
        customer=customer, as_of=DEMO_DAY, defaults={"score": Decimal(1)}
    )


def _new_owner(period: Period) -> None:  # an ownership import: the customer moves to another CSM
    customer = _amer_customer(period)
    owner = Ownership.objects.filter(customer=customer).order_by("-start_date").first().employee
    other = User.objects.filter(geo="AMER", roles__role=Role.CSM, is_active=True).exclude(pk=owner.pk).first()
    Ownership.objects.create(customer=customer, employee=other, start_date=DEMO_DAY - timedelta(days=1))


def _renamed_owner(period: Period) -> None:  # a people import renames the at-risk list's owners
    User.objects.filter(geo="AMER", roles__role=Role.CSM).update(name=Concat("name", Value(" Jr")))


def _kpi(period: Period) -> None:  # a KPI import
    KpiActual.objects.filter(period=period.code, employee__geo="AMER").update(value=Decimal(0))


def _assignment(period: Period) -> None:  # a plan assignment's on-target amount
    Assignment.objects.filter(employee__geo="AMER").update(on_target_amount=F("on_target_amount") * 2)


def _arr(period: Period) -> None:  # an ARR import: the quarter starts with a far larger book
    for customer in Customer.objects.filter(geo="AMER", ownerships__employee__roles__role=Role.CSM)[:20]:
        ArrRecord.objects.update_or_create(
            customer=customer,
            as_of=period.start - timedelta(days=1),
            defaults={"arr": Decimal(10_000_000), "currency": "USD"},
        )


def _deal(period: Period) -> None:  # a deals import: a large expansion credited this quarter
    customer = _amer_customer(period)
    Deal.objects.create(
        deal_id="D-COLD-1",
        customer=customer,
        type="expansion",
        arr_delta=Decimal(5_000_000),
        currency="USD",
        booked_on=DEMO_DAY - timedelta(days=2),
        effective_on=DEMO_DAY - timedelta(days=2),
    )


def _fx(period: Period) -> None:  # an FX import
    FxRate.objects.filter(period=period.code).update(rate=F("rate") * 3)


def _applied_request(period: Period) -> None:  # an exception request applied
    customer = _amer_customer(period)
    Request.objects.create(
        kind="exception",
        customer=customer,
        period=period,
        value=Decimal("1.5"),
        justification="Granted in full.",
        filed_by=demo_person("csvp", "AMER"),
        status="applied",
    )


def _pull(period: Period) -> None:  # a score pull freezes the quarter's scores
    # The quarter shown is under way, which ``pull_scores`` refuses (DESIGN §2): the pull is written as the
    # service writes it, without its date rule, since what is checked here is the page's stamp of pulls.
    ScoreObservation.objects.filter(customer=_amer_customer(period)).update(score=Decimal(0))
    pull = ScorePull.objects.create(period=period, trigger="test")
    ScorePull.objects.filter(pk=pull.pk).update(customers=capture_scores(pull, period))


def _draft_snapshot(period: Period) -> None:  # a draft snapshot and its lines (a targets import)
    snapshot = Snapshot.objects.create(fiscal_year="FY99")
    TargetLine.objects.create(
        snapshot=snapshot,
        customer=_amer_customer(period),
        period="FY99-Q1",
        baseline_score=Decimal(1),
        target_score=Decimal(2),
    )


def _snapshot(period: Period) -> None:  # the cco approves a snapshot (drafted before the page was cached)
    approve_snapshot(fiscal_year="FY99", user=demo_person("cco"))


_snapshot.prepare = _draft_snapshot


FIGURE_CHANGES = [_new_score, _new_owner, _renamed_owner, _kpi, _assignment, _arr, _deal, _applied_request]


@pytest.mark.parametrize("change", FIGURE_CHANGES, ids=lambda change: change.__name__.strip("_"))
def test_a_change_to_an_input_shows_at_once_with_the_figures_of_the_uncached_computation(
    client, demo, on_demo_day, change
):
    vp = demo_person("csvp", "AMER")
    period = current_period(on_demo_day)
    client.force_login(vp)
    before = _shown(client)
    assert _shown(client) == before  # served from the cache
    change(period)
    after = _shown(client)
    assert after != before
    assert after == _uncached(vp, period)


@pytest.mark.parametrize(
    "change", [_fx, _pull, _draft_snapshot, _snapshot], ids=lambda change: change.__name__.strip("_")
)
def test_a_change_to_any_input_table_computes_the_page_again(client, demo, on_demo_day, change):
    """FX, pulls and snapshots may leave the demo's figures as they were: the page computes them again
    (a cold request's queries, not a cached one's) and shows what the uncached computation gives."""
    vp = demo_person("csvp", "AMER")
    period = current_period(on_demo_day)
    client.force_login(vp)
    getattr(change, "prepare", lambda period: None)(period)
    client.get("/team/")
    cold, warm = _cold_and_warm(client)
    assert warm < cold
    change(period)
    assert _queries(client) >= cold - 1  # recomputed (a pull adds one query, a cached plan list none)
    assert _shown(client) == _uncached(vp, period)


def test_a_plan_computed_in_parts_gives_the_rows_of_the_whole(demo, monkeypatch):
    """``compute`` splits a plan paying many CSMs into parts (each CSM's result depends only on their
    own assignment and book, DESIGN §4.2): the parts put together are the whole."""
    period = current_period(DEMO_DAY)
    csms = list(User.objects.filter(roles__role=Role.CSM, is_active=True).values_list("pk", flat=True))
    whole = compute(period, csms)
    monkeypatch.setattr(projection, "PART", 2)
    parts = compute(period, csms)
    assert [p.plan.code for p in parts] == [p.plan.code for p in whole]
    for split, one in zip(parts, whole, strict=True):
        assert (split.result is None) == (one.result is None)
        if one.result is None:
            assert split.error == one.error
            continue
        for name in ("payouts", "components", "customers", "deals"):
            a, b = (
                getattr(r.result, name).astype(str).sort_values(list(getattr(r.result, name).columns))
                for r in (split, one)
            )
            assert a.reset_index(drop=True).equals(b.reset_index(drop=True)), name
        assert sorted(w.message for w in split.result.warnings) == sorted(
            w.message for w in one.result.warnings
        )


@given(
    now=st.decimals(min_value=0, max_value=100, places=4),
    before=st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=4)),
    target=st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=4)),
    days=st.integers(min_value=0, max_value=60),
    gap=st.decimals(min_value=0, max_value=100, places=2),
)
def test_the_quick_float_test_never_lets_an_at_risk_customer_go(now, before, target, days, gap):
    """``_at_risk`` skips customers ``_may_be_at_risk`` lets go: each is one ``risk_reasons`` finds
    nothing for, whatever the rounding of unquantized values (as SQLite hands them back)."""
    customer = {"score_now": now, "score_before": before, "target": target}
    customer["score_as_of"] = DEMO_DAY - timedelta(days=days)
    stale = DEMO_DAY - timedelta(days=selectors.WINDOW_DAYS)
    if not selectors._may_be_at_risk(dict(customer), stale, float(gap)):
        assert selectors.risk_reasons(dict(customer), DEMO_DAY, gap) == []


def _seen_from_this_thread(customer_id: str) -> tuple[int, int]:
    return threading.get_ident(), Customer.objects.filter(customer_id=customer_id).count()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads only on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrently_runs_calls_in_threads_of_their_own_that_see_committed_data():
    make_customer("C-THREADS")
    calls = [lambda: _seen_from_this_thread("C-THREADS"), lambda: _seen_from_this_thread("C-NONE")]
    (first, seen), (second, unseen) = projection.concurrently(calls)
    assert (seen, unseen) == (1, 0)  # in the order of the calls
    assert threading.get_ident() not in (first, second)


def test_concurrently_runs_calls_in_order_on_this_connection_inside_a_transaction(db):
    make_customer("C-UNCOMMITTED")  # the test's transaction: no other connection sees it
    results = projection.concurrently([lambda: _seen_from_this_thread("C-UNCOMMITTED")] * 2)
    assert results == [(threading.get_ident(), 1)] * 2
