"""Issue 14 property: for any sequence of corrections of a closed quarter, what was paid plus every
true-up equals the latest restatement, per CSM and plan, to the cent (RULES "Rounding")."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commissions.models import Payout, Plan, Run, TrueUp
from commissions.services.corrections import applied_corrections, apply_correction, record_correction
from commissions.services.restatements import restate

scores = st.decimals(min_value=0, max_value=Decimal("1.5"), places=4)
corrections = st.one_of(
    st.builds(
        lambda customer, r: ("adjustment", [{"customer_id": customer, "kind": "exception", "value": str(r)}]),
        st.sampled_from(["C1", "C2", "C3"]),
        scores,
    ),
    st.builds(
        lambda customer, points: (
            "adjustment",
            [{"customer_id": customer, "kind": "extra_credit", "value": str(points)}],
        ),
        st.sampled_from(["C1", "C2", "C3"]),
        st.decimals(min_value=Decimal("0.0001"), max_value=1, places=4),
    ),
    st.builds(
        lambda value: ("kpi", [{"employee_id": "E1", "kpi": "prs", "value": str(value)}]),
        st.decimals(min_value=0, max_value=30, places=2),
    ),
    st.builds(
        lambda delta: (
            "deal",
            [
                {
                    "deal_id": "D-LATE",
                    "customer_id": "C1",
                    "type": "renewal",
                    "arr_delta": str(delta),
                    "currency": "USD",
                    "booked_on": "2021-07-01",
                    "effective_on": "2021-07-01",
                }
            ],
        ),
        st.decimals(min_value=-20000, max_value=20000, places=2),
    ),
)


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=st.lists(corrections, min_size=1, max_size=4))
def test_paid_plus_all_true_ups_is_the_latest_restatement(closed_q2, ops, sequence):
    with transaction.atomic():
        paid = Payout.objects.get(run__period=closed_q2, run__is_final=True).amount
        for kind, rows in sequence:
            correction = record_correction(
                period=closed_q2, kind=kind, rows=rows, reason="a correction in a sequence", user=ops
            )
            apply_correction(correction=correction, user=ops)
            trued_up = sum(
                TrueUp.objects.filter(restates=closed_q2).values_list("amount", flat=True), Decimal(0)
            )
            assert paid + trued_up == _latest_restatement(closed_q2), (kind, rows)
        transaction.set_rollback(True)


def _latest_restatement(period) -> Decimal:
    """The payout stored for the latest restatement: the run whose inputs are the quarter's with every
    applied correction (the final run itself when they net to nothing)."""
    plan = Plan.objects.get(code="CS-FY22")
    digest = restate(period=period, plan=plan, corrections=applied_corrections(period)).digest
    run = Run.objects.get(period=period, plan=plan, fingerprint=digest, status=Run.Status.SUCCEEDED)
    return Payout.objects.get(run=run).amount
