"""Each of the five events is emitted by the service where it happens, once that change commits, with the
payload docs/webhooks.md describes — on the worked example of DESIGN §4 (FY22-Q2 pays E1 2333.33 USD)."""

import uuid

import pytest

from accounts.models import Role
from approvals import services as approvals
from commissions.models import Plan, Run
from commissions.services.close import close_period
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from commissions.services.shards import calculate_shard, fail_run, plan_sharded_run
from dashboards.publication import publish_statements
from tests.approvals.conftest import file_exception
from tests.builders import make_customer, make_user, sign_off
from tests.quarter.conftest import load_worked_example
from webhooks.models import Event, WebhookDelivery

from .conftest import make_endpoint

pytestmark = pytest.mark.django_db
PERIOD = "FY22-Q2"
SITE = "https://attain.example.com"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def ops(db):
    return make_user(Role.OPS, email="ops@example.com", name="Olive Ops", geo="")


@pytest.fixture
def worked(db):
    load_worked_example(make_user(Role.CCO, email="cco@example.com"))


@pytest.fixture
def endpoint(db):
    return make_endpoint("https://hooks.example.com/attain")


def emitted(event: str) -> list[dict]:
    """The payloads of ``event`` delivered to the endpoint, oldest first."""
    return [d.payload for d in WebhookDelivery.objects.filter(event=event).order_by("pk")]


def calculated(ops) -> Run:
    period = get_period(PERIOD)
    pull_scores(period=period, user=ops)
    return calculate(period=period, plan=Plan.objects.get(code="CS-FY22"), user=ops).run


def test_a_finished_run_emits_run_finished_with_its_payout_total(
    worked, endpoint, ops, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = calculated(ops)

    (payload,) = emitted(Event.RUN_FINISHED)
    assert uuid.UUID(payload["id"]) and payload["event"] == "run.finished"
    data = payload["data"]
    assert data["run_id"] == run.pk and (data["plan"], data["period"], data["version"]) == (
        "CS-FY22",
        PERIOD,
        1,
    )
    assert (data["status"], data["shards"], data["error"]) == ("succeeded", 0, "")
    assert data["payout_totals"] == {"USD": "2333.33"}
    assert data["link"] == f"{SITE}/console/?period={PERIOD}"
    assert queued == [WebhookDelivery.objects.get().pk]


def test_a_sharded_run_emits_run_finished_once_its_last_shard_is_done(worked, endpoint, ops, queued):
    period = get_period(PERIOD)
    pull_scores(period=period, user=ops)
    run = plan_sharded_run(period=period, plan=Plan.objects.get(code="CS-FY22"), shards=1, user=ops).run
    assert emitted(Event.RUN_FINISHED) == []  # planned, not finished

    calculate_shard(run.pk, 0)

    (payload,) = emitted(Event.RUN_FINISHED)
    assert (payload["data"]["run_id"], payload["data"]["shards"]) == (run.pk, 1)
    assert payload["data"]["payout_totals"] == {"USD": "2333.33"}


def test_a_failed_sharded_run_emits_run_finished_failed_with_its_error(worked, endpoint, ops, queued):
    period = get_period(PERIOD)
    pull_scores(period=period, user=ops)
    run = plan_sharded_run(period=period, plan=Plan.objects.get(code="CS-FY22"), shards=1, user=ops).run

    fail_run(run.pk, "shard 0 kept failing")

    (payload,) = emitted(Event.RUN_FINISHED)
    data = payload["data"]
    assert (data["run_id"], data["status"], data["error"]) == (run.pk, "failed", "shard 0 kept failing")
    assert data["payout_totals"] == {}


def test_closing_emits_quarter_closed_with_the_final_runs(worked, endpoint, ops, queued):
    run = calculated(ops)

    close_period(period=get_period(PERIOD), user=ops)

    (payload,) = emitted(Event.QUARTER_CLOSED)
    data = payload["data"]
    assert data["period"] == PERIOD and data["closed_by"] == {"id": ops.pk, "name": "Olive Ops"}
    assert data["final_runs"] == [
        {"plan": "CS-FY22", "run_id": run.pk, "version": 1, "payout_totals": {"USD": "2333.33"}}
    ]
    assert "ops@example.com" not in str(payload)  # ids and names, no e-mail addresses


def test_a_refused_close_emits_nothing(worked, endpoint, ops, queued):
    with pytest.raises(Exception):  # noqa: B017 - whichever refusal: no run yet
        close_period(period=get_period(PERIOD), user=ops)

    assert emitted(Event.QUARTER_CLOSED) == []


def test_signing_off_emits_payouts_signed_off_with_the_totals(worked, endpoint, ops, queued):
    calculated(ops)
    period = get_period(PERIOD)
    close_period(period=period, user=ops)
    finance = make_user(Role.FINANCE, name="Fran Finance", geo="")

    signed = sign_off(period, by=finance)

    (payload,) = emitted(Event.PAYOUTS_SIGNED_OFF)
    data = payload["data"]
    assert (data["sign_off_id"], data["period"]) == (signed.pk, PERIOD)
    assert data["signed_by"] == {"id": finance.pk, "name": "Fran Finance"}
    assert data["totals"] == {"CS-FY22": {"USD": "2333.33"}}
    assert data["link"] == f"{SITE}/console/sign-off/?period={PERIOD}"


def test_publishing_emits_statement_published_once_per_close(worked, endpoint, ops, queued):
    run = calculated(ops)
    close_period(period=get_period(PERIOD), user=ops)

    publish_statements(period_code=PERIOD)
    publish_statements(period_code=PERIOD)  # a redelivered task: the same event, not sent again

    (payload,) = emitted(Event.STATEMENT_PUBLISHED)
    data = payload["data"]
    assert data["period"] == PERIOD and data["employee_ids"] == ["E1"]
    assert data["runs"] == [{"plan": "CS-FY22", "run_id": run.pk, "version": 1}]


def test_deciding_a_request_emits_request_decided(endpoint, queued):
    period = get_period(PERIOD)
    csvp = make_user(Role.CSVP, geo="AMER")
    cco = make_user(Role.CCO, name="Cora Cco")
    customer = make_customer("C100", geo="AMER")
    request = file_exception(csvp, customer, period, value="0.8")
    assert emitted(Event.REQUEST_DECIDED) == []  # filing is not a decision

    approvals.approve(request=request, user=cco, comment="Effort is documented.")
    approvals.reject(
        request=request, user=make_user(Role.FINANCE), comment="No budget left for it this quarter."
    )

    approved, rejected = (p["data"] for p in emitted(Event.REQUEST_DECIDED))
    assert approved == {
        "request_id": request.pk,
        "kind": "exception",
        "customer_id": "C100",
        "period": PERIOD,
        "value": "0.8000",
        "decision": "approved",
        "role": "cco",
        "status": "pending_finance",
        "decided_by": {"id": cco.pk, "name": "Cora Cco"},
        "link": f"{SITE}/requests/{request.pk}/",
    }
    assert (rejected["decision"], rejected["role"], rejected["status"]) == ("rejected", "finance", "rejected")


def test_an_endpoint_not_subscribed_gets_none_of_them(worked, ops, queued):
    make_endpoint("https://hooks.example.com/closes-only", Event.QUARTER_CLOSED)

    calculated(ops)

    assert not WebhookDelivery.objects.exists() and queued == []
