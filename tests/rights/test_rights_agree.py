"""One right, every way to exercise it: the page, the API, the command and the service agree (DESIGN §1).

For each right and each persona, every write path is tried once on a fresh database; a path "allows"
when its effect happened (a pull made, a quarter closed, a request moved on, a file imported). The set
of personas a path allowed must be exactly the right's holders below — and what ``accounts.access``
answers for that persona.
"""

import io
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client, TestCase
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import access
from accounts.models import UserRole
from adoption.models import Customer, Snapshot
from adoption.services import approve_snapshot
from approvals import services as requests
from approvals.models import Request
from commissions.models import PayoutSignOff, Period, Run, ScorePull
from commissions.services.calculations import start_calculation
from commissions.services.close import close_period, reopen_period
from commissions.services.export import write_payouts
from commissions.services.imports import import_file
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from commissions.services.signoff import sign_off_payouts
from commissions.tasks import calculate_plan
from core.errors import AttainError, NotAllowed
from tests.builders import sign_off

from .conftest import JUSTIFICATION, PERSONAS, QUARTER, make_persona, make_request

OPS = {"ops", "ops+cco", "ops+finance", "ops+admin"}
CCO = {"cco", "ops+cco", "csvp+cco", "cco+finance"}
HOLDERS: dict[str, set[str]] = {
    "import": OPS,
    "pull": OPS,
    "calculate": OPS,
    "close": OPS,
    "reopen": OPS,
    "export_payroll": OPS | {"finance", "cco+finance"},
    "sign_off": {"finance", "ops+finance", "cco+finance"},
    "approve_snapshot": CCO,
    "file_request": {"csvp", "csvp+cco"},
    "decide": CCO,
    "apply": OPS,
    "change_roles": {"admin", "ops+admin"},
}
CUSTOMERS_CSV = b"customer_id,name,geo,start_date,segment\nC9,Nine,AMER,2020-01-01,ENT\n"


class Paths:
    """The ways a person exercises a right; each method returns whether its effect happened."""

    def __init__(self, person, world, others, tmp_path):
        self.person, self.world, self.others, self.tmp_path = person, world, others, tmp_path

    # -- how each interface is driven --

    def page(self, method: str, url: str, data: dict | None = None):
        client = Client()
        client.force_login(self.person)  # an inactive person is then simply not signed in
        with TestCase.captureOnCommitCallbacks(execute=True):  # a queued calculation runs here
            return getattr(client, method)(url, data or {})

    def api(self, method: str, url: str, data=None, **kwargs):
        client = APIClient()
        client.force_authenticate(self.person)  # the right itself must refuse an inactive person
        with TestCase.captureOnCommitCallbacks(execute=True):
            return getattr(client, method)(url, data, **kwargs)

    def command(self, *args) -> bool:
        self.error = ""
        try:
            call_command(*args, "--user", self.person.email, stdout=io.StringIO(), stderr=io.StringIO())
        except CommandError as exc:
            self.error = str(exc)
            return False
        return True

    def service(self, call: Callable, *, only_rights: bool = False) -> bool:
        """False when ``call`` raises ``NotAllowed``; ``only_rights``: other refusals count as allowed."""
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                call()
        except NotAllowed:
            return False
        except AttainError:
            if not only_rights:
                raise
        return True

    # -- the state each right acts on --

    def closed_quarter(self):
        """A successful run of every plan, and the quarter closed by someone else (ops)."""
        self.succeeded_run(is_final=True)
        Period.objects.filter(pk=self.world["period"].pk).update(
            status=Period.Status.CLOSED, closed_at=timezone.now(), closed_by=self.others["ops"]
        )
        self.world["period"].refresh_from_db()

    def succeeded_run(self, **fields):
        world, succeeded = self.world, Run.Status.SUCCEEDED
        Run.objects.create(
            plan=world["plan"], period=world["period"], version=1, status=succeeded, fingerprint="f", **fields
        )

    def is_closed(self) -> bool:
        return Period.objects.get(pk=self.world["period"].pk).is_closed


def _imported() -> bool:
    return Customer.objects.filter(customer_id="C9").exists()


def _upload(name: str, content: bytes) -> dict:
    return {"kind": name.removesuffix(".csv"), "file": SimpleUploadedFile(name, content, "text/csv")}


def _api_import(p: Paths, upload: dict) -> None:
    """Upload, then confirm the checked job, as an API client does (docs/imports.md "The API"); each job
    step runs here, as a worker would, with or without a broker."""
    from commissions.tasks import run_import_job

    response = p.api("post", "/api/imports/", upload, format="multipart")
    if response.status_code != 202:
        return
    run_import_job.apply(args=[response.json()["id"]])
    if p.api("post", f"{response['Location']}confirm/").status_code == 202:
        run_import_job.apply(args=[response.json()["id"]])


# --- each right's paths: on a fresh state, name -> act (returns whether the effect happened) -----------


def import_paths(p: Paths) -> dict[str, Callable[[], bool]]:
    path = p.tmp_path / "customers.csv"
    path.write_bytes(CUSTOMERS_CSV)
    score = [{"customer_id": "ACME", "as_of": "2021-07-01", "score": "70"}]

    def api() -> bool:
        _api_import(p, _upload("customers.csv", CUSTOMERS_CSV))
        return _imported()

    def api_scores() -> bool:
        return p.api("post", "/api/scores/", score, format="json").status_code == 201

    def command() -> bool:
        return p.command("import_csv", "customers", str(path)) and _imported()

    def service() -> bool:
        return p.service(lambda: import_file(kind="customers", path=path, user=p.person)) and _imported()

    return {"api": api, "api scores": api_scores, "command": command, "service": service}


def pull_paths(p: Paths) -> dict[str, Callable[[], bool]]:
    period, pulled = p.world["period"], ScorePull.objects.exists

    def page() -> bool:
        p.page("post", "/console/pull/", {"period": QUARTER})
        return pulled()

    def api() -> bool:
        p.api("post", "/api/pulls/", {"period": QUARTER}, format="json")
        return pulled()

    def command() -> bool:
        return p.command("pull_scores", QUARTER) and pulled()

    def service() -> bool:
        return p.service(lambda: pull_scores(period=period, user=p.person)) and pulled()

    return {"page": page, "api": api, "command": command, "service": service}


def calculate_paths(p: Paths) -> dict[str, Callable[[], bool]]:
    approve_snapshot(fiscal_year="FY22", user=p.others["cco"])
    pull_scores(period=p.world["period"])  # by the schedule
    period, plan, ran = p.world["period"], p.world["plan"], Run.objects.exists

    def page() -> bool:
        p.page("post", "/console/calculate/", {"period": QUARTER})
        return ran()

    def api() -> bool:
        p.api("post", "/api/runs/", {"period": QUARTER, "plan": plan.code}, format="json")
        return ran()

    def command() -> bool:
        return p.command("calculate", QUARTER) and ran()

    def service() -> bool:
        return p.service(lambda: start_calculation(period=period, plan=plan, user=p.person)) and ran()

    return {"page": page, "api": api, "command": command, "service": service}


def close_paths(p: Paths) -> dict[str, Callable[[], bool]]:
    """Whether closing then succeeds depends on the quarter's state (services.close); here, only whether
    the person is refused for lack of the right: 403 on the page, the right's sentence elsewhere."""
    approve_snapshot(fiscal_year="FY22", user=p.others["cco"])
    pull_scores(period=p.world["period"])  # by the schedule, as is the calculation
    calculate(period=p.world["period"], plan=p.world["plan"])
    refusal = f"may not close {QUARTER}"

    def page() -> bool:
        response = p.page("post", "/console/close/", {"period": QUARTER, "confirm": "1"})
        return response.status_code == 302 and not response.url.startswith("/accounts/login/")

    def command() -> bool:
        return p.command("close_period", QUARTER) or refusal not in p.error

    def service() -> bool:
        return p.service(lambda: close_period(period=p.world["period"], user=p.person), only_rights=True)

    return {"page": page, "command": command, "service": service}


def reopen_paths(p: Paths) -> dict[str, Callable[[], bool]]:
    p.closed_quarter()
    reason = "A deal was booked against the wrong customer."

    def command() -> bool:
        return p.command("reopen_period", QUARTER, "--reason", reason) and not p.is_closed()

    def service() -> bool:
        reopen = lambda: reopen_period(period=p.world["period"], user=p.person, reason=reason)  # noqa: E731
        return p.service(reopen) and not p.is_closed()

    return {"command": command, "service": service}


def export_paths(p: Paths) -> dict[str, Callable[[], bool]]:
    p.closed_quarter()
    sign_off(p.world["period"])  # the export waits for finance's sign-off (DESIGN §5)
    out = p.tmp_path / "payroll.csv"

    def page() -> bool:
        response = p.page("get", "/console/export/", {"period": QUARTER})
        return response.get("Content-Type", "").startswith("text/csv")

    def api() -> bool:
        return p.api("get", f"/api/payouts.csv?period={QUARTER}").status_code == 200

    def command() -> bool:
        return p.command("export_payouts", QUARTER, "-o", str(out)) and out.exists()

    def service() -> bool:
        return p.service(lambda: write_payouts(p.world["period"], io.StringIO(), user=p.person))

    return {"page": page, "api": api, "command": command, "service": service}


def sign_off_paths(p: Paths) -> dict[str, Callable[[], bool]]:
    p.closed_quarter()
    comment = "Totals checked against the on-target amounts."

    def signed() -> bool:
        return PayoutSignOff.objects.filter(period=p.world["period"], revoked_at__isnull=True).exists()

    def page() -> bool:
        p.page("post", "/console/sign-off/", {"period": QUARTER, "comment": comment, "confirm": "1"})
        return signed()

    def command() -> bool:
        return p.command("sign_off_payouts", QUARTER, "--comment", comment) and signed()

    def service() -> bool:
        sign = lambda: sign_off_payouts(period=p.world["period"], user=p.person, comment=comment)  # noqa: E731
        return p.service(sign) and signed()

    return {"page": page, "command": command, "service": service}


def _approved() -> bool:
    return Snapshot.objects.get(fiscal_year="FY22").is_frozen


def approve_snapshot_paths(p: Paths) -> dict[str, Callable[[], bool]]:
    def admin_page() -> bool:
        # The admin role opens the admin (DESIGN §1): give it to the person, so only the cco role decides.
        UserRole.objects.get_or_create(user=p.person, role="admin")
        p.person.user_permissions.add(Permission.objects.get(codename="view_snapshot"))
        data = {"action": "approve_selected", "_selected_action": [p.world["snapshot"].pk]}
        p.page("post", "/admin/adoption/snapshot/", data)
        return _approved()

    def api() -> bool:
        p.api("post", "/api/snapshots/FY22/approve/")
        return _approved()

    def command() -> bool:
        return p.command("approve_snapshot", "FY22") and _approved()

    def service() -> bool:
        return p.service(lambda: approve_snapshot(fiscal_year="FY22", user=p.person)) and _approved()

    return {"admin page": admin_page, "api": api, "command": command, "service": service}


def file_request_paths(p: Paths) -> dict[str, Callable[[], bool]]:
    filed = Request.objects.exists
    fields = {"kind": "exception", "value": "1.1", "justification": JUSTIFICATION}

    def page() -> bool:
        p.page("post", "/requests/new/", {**fields, "customer": "ACME", "period": QUARTER})
        return filed()

    def api() -> bool:
        p.api("post", "/api/requests/", {**fields, "customer_id": "ACME", "period": QUARTER}, format="json")
        return filed()

    def service() -> bool:
        where = {"customer": p.world["customer"], "period": p.world["period"]}
        return p.service(lambda: requests.file_request(user=p.person, **fields, **where)) and filed()

    return {"page": page, "api": api, "service": service}


def decide_paths(p: Paths) -> dict[str, Callable[[], bool]]:
    request = make_request(p.world, filed_by=p.others["filer"])
    comment = {"comment": "Checked against the telemetry outage."}

    def moved() -> bool:
        return Request.objects.get(pk=request.pk).status != Request.Status.PENDING_CCO

    def page() -> bool:
        p.page("post", f"/requests/{request.pk}/approve/", comment)
        return moved()

    def api() -> bool:
        p.api("post", f"/api/requests/{request.pk}/approve/", comment, format="json")
        return moved()

    def service() -> bool:
        return p.service(lambda: requests.approve(request=request, user=p.person, **comment)) and moved()

    return {"page": page, "api": api, "service": service}


def apply_paths(p: Paths) -> dict[str, Callable[[], bool]]:
    approvers = {"cco_approver": p.others["cco"], "finance_approver": p.others["finance"]}
    request = make_request(p.world, filed_by=p.others["filer"], status=Request.Status.APPROVED, **approvers)

    def applied() -> bool:
        return Request.objects.get(pk=request.pk).status == Request.Status.APPLIED

    def page() -> bool:
        p.page("post", f"/requests/{request.pk}/apply/", {"comment": ""})
        return applied()

    def api() -> bool:
        p.api("post", f"/api/requests/{request.pk}/apply/", {"comment": ""}, format="json")
        return applied()

    def service() -> bool:
        return p.service(lambda: requests.apply(request=request, user=p.person)) and applied()

    return {"page": page, "api": api, "service": service}


def change_roles_paths(p: Paths) -> dict[str, Callable[[], bool]]:
    """Make the world's CSM a csvp too: on the admin page, or by an employees import (API, command)."""
    csm = p.world["csm"]
    header = "employee_id,email,name,geo,manager_employee_id,roles"
    content = f"{header}\n{csm.employee_id},{csm.email},{csm.name},AMER,,csm;csvp\n".encode()
    path = p.tmp_path / "employees.csv"
    path.write_bytes(content)

    def promoted() -> bool:
        return UserRole.objects.filter(user=csm, role="csvp").exists()

    def admin_page() -> bool:
        p.person.is_staff = p.person.is_superuser = True  # Django's permissions aside: only the role decides
        p.person.save(update_fields=["is_staff", "is_superuser"])
        p.page("post", f"/admin/accounts/user/{csm.pk}/change/", user_page_form(csm, ["csm", "csvp"]))
        return promoted()

    def api() -> bool:
        _api_import(p, _upload("employees.csv", content))
        return promoted()

    def command() -> bool:
        return p.command("import_csv", "employees", str(path)) and promoted()

    def service() -> bool:
        try:
            import_file(kind="employees", path=path, user=p.person)
        except AttainError:  # NotAllowed (may not import), or the import refused for the roles column
            return False
        return promoted()

    return {"admin page": admin_page, "api import": api, "command import": command, "service import": service}


def user_page_form(user, roles: list[str]) -> dict:
    """The admin's change form of ``user`` as posted, with ``roles`` in the roles inline."""
    held = list(user.roles.order_by("role"))
    data = {
        "email": user.email,
        "name": user.name,
        "employee_id": user.employee_id or "",
        "geo": user.geo,
        "manager": "",
        "is_active": "on",
        "date_joined_0": "2021-01-01",
        "date_joined_1": "00:00:00",
        "roles-TOTAL_FORMS": str(max(len(held), len(roles))),
        "roles-INITIAL_FORMS": str(len(held)),
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
    }
    for i in range(max(len(held), len(roles))):
        data[f"roles-{i}-user"] = user.pk
        data[f"roles-{i}-id"] = held[i].pk if i < len(held) else ""
        if i < len(roles):
            data[f"roles-{i}-role"] = roles[i]
        else:
            data[f"roles-{i}-role"] = held[i].role
            data[f"roles-{i}-DELETE"] = "on"
    return data


PATHS = {
    "change_roles": change_roles_paths,
    "import": import_paths,
    "pull": pull_paths,
    "calculate": calculate_paths,
    "close": close_paths,
    "reopen": reopen_paths,
    "export_payroll": export_paths,
    "sign_off": sign_off_paths,
    "approve_snapshot": approve_snapshot_paths,
    "file_request": file_request_paths,
    "decide": decide_paths,
    "apply": apply_paths,
}


def right_of(name: str, person, world):
    """What the access module answers for ``person`` and right ``name``."""
    period = world["period"]
    return {
        "import": lambda: access.may_import(person, "customers"),
        "pull": lambda: access.may_pull(person, period),
        "calculate": lambda: access.may_calculate(person, period),
        "close": lambda: access.may_close(person, period),
        "reopen": lambda: access.may_reopen(person, period),
        "export_payroll": lambda: access.may_export_payroll(person, period),
        "sign_off": lambda: access.may_sign_off(person, period),
        "approve_snapshot": lambda: access.may_approve_snapshot(person, "FY22"),
        "file_request": lambda: access.may_file_request(person, world["customer"]),
        "change_roles": lambda: access.may_change_roles(person, world["csm"]),
    }[name]()


CASES = [pytest.param(right, persona, id=f"{right}-{persona}") for right in PATHS for persona in PERSONAS]


@pytest.fixture
def calculations_in_process(monkeypatch):
    """The console's and API's queued calculation runs here, when the request's transaction commits."""
    monkeypatch.setattr(calculate_plan, "delay", lambda *args, **kwargs: calculate_plan(*args, **kwargs))


@pytest.mark.django_db
@pytest.mark.parametrize(("right", "persona"), CASES)
def test_every_path_agrees_with_the_right(right, persona, world, others, tmp_path, calculations_in_process):
    expected = persona in HOLDERS[right]
    person = make_persona(persona)
    if right not in ("decide", "apply"):  # those depend on the request: asked in test_segregation
        assert bool(right_of(right, person, world)) is expected
    outcomes = {}
    with transaction.atomic():
        names = list(PATHS[right](Paths(person, world, others, tmp_path)))
        transaction.set_rollback(True)
    for name in names:
        # Every path from the same starting state: each runs in a savepoint rolled back afterwards.
        with transaction.atomic():
            act = PATHS[right](Paths(person, world, others, tmp_path))[name]
            outcomes[name] = act()
            transaction.set_rollback(True)
        person.refresh_from_db()
    assert outcomes == dict.fromkeys(names, expected)
