"""Issue 14: a correction of a closed quarter restates it and pays the difference in the open quarter."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from commissions.models import ComponentResult, Correction, Payout, Run, TrueUp
from commissions.services.corrections import apply_correction, record_correction
from core.errors import AttainError, MissingFxRate

EXCEPTION_C1 = [{"customer_id": "C1", "kind": "exception", "value": "1"}]


def export(code: str) -> str:
    out = StringIO()
    call_command("export_payouts", code, stdout=out)
    return out.getvalue()


def exception_for_c1(period, ops, **extra):
    return record_correction(
        period=period,
        kind="adjustment",
        rows=EXCEPTION_C1,
        reason="year-end exception for C1",
        user=ops,
        **extra,
    )


@pytest.mark.django_db
def test_year_end_exception_restates_fy22_q2_to_2500_and_pays_166_67_in_the_open_quarter(closed_q2, ops):
    before = export("FY22-Q2")
    correction = exception_for_c1(closed_q2, ops)
    assert correction.status == Correction.Status.PENDING
    assert correction.effect == {"CS-FY22": {"E1": "166.67"}}

    trueups = apply_correction(correction=correction, user=ops)

    restatement = Run.objects.get(period=closed_q2, is_restatement=True)
    assert not restatement.is_final and restatement.version == 2
    assert Payout.objects.get(run=restatement).amount == Decimal("2500.00")
    lines = dict(ComponentResult.objects.filter(run=restatement).values_list("component", "payout"))
    assert lines == {"ADOPTION": Decimal("1000.00"), "NRR": Decimal("500.00"), "KPI": Decimal("1000.00")}
    assert [(t.paid_in.code, t.component, t.amount) for t in trueups] == [
        ("FY22-Q3", "ADOPTION", Decimal("166.67"))
    ]
    assert Run.objects.get(period=closed_q2, is_final=True).version == 1
    assert export("FY22-Q2") == before


@pytest.mark.django_db
def test_applying_the_same_correction_twice_adds_nothing(closed_q2, ops):
    correction = exception_for_c1(closed_q2, ops)
    apply_correction(correction=correction, user=ops)
    assert apply_correction(correction=correction, user=ops) == []
    assert exception_for_c1(closed_q2, ops, source="request:1").pk != correction.pk
    assert TrueUp.objects.count() == 1


@pytest.mark.django_db
def test_a_correction_with_the_same_source_is_recorded_once(closed_q2, ops):
    first = exception_for_c1(closed_q2, ops, source="request:7")
    assert exception_for_c1(closed_q2, ops, source="request:7").pk == first.pk


@pytest.mark.django_db
def test_a_later_correction_of_the_same_quarter_pays_only_the_new_difference(closed_q2, ops):
    apply_correction(correction=exception_for_c1(closed_q2, ops), user=ops)
    kpi = record_correction(
        period=closed_q2,
        kind="kpi",
        rows=[{"employee_id": "E1", "kpi": "prs", "value": "5"}],
        reason="the KPI count was fixed after close",
        user=ops,
    )
    trueups = apply_correction(correction=kpi, user=ops)
    assert [(t.component, t.amount) for t in trueups] == [("KPI", Decimal("-500.00"))]
    total_paid = Payout.objects.get(run__period=closed_q2, run__is_final=True).amount + sum(
        t.amount for t in TrueUp.objects.all()
    )
    latest = Run.objects.filter(period=closed_q2, is_restatement=True).order_by("-version").first()
    assert total_paid == Payout.objects.get(run=latest).amount == Decimal("2000.00")


@pytest.mark.django_db
def test_a_correction_of_an_open_quarter_is_refused(closed_q2, ops):
    from commissions.services.periods import get_period

    with pytest.raises(AttainError, match="FY22-Q3 is open"):
        exception_for_c1(get_period("FY22-Q3"), ops)


@pytest.mark.django_db
def test_a_deal_in_a_currency_the_quarter_has_no_rate_for_is_refused_naming_it(closed_q2, ops):
    late_deal = {
        "deal_id": "D-LATE",
        "customer_id": "C1",
        "type": "expansion",
        "arr_delta": "1000",
        "currency": "EUR",
        "booked_on": "2021-06-10",
        "effective_on": "2021-06-10",
    }
    with pytest.raises(MissingFxRate, match="EUR.*FY22-Q2"):
        record_correction(
            period=closed_q2, kind="deal", rows=[late_deal], reason="deal booked late", user=ops
        )
    assert not Correction.objects.exists()
    record_correction(
        period=closed_q2,
        kind="fx",
        rows=[{"currency": "EUR", "rate": "1.2"}],
        reason="EUR rate of the quarter",
        user=ops,
    )
