"""Two people deciding on one request at once: one wins, the other is told (compare-and-set on version)."""

import threading

import pytest
from django.conf import settings
from django.db import connections

from approvals.models import Request, RequestStep
from approvals.services import approve, reject, withdraw
from core.errors import AttainError

from .conftest import file_exception

needs_postgres = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="needs PostgreSQL"
)


@pytest.mark.django_db
def test_deciding_on_a_stale_copy_is_refused_with_a_clear_message(exception_request, cco, cco2):
    first = Request.objects.get(pk=exception_request.pk)
    second = Request.objects.get(pk=exception_request.pk)
    approve(request=first, user=cco, comment="Fine by me.")
    with pytest.raises(AttainError, match="changed while you were deciding: it is now “Waiting for finance”"):
        approve(request=second, user=cco2, comment="Fine by me too.")
    request = Request.objects.get(pk=exception_request.pk)
    assert request.status == Request.Status.PENDING_FINANCE and request.cco_approver == cco
    assert request.steps.filter(action=RequestStep.Action.APPROVED).count() == 1


@pytest.mark.django_db
def test_withdrawing_a_copy_that_was_rejected_meanwhile_is_refused(exception_request, csvp, cco):
    stale = Request.objects.get(pk=exception_request.pk)
    reject(request=exception_request, user=cco, comment="Not this quarter.")
    with pytest.raises(AttainError, match="changed while you were deciding: it is now “Rejected”"):
        withdraw(request=stale, user=csvp)
    assert Request.objects.get(pk=exception_request.pk).status == Request.Status.REJECTED


def race(*targets) -> list:
    """Run each target in its own thread, released at once; return their results or exceptions."""
    barrier = threading.Barrier(len(targets))
    results: list = [None] * len(targets)

    def work(i, target):
        try:
            barrier.wait()
            results[i] = target()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each caller got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_ccos_approving_at_once_one_wins_the_other_is_told(csvp, cco, cco2, customer, period):
    request = file_exception(csvp, customer, period)
    # Each approver has the page open: both copies are loaded before either clicks.
    copies = [Request.objects.get(pk=request.pk) for _ in range(2)]

    results = race(
        lambda: approve(request=copies[0], user=cco, comment="Approve (first window)."),
        lambda: approve(request=copies[1], user=cco2, comment="Approve (second window)."),
    )

    winners = [r for r in results if isinstance(r, Request)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], AttainError)
    assert "changed while you were deciding" in str(losers[0])
    assert "Waiting for finance" in str(losers[0])
    request.refresh_from_db()
    assert request.status == Request.Status.PENDING_FINANCE and request.version == 2
    assert request.cco_approver_id == winners[0].cco_approver_id
    assert RequestStep.objects.filter(request=request, action=RequestStep.Action.APPROVED).count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_approve_and_reject_at_once_leave_one_decision(csvp, cco, cco2, customer, period):
    request = file_exception(csvp, customer, period)
    copies = [Request.objects.get(pk=request.pk) for _ in range(2)]

    results = race(
        lambda: approve(request=copies[0], user=cco, comment="Yes."),
        lambda: reject(request=copies[1], user=cco2, comment="No."),
    )

    assert sum(isinstance(r, Request) for r in results) == 1, results
    assert sum(isinstance(r, AttainError) for r in results) == 1, results
    request.refresh_from_db()
    decisions = RequestStep.objects.filter(request=request).exclude(action=RequestStep.Action.FILED)
    assert decisions.count() == 1
    assert request.status == decisions.get().status_after
