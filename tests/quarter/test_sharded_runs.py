"""A run split by CSM into shards (commissions/services/shards.py) is the run one process would make:
the same rows, written once, whatever order the shards run in, however often they are delivered."""

from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role, User
from commissions.models import ComponentResult, CustomerResult, Payout, Period, Plan, Run, RunShard
from commissions.services import shards as shard_service
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from commissions.services.shards import calculate_shard, fail_run, plan_sharded_run, split
from core.errors import AttainError, PeriodClosed
from demo.company import seed_demo
from tests.worlds import built_once, shares

pytestmark = pytest.mark.django_db

PERIOD = "FY27-Q3"


def build_demo() -> Period:
    seed_demo(today=date(2026, 11, 25))
    period = get_period(PERIOD)
    pull_scores(period=period)
    return period


@pytest.fixture(scope="module")
def _demo_of_module(request, django_db_setup, django_db_blocker):
    """The demo's FY27-Q3 primary key, built once for this module (tests/worlds.py)."""
    if not shares(request, "demo"):
        yield None
        return
    with built_once(django_db_blocker):
        yield build_demo().pk


@pytest.fixture
def demo(_demo_of_module, db):
    """The demo company (12 CSMs, two plans) with FY27-Q3's scores pulled and no run yet."""
    if _demo_of_module:
        return Period.objects.get(pk=_demo_of_module)
    return build_demo()


COMPONENT_COLUMNS = ("employee__employee_id", *ComponentResult.FIGURES)


def rows_of(run: Run) -> dict[str, list[tuple]]:
    """A run's results as plain rows, without the run's id: what 'the same run' means here."""
    return {
        "customers": sorted(
            CustomerResult.objects.filter(run=run).values_list(
                "employee__employee_id",
                "customer__customer_id",
                "baseline",
                "target",
                "score",
                "r",
                "counted",
                "reason",
                "weight",
            )
        ),
        "components": sorted(
            (*line[:-1], repr(line[-1]))  # the detail dict, comparable
            for line in ComponentResult.objects.filter(run=run).values_list(*COMPONENT_COLUMNS)
        ),
        "payouts": sorted(
            Payout.objects.filter(run=run).values_list(
                "employee__employee_id", "on_target_amount", "amount", "currency"
            )
        ),
        "warnings": sorted(tuple(sorted(w.items())) for w in run.warnings),
    }


def close_behind_the_run(period: Period) -> None:
    """Close the quarter as close_period would, while a sharded run is still running."""
    ops = User.objects.filter(roles__role=Role.OPS).first()
    Period.objects.filter(pk=period.pk).update(
        status=Period.Status.CLOSED, closed_at=timezone.now(), closed_by=ops
    )


def run_all_shards(run: Run, order=None) -> list[str]:
    indexes = order if order is not None else range(run.shard_count)
    return [calculate_shard(run.pk, index) for index in indexes]


@pytest.mark.parametrize("shards", [2, 5])
def test_a_sharded_run_has_exactly_the_rows_of_a_single_process_run(demo, shards):
    customers = 0
    for plan in Plan.objects.order_by("code"):
        single = calculate(period=demo, plan=plan).run
        expected = rows_of(single)
        assert expected["payouts"] and expected["components"]
        customers += len(expected["customers"])
        single.delete()  # so the same inputs may be calculated again, this time in shards

        calc = plan_sharded_run(period=demo, plan=plan, shards=shards)
        assert calc.created and calc.run.shard_count == min(shards, len(expected["payouts"]))
        run_all_shards(calc.run, order=reversed(range(calc.run.shard_count)))  # any order

        calc.run.refresh_from_db()
        assert calc.run.status == Run.Status.SUCCEEDED and calc.run.progress == 100
        assert rows_of(calc.run) == expected
        assert calc.run.fingerprint == single.fingerprint
    assert customers  # an adoption plan's books were compared too


def test_every_csm_of_the_run_is_in_exactly_one_shard(demo):
    plan = Plan.objects.order_by("code").first()
    run = plan_sharded_run(period=demo, plan=plan, shards=4).run
    groups = list(RunShard.objects.filter(run=run).values_list("employees", flat=True))
    members = [pk for group in groups for pk in group]
    assert len(groups) == 4 and all(groups)
    assert len(members) == len(set(members))
    run_all_shards(run)
    paid = set(Payout.objects.filter(run=run).values_list("employee_id", flat=True))
    assert paid <= set(members)


def test_split_gives_each_shard_about_the_same_number_of_customers(demo):
    from commissions.loaders import load_quarter
    from commissions.services.pulls import latest_pull

    plan = Plan.objects.order_by("code").first()
    inputs = load_quarter(plan=plan, period=demo, pull=latest_pull(demo))
    groups = split(inputs, 3)
    run = plan_sharded_run(period=demo, plan=plan, shards=3).run
    run_all_shards(run)
    books = [CustomerResult.objects.filter(run=run, employee_id__in=group).count() for group in groups]
    assert sum(books) == CustomerResult.objects.filter(run=run).count()
    assert max(books) - min(books) <= max(books) // 2  # no shard carries most of the company


def test_more_shards_than_csms_makes_one_shard_per_csm(demo):
    plan = Plan.objects.order_by("code").first()
    run = plan_sharded_run(period=demo, plan=plan, shards=64).run
    assert run.shard_count == RunShard.objects.filter(run=run).count() <= 12


def test_a_shard_count_outside_1_to_64_is_refused(demo):
    plan = Plan.objects.order_by("code").first()
    for shards in (0, 65):
        with pytest.raises(AttainError, match="1 to 64 shards"):
            plan_sharded_run(period=demo, plan=plan, shards=shards)
    assert not Run.objects.exists()


def test_the_run_succeeds_only_when_its_last_shard_is_written(demo):
    plan = Plan.objects.order_by("code").first()
    run = plan_sharded_run(period=demo, plan=plan, shards=3).run
    progress = []
    for index in range(3):
        run.refresh_from_db()
        assert run.status == Run.Status.RUNNING
        calculate_shard(run.pk, index)
        run.refresh_from_db()
        progress.append(run.progress)
    assert run.status == Run.Status.SUCCEEDED and run.finished_at is not None
    assert progress[0] < progress[1] < progress[2] == 100
    assert set(run.timings) >= {"load_ms", "calculate_ms", "write_ms"}


def test_a_redelivered_shard_writes_nothing_twice(demo):
    plan = Plan.objects.order_by("code").first()
    run = plan_sharded_run(period=demo, plan=plan, shards=2).run
    assert calculate_shard(run.pk, 0) == "done"
    counts = (CustomerResult.objects.count(), ComponentResult.objects.count(), Payout.objects.count())
    assert calculate_shard(run.pk, 0) == "skipped"
    assert (CustomerResult.objects.count(), ComponentResult.objects.count(), Payout.objects.count()) == counts
    assert RunShard.objects.get(run=run, index=0).attempts == 1


def test_a_shard_that_dies_while_writing_leaves_nothing_and_its_retry_completes_the_run(demo, monkeypatch):
    plan = Plan.objects.order_by("code").first()
    run = plan_sharded_run(period=demo, plan=plan, shards=2).run
    calculate_shard(run.pk, 0)
    before = CustomerResult.objects.count()
    real_write = shard_service.write_results

    def write_then_die(*args, **kwargs):
        real_write(*args, **kwargs)  # the rows are in the transaction…
        raise SystemExit("worker killed")  # …when the worker dies

    monkeypatch.setattr(shard_service, "write_results", write_then_die)
    with pytest.raises(SystemExit):
        calculate_shard(run.pk, 1)
    assert CustomerResult.objects.count() == before
    assert RunShard.objects.get(run=run, index=1).status == RunShard.Status.PENDING

    monkeypatch.setattr(shard_service, "write_results", real_write)
    assert calculate_shard(run.pk, 1) == "done"
    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED
    assert RunShard.objects.get(run=run, index=1).attempts == 2
    assert CustomerResult.objects.filter(run=run).values("customer_id").distinct().count() == (
        CustomerResult.objects.filter(run=run).count()
    )


def test_a_redelivery_after_the_last_write_finishes_a_run_left_running(demo, monkeypatch):
    """The worker died after committing the last shard but before marking the run succeeded."""
    plan = Plan.objects.order_by("code").first()
    run = plan_sharded_run(period=demo, plan=plan, shards=2).run
    calculate_shard(run.pk, 0)
    monkeypatch.setattr(shard_service, "_finish_if_complete", lambda run_id: False)
    calculate_shard(run.pk, 1)
    run.refresh_from_db()
    assert run.status == Run.Status.RUNNING
    monkeypatch.undo()
    assert calculate_shard(run.pk, 1) == "skipped"
    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED


def test_a_failed_shard_fails_the_run_and_removes_what_other_shards_wrote(demo):
    plan = Plan.objects.order_by("code").first()
    run = plan_sharded_run(period=demo, plan=plan, shards=2).run
    calculate_shard(run.pk, 0)
    assert Payout.objects.filter(run=run).exists()
    fail_run(run.pk, "shard 1: boom")
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED and run.error == "shard 1: boom"
    assert not Payout.objects.filter(run=run).exists()
    assert not CustomerResult.objects.filter(run=run).exists()
    assert calculate_shard(run.pk, 1) == "skipped"  # a late delivery writes nothing into a failed run
    assert not Payout.objects.filter(run=run).exists()
    # The failed run no longer holds its inputs' fingerprint: the calculation can be tried again.
    assert calculate(period=demo, plan=plan).created


def test_a_quarter_closed_during_the_run_refuses_the_remaining_shards(demo):
    plan = Plan.objects.order_by("code").first()
    run = plan_sharded_run(period=demo, plan=plan, shards=2).run
    calculate_shard(run.pk, 0)
    close_behind_the_run(demo)
    with pytest.raises(PeriodClosed):
        calculate_shard(run.pk, 1)
    first, second = RunShard.objects.filter(run=run).order_by("index")
    assert second.status == RunShard.Status.PENDING
    assert set(Payout.objects.filter(run=run).values_list("employee_id", flat=True)) <= set(first.employees)


def test_the_shard_task_fails_the_run_when_its_shard_cannot_be_calculated(demo):
    from commissions.tasks import calculate_shard as shard_task

    plan = Plan.objects.order_by("code").first()
    run = plan_sharded_run(period=demo, plan=plan, shards=2).run
    shard_task.apply(args=(run.pk, 0))
    close_behind_the_run(demo)
    with pytest.raises(PeriodClosed):
        shard_task.apply(args=(run.pk, 1), throw=True)
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED and run.error.startswith("shard 1: ")
    assert not Payout.objects.filter(run=run).exists()


def test_unchanged_inputs_make_no_second_run_sharded_or_not(demo):
    plan = Plan.objects.order_by("code").first()
    first = calculate(period=demo, plan=plan).run
    again = plan_sharded_run(period=demo, plan=plan, shards=3)
    assert not again.created and again.run.pk == first.pk
    assert not RunShard.objects.exists()


def test_calculate_command_with_shards_reports_the_finished_run(demo, monkeypatch):
    """The command queues the shards, waits for them and reports the run. Here the shards run in-process
    where the command queues them (workers on a broker do that in production)."""
    from io import StringIO

    from commissions import tasks

    queued = []

    def run_here(run_id: int) -> int:
        queued.append(run_id)
        return len(run_all_shards(Run.objects.get(pk=run_id)))

    monkeypatch.setattr(tasks, "dispatch_shards", run_here)
    plan = Plan.objects.order_by("code").first()
    out = StringIO()
    call_command("calculate", PERIOD, "--plan", plan.code, "--shards", "3", stdout=out)
    run = Run.objects.get(plan=plan, period=demo)
    assert queued == [run.pk]
    assert run.status == Run.Status.SUCCEEDED and run.shard_count == 3
    text = out.getvalue()
    assert "3 shards queued" in text
    assert f"v{run.version}: {Payout.objects.filter(run=run).count()} CSMs" in text

    call_command("calculate", PERIOD, "--plan", plan.code, "--shards", "3", stdout=out)
    assert queued == [run.pk]  # unchanged inputs: nothing queued again
    assert "inputs unchanged" in out.getvalue()


def test_the_run_admin_shows_each_shard_with_its_attempts_and_worker(demo, admin_client):
    from commissions.tasks import calculate_shard as shard_task

    plan = Plan.objects.order_by("code").first()
    run = plan_sharded_run(period=demo, plan=plan, shards=2).run
    shard_task.apply(args=(run.pk, 0), throw=True)
    page = admin_client.get(f"/admin/commissions/run/{run.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Run shards" in text or "run shards" in text.lower()
    assert text.count(">Done<") == 1 and text.count(">Pending<") == 1
