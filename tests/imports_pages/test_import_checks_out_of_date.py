"""A checked file is written only while its dry run still says what it would do (docs/imports.md "Imports in
the browser"): once another import of its kind was applied after its check, or the admin edited the kind's
table, confirming it is refused and the page offers a new check of the same stored file."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from accounts.models import Role
from adoption.models import ArrRecord
from commissions import tasks
from commissions.models import ImportJob
from commissions.services.imports import jobs
from commissions.services.imports.freshness import CheckOutOfDate
from tests.builders import make_customer, make_user

from .conftest import Upload, csv_text

pytestmark = pytest.mark.django_db

URL = "/console/imports/"
HEADER = ["customer_id", "as_of", "arr", "currency"]
A = csv_text([HEADER, ["C1", "2026-01-31", "11111", "USD"]])
B = csv_text([HEADER, ["C1", "2026-01-31", "22222", "USD"]])


@pytest.fixture
def customer(db):
    return make_customer("C1")


def check(run_now, user, content: str, name: str) -> ImportJob:
    data = content.encode()
    job = run_now(jobs.start_import_job, kind="arr", file=Upload(data, name), file_name=name, user=user)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED
    return job


def stored_arr() -> str:
    return str(ArrRecord.objects.get(customer__customer_id="C1").arr.normalize())


def test_a_file_checked_before_a_newer_import_of_its_kind_is_not_confirmed(run_now, ops, customer):
    a = check(run_now, ops, A, "A.csv")
    b = check(run_now, ops, B, "B.csv")
    run_now(jobs.confirm_import_job, job=b, user=ops)
    assert stored_arr() == "22222"

    with pytest.raises(CheckOutOfDate) as refused:
        run_now(jobs.confirm_import_job, job=a, user=ops)

    assert "the arr data changed since this file was checked at" in refused.value.message.lower()
    assert "B.csv was imported" in refused.value.message and "check it again" in refused.value.message
    a.refresh_from_db()
    assert a.status == ImportJob.Status.VALIDATED and a.data is not None  # kept, to be checked again
    assert stored_arr() == "22222"


def test_the_page_refuses_the_confirmation_and_offers_check_again(signed_in, run_now, ops, customer):
    a = check(run_now, ops, A, "A.csv")
    b = check(run_now, ops, B, "B.csv")
    run_now(jobs.confirm_import_job, job=b, user=ops)
    client = signed_in(ops)

    response = run_now(client.post, f"{URL}jobs/{a.pk}/confirm/", follow=True)

    html = response.content.decode()
    assert html.count("data changed since this file was checked at") == 1  # said once, beside the button
    assert 'id="job-out-of-date"' in html and 'id="recheck-import"' in html
    assert 'id="confirm-import"' not in html
    assert stored_arr() == "22222"

    run_now(client.post, f"{URL}jobs/{a.pk}/recheck/")  # a new dry run of the same stored bytes
    a.refresh_from_db()
    assert a.status == ImportJob.Status.VALIDATED and (a.created, a.updated, a.unchanged) == (0, 1, 0)
    html = client.get(f"{URL}jobs/{a.pk}/").content.decode()
    assert 'id="confirm-import"' in html and 'id="job-out-of-date"' not in html

    run_now(client.post, f"{URL}jobs/{a.pk}/confirm/")  # checked again, seen, confirmed: written
    a.refresh_from_db()
    assert a.status == ImportJob.Status.APPLIED and stored_arr() == "11111"


def test_an_import_applied_between_confirmation_and_writing_stops_the_write(
    run_now, ops, customer, django_capture_on_commit_callbacks
):
    a = check(run_now, ops, A, "A.csv")
    with django_capture_on_commit_callbacks(execute=False):  # its worker has not started yet
        jobs.confirm_import_job(job=a, user=ops)
    b = check(run_now, ops, B, "B.csv")
    run_now(jobs.confirm_import_job, job=b, user=ops)

    tasks.run_import_job.apply(args=[a.pk])

    a.refresh_from_db()
    assert a.status == ImportJob.Status.VALIDATED and a.applied_record is None and a.confirmed_by is None
    assert jobs.out_of_date(a) is not None and a.data is not None
    assert stored_arr() == "22222"


def test_an_admin_edit_of_the_kinds_table_after_the_check_makes_it_out_of_date(run_now, ops, customer):
    a = check(run_now, ops, A, "A.csv")
    admin = make_user(Role.ADMIN, email="admin@example.com")
    record = ArrRecord.objects.create(customer=customer, as_of="2026-01-31", arr=5, currency="USD")
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(ArrRecord),
        object_id=str(record.pk),
        object_repr=str(record),
        action_flag=CHANGE,
    )

    with pytest.raises(CheckOutOfDate) as refused:
        jobs.confirm_import_job(job=a, user=ops)

    assert "admin@example.com edited" in refused.value.message


def test_imports_of_other_kinds_and_earlier_ones_leave_a_check_current(run_now, ops, customer):
    b = check(run_now, ops, B, "B.csv")
    run_now(jobs.confirm_import_job, job=b, user=ops)  # applied before A's check: A saw it
    a = check(run_now, ops, A, "A.csv")
    scores = csv_text([["customer_id", "as_of", "score"], ["C1", "2026-01-31", "50"]])
    other = run_now(
        jobs.start_import_job,
        kind="scores",
        file=Upload(scores.encode(), "s.csv"),
        file_name="s.csv",
        user=ops,
    )
    run_now(jobs.confirm_import_job, job=ImportJob.objects.get(pk=other.pk), user=ops)

    run_now(jobs.confirm_import_job, job=a, user=ops)

    a.refresh_from_db()
    assert a.status == ImportJob.Status.APPLIED and stored_arr() == "11111"
