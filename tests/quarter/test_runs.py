"""Versioned calculation runs: DESIGN §4 "A calculation run is versioned…" and issue rules."""

from datetime import date
from decimal import Decimal

import pytest

from adoption.models import ScoreObservation
from commissions.models import ComponentResult, CustomerResult, Deal, KpiActual, Payout, Plan, Run
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from core.errors import AttainError, MissingFxRate

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(worked):
    return Plan.objects.get(code="CS-FY22")


def test_first_run_is_v1_with_progress_fingerprint_and_timings(quarter, plan, ops):
    calc = calculate(period=quarter, plan=plan, user=ops)
    run = calc.run
    assert calc.created and run.version == 1
    assert run.status == Run.Status.SUCCEEDED and run.progress == 100
    assert len(run.fingerprint) == 64
    assert run.started_by == ops and run.trigger == "command"
    assert set(run.timings) == {"load_ms", "calculate_ms", "write_ms"}
    assert run.finished_at is not None


def test_unchanged_inputs_make_no_second_run(quarter, plan):
    first = calculate(period=quarter, plan=plan).run
    again = calculate(period=quarter, plan=plan)
    assert not again.created and again.run.pk == first.pk
    assert Run.objects.count() == 1


def test_changed_inputs_make_v2_and_keep_v1_untouched(quarter, plan):
    first = calculate(period=quarter, plan=plan).run
    KpiActual.objects.filter(kpi="prs").update(value=Decimal(5))
    second = calculate(period=quarter, plan=plan)
    assert second.created and second.run.version == 2 and second.previous.pk == first.pk
    assert second.changes == [("E1", Decimal("2333.33"), Decimal("1833.33"))]
    assert Payout.objects.get(run=first).amount == Decimal("2333.33")
    assert Payout.objects.get(run=second.run).amount == Decimal("1833.33")


def test_inputs_back_to_an_earlier_runs_make_the_next_version_so_the_latest_run_is_the_one_closed(
    quarter, plan, ops
):
    # v1 with 10 PRs, v2 with 5; back to 10: the latest run (v2) no longer holds the inputs, so a new
    # version is made rather than v1 named current behind v2 — the console reviews, the CSM sees and the
    # close makes final the same run.
    from commissions.services.close import close_period
    from commissions.services.runs import plan_state

    original = KpiActual.objects.get(kpi="prs").value
    first = calculate(period=quarter, plan=plan).run
    KpiActual.objects.filter(kpi="prs").update(value=Decimal(5))
    calculate(period=quarter, plan=plan)
    KpiActual.objects.filter(kpi="prs").update(value=original)
    assert not plan_state(period=quarter, plan=plan).up_to_date  # v2 read 5 PRs: a new run is needed

    third = calculate(period=quarter, plan=plan)

    assert third.created and third.run.version == 3 and third.run.fingerprint == first.fingerprint
    assert third.changes == [("E1", Decimal("1833.33"), Decimal("2333.33"))]
    assert plan_state(period=quarter, plan=plan).current == third.run
    [final] = close_period(period=quarter, user=ops)
    assert final == third.run


def test_missing_fx_rate_fails_the_run_naming_currency_and_quarter(quarter, plan):
    Deal.objects.create(
        deal_id="D9",
        customer_id=Deal.objects.get().customer_id,
        type="expansion",
        arr_delta=Decimal("100"),
        currency="EUR",
        booked_on=date(2021, 6, 2),
        effective_on=date(2021, 6, 2),
    )
    with pytest.raises(MissingFxRate, match="EUR in FY22-Q2"):
        calculate(period=quarter, plan=plan)
    run = Run.objects.get()
    assert run.status == Run.Status.FAILED and "No FX rate for EUR in FY22-Q2" in run.error
    assert not CustomerResult.objects.exists() and not Payout.objects.exists()


def test_run_failing_midway_leaves_no_partial_results(quarter, plan, monkeypatch):
    from commissions.bulk import insert_rows
    from commissions.services import runs

    def broken(table, columns, rows):
        if table == Payout._meta.db_table:  # customer and component lines are written by then
            raise RuntimeError("disk full")
        insert_rows(table, columns, rows)

    monkeypatch.setattr(runs, "insert_rows", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        calculate(period=quarter, plan=plan)
    run = Run.objects.get()
    assert run.status == Run.Status.FAILED and run.error == "disk full"
    assert not CustomerResult.objects.exists() and not ComponentResult.objects.exists()


def test_a_failed_run_can_be_retried_as_the_next_version(quarter, plan, monkeypatch):
    from commissions.services import runs

    with monkeypatch.context() as patch:
        patch.setattr(runs, "insert_rows", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("x")))
        with pytest.raises(RuntimeError):
            calculate(period=quarter, plan=plan)
    retry = calculate(period=quarter, plan=plan)
    assert retry.created and retry.run.version == 2 and retry.run.status == Run.Status.SUCCEEDED


def test_warnings_name_the_record(quarter, plan):
    KpiActual.objects.all().delete()
    ScoreObservation.objects.filter(customer__customer_id="C1").delete()
    pull_scores(period=quarter)
    run = calculate(period=quarter, plan=plan).run
    codes = {(w["code"], w["employee_id"], w["customer_id"]) for w in run.warnings}
    assert ("missing_kpi", "E1", "") in codes
    assert ("missing_score", "E1", "C1") in codes
    assert any("C1" in w["message"] and "FY22-Q2" in w["message"] for w in run.warnings)


def test_calculation_needs_a_pull(worked, plan):
    with pytest.raises(AttainError, match="No score pull for FY22-Q2"):
        calculate(period=get_period("FY22-Q2"), plan=plan)


def test_latest_pull_wins_and_earlier_pulls_are_kept(quarter, plan):
    ScoreObservation.objects.create(
        customer_id=CustomerResult._meta.get_field("customer").related_model.objects.get(customer_id="C1").pk,
        as_of=date(2021, 7, 31),
        score=Decimal(60),
    )
    second = pull_scores(period=quarter)
    assert quarter.pulls.count() == 2
    run = calculate(period=quarter, plan=plan).run
    assert run.pull == second
    c1 = CustomerResult.objects.get(run=run, customer__customer_id="C1")
    assert c1.score == Decimal(60) and c1.r == Decimal(1)


def test_pull_ignores_scores_after_the_quarter(quarter):
    customer = CustomerResult._meta.get_field("customer").related_model.objects.get(customer_id="C1")
    ScoreObservation.objects.create(customer=customer, as_of=date(2021, 8, 1), score=Decimal(99))
    pull = pull_scores(period=quarter)
    captured = pull.scores.get(customer=customer)
    assert captured.as_of == date(2021, 7, 30) and captured.score == Decimal(55)


def test_a_customer_with_results_cannot_be_deleted_not_even_in_raw_sql(quarter, plan):
    """Customer results carry no database foreign keys (a run writes tens of thousands); the ORM's
    PROTECT and a database trigger keep every result's customer in place."""
    from django.db import IntegrityError, connection, transaction
    from django.db.models import ProtectedError

    from adoption.models import Customer, Ownership

    calculate(period=quarter, plan=plan)
    result = CustomerResult.objects.select_related("customer").first()
    customer = result.customer
    with pytest.raises(ProtectedError):
        customer.delete()
    Ownership.objects.filter(customer=customer).delete()  # nothing else holds the row now
    with (
        pytest.raises(IntegrityError, match="has calculation results"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM adoption_customer WHERE id = %s", [customer.pk])
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert CustomerResult.objects.filter(customer=customer).exists()
