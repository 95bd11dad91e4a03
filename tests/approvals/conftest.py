"""Personas, a customer and a quarter for the exception / extra-credit workflow (DESIGN §5).

E-mails never depend on a broker here: ``.delay`` of the notification task runs the real task in the
calling thread, and ``deliver()`` runs the ``on_commit`` callbacks that queue it.
"""

from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Role
from approvals import services
from approvals.models import Request
from approvals.tasks import send_notification
from commissions.models import Period
from commissions.services.periods import get_period
from tests.builders import make_customer, make_user

WORKED_PLAN = Path(__file__).resolve().parents[2] / "fixtures" / "worked" / "plan.yaml"
JUSTIFICATION = "Customer paused the rollout during a merger; the team kept every workshop going."
QUARTER = "FY22-Q2"


@pytest.fixture(autouse=True)
def notifications_run_in_process(monkeypatch):
    """The real task, called synchronously: independent of CELERY_TASK_ALWAYS_EAGER and REDIS_URL."""
    monkeypatch.setattr(send_notification, "delay", lambda *args: send_notification(*args))


@pytest.fixture
def deliver(django_capture_on_commit_callbacks, mailoutbox):
    """``with deliver(): ...`` runs the e-mails the block queued on commit (into ``mailoutbox``)."""

    def capture():
        return django_capture_on_commit_callbacks(execute=True)

    return capture


@pytest.fixture
def period(db):
    return get_period(QUARTER)


@pytest.fixture
def csvp(db):
    return make_user(Role.CSVP, geo="AMER", email="csvp.amer@example.com")


@pytest.fixture
def emea_csvp(db):
    return make_user(Role.CSVP, geo="EMEA", email="csvp.emea@example.com")


@pytest.fixture
def cco(db):
    return make_user(Role.CCO, email="cco@example.com")


@pytest.fixture
def cco2(db):
    return make_user(Role.CCO, email="cco2@example.com")


@pytest.fixture
def finance(db):
    return make_user(Role.FINANCE, email="finance@example.com")


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, email="ops@example.com")


@pytest.fixture
def csm(db):
    return make_user(Role.CSM, geo="AMER", email="csm@example.com")


@pytest.fixture
def customer(db, csm):
    return make_customer("C100", geo="AMER", owner=csm, name="Umbrella")


def file_exception(user, customer, period, value="1", justification=JUSTIFICATION) -> Request:
    return services.file_request(
        user=user,
        kind=Request.Kind.EXCEPTION,
        customer=customer,
        period=period,
        value=value,
        justification=justification,
    )


def file_extra_credit(user, customer, period, value="0.5", justification=JUSTIFICATION) -> Request:
    return services.file_request(
        user=user,
        kind=Request.Kind.EXTRA_CREDIT,
        customer=customer,
        period=period,
        value=value,
        justification=justification,
    )


def close_directly(period: Period, by) -> None:
    """Mark the quarter closed without a run (enough for refusals that only read the status)."""
    Period.objects.filter(pk=period.pk).update(
        status=Period.Status.CLOSED, closed_at=timezone.now(), closed_by=by
    )
    period.refresh_from_db()


@pytest.fixture
def exception_request(csvp, customer, period):
    """An exception waiting for the CCO."""
    return file_exception(csvp, customer, period)


@pytest.fixture
def extra_credit_request(csvp, customer, period):
    """Extra credit waiting for the CCO."""
    return file_extra_credit(csvp, customer, period)


@pytest.fixture
def pending_finance(exception_request, cco):
    return services.approve(request=exception_request, user=cco, comment="Effort is documented.")


@pytest.fixture
def approved_exception(pending_finance, finance):
    return services.approve(request=pending_finance, user=finance, comment="Budget allows it.")
