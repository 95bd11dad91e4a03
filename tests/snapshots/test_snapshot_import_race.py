"""An approval and a targets import at the same time (PostgreSQL): the import holds the snapshot's row
until it commits, so the approval waits and approves the imported lines too — no line ever lands in a
snapshot approved while it was being written."""

import threading

import pytest
from django.conf import settings
from django.db import connections

from adoption.models import Snapshot, TargetLine
from adoption.services import approve_snapshot
from commissions.services import imports
from commissions.services.imports import import_file
from tests.builders import make_customer

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="needs PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_an_approval_waits_for_the_targets_import_in_progress_and_approves_its_lines(
    cco, csv_file, monkeypatch
):
    for customer_id in ("C1", "C2"):
        make_customer(customer_id)
    import_file(
        kind="targets",
        path=csv_file("fiscal_year,customer_id,baseline_score,period,target_score\nFY22,C1,40,FY22-Q2,60\n"),
    )
    writing, release = threading.Event(), threading.Event()
    real_upsert = imports.upsert

    def slow_upsert(*args, **kwargs):
        writing.set()  # the snapshot row is locked by now (the spec's prepare step)
        release.wait(20)
        return real_upsert(*args, **kwargs)

    monkeypatch.setattr(imports, "upsert", slow_upsert)
    second = csv_file("fiscal_year,customer_id,baseline_score,period,target_score\nFY22,C2,70,FY22-Q2,80\n")
    outcome: dict = {}

    def run(name, work):
        try:
            outcome[name] = work()
        except Exception as exc:  # noqa: BLE001 - the test reads what each side got
            outcome[name] = exc
        finally:
            connections.close_all()

    importer = threading.Thread(target=run, args=("import", lambda: import_file(kind="targets", path=second)))
    importer.start()
    assert writing.wait(20)
    approver = threading.Thread(
        target=run, args=("approve", lambda: approve_snapshot(fiscal_year="FY22", user=cco))
    )
    approver.start()
    approver.join(1.5)
    assert approver.is_alive(), "the approval did not wait for the import holding the snapshot"
    release.set()
    importer.join(30)
    approver.join(30)

    assert not isinstance(outcome["import"], Exception), outcome["import"]
    assert not isinstance(outcome["approve"], Exception), outcome["approve"]
    snapshot = Snapshot.objects.get(fiscal_year="FY22")
    assert snapshot.status == Snapshot.Status.APPROVED
    assert set(
        TargetLine.objects.filter(snapshot=snapshot).values_list("customer__customer_id", flat=True)
    ) == {
        "C1",
        "C2",
    }
