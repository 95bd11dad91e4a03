"""Company totals come from the chosen runs: final runs of closed quarters, the latest successful run of
open ones — and equal the sum of those runs' Payout rows."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from commissions.models import ComponentResult, Payout, Period, Run
from dashboards.company.selectors import chosen_runs
from tests.dashboards_team.conftest import demo_person


def _expected_runs() -> set[int]:
    chosen = set()
    for period in Period.objects.all():
        for plan_id in Run.objects.filter(period=period).values_list("plan_id", flat=True).distinct():
            runs = Run.objects.filter(period=period, plan_id=plan_id)
            if period.is_closed:
                run = runs.filter(is_final=True).first()
            else:
                run = runs.filter(status=Run.Status.SUCCEEDED).order_by("-version").first()
            if run is not None:
                chosen.add(run.pk)
    return chosen


def _newer_run_of_open_quarter(status: str) -> Run:
    """A copy of the open quarter's run with doubled payouts, as a newer version with ``status``."""
    current = Run.objects.filter(period__status="open", status="succeeded").order_by("-version").first()
    newer = Run.objects.create(
        plan=current.plan,
        period=current.period,
        version=Run.objects.filter(plan=current.plan, period=current.period).count() + 1,
        status=status,
        fingerprint=f"test-{status}",
    )
    Payout.objects.bulk_create(
        Payout(
            run=newer,
            employee_id=p.employee_id,
            on_target_amount=p.on_target_amount,
            amount=p.amount * 2,
            currency=p.currency,
        )
        for p in current.payouts.all()
    )
    return newer


def test_company_totals_equal_the_payout_rows_of_the_chosen_runs(client, demo):
    _newer_run_of_open_quarter("failed")  # never counted
    newer = _newer_run_of_open_quarter("succeeded")  # replaces the open quarter's earlier run
    expected_runs = _expected_runs()
    assert set(chosen_runs().values_list("pk", flat=True)) == expected_runs
    assert newer.pk in expected_runs
    assert Run.objects.filter(pk__in=expected_runs, period__status="closed", is_final=False).count() == 0

    client.force_login(demo_person("cco"))
    data = client.get("/company/").context["data"]
    payouts = Payout.objects.filter(run__in=expected_runs)
    by_quarter = {row["period"]: row["amount"] for row in data.by_quarter}
    for code, amount in payouts.values_list("run__period__code").annotate(total=Sum("amount")):
        assert by_quarter[code] == amount
    assert sum(by_quarter.values()) == sum(p.amount for p in payouts)

    by_geo = defaultdict(Decimal)
    for p in payouts.select_related("employee", "run__period"):
        by_geo[(p.run.period.code, p.employee.geo)] += p.amount
    assert {(row["period"], row["geo"]): row["amount"] for row in data.by_geo} == dict(by_geo)
    assert sum(row["oti"] for row in data.by_geo) == sum(p.on_target_amount for p in payouts)

    components = ComponentResult.objects.filter(run__in=expected_runs)
    by_component = {(row["period"], row["component"]): row["amount"] for row in data.by_component}
    for code, component, total in components.values_list("run__period__code", "component").annotate(
        total=Sum("payout")
    ):
        assert by_component[(code, component)] == total


def test_closed_quarters_count_their_final_run(demo):
    closed = Run.objects.filter(period__status="closed")
    assert closed.exists()
    assert set(chosen_runs().filter(period__status="closed").values_list("pk", flat=True)) == set(
        closed.filter(is_final=True).values_list("pk", flat=True)
    )


def test_approval_queues_list_pending_requests_with_links(client, demo, cco):
    from adoption.models import Customer
    from approvals.models import Request
    from commissions.services.periods import get_period

    vp = demo_person("csvp", "AMER")
    customer = Customer.objects.filter(geo="AMER").order_by("pk").first()
    period = Period.objects.filter(status="open").order_by("start").first() or get_period("FY27-Q4")
    waiting = Request.objects.create(
        kind="exception",
        customer=customer,
        period=period,
        value=Decimal("0.8"),
        justification="x",
        filed_by=vp,
    )
    client.force_login(cco)
    response = client.get("/company/")
    cco_queue = response.context["queue_tables"][0]
    assert [row["id"] for row in cco_queue.rows] == [f"#{waiting.pk}"]
    assert f'href="/requests/{waiting.pk}/"' in response.content.decode()
