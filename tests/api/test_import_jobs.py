"""/api/imports/: an import is a job, as on the Imports page (docs/imports.md "The API"): upload (202), poll,
confirm (202), poll; a check older than newer data of its kind is refused; the import history is a list."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from adoption.models import Customer
from commissions.models import ImportJob, ImportRecord
from commissions.services.imports import KINDS, import_file

pytestmark = pytest.mark.django_db

HEADER = b"customer_id,name,geo,start_date,segment\n"
TWO = HEADER + b"C1,Acme,AMER,2020-01-01,ENT\nC2,Globex,EMEA,2020-02-01,MID\n"


def post(client, kind: str, content: bytes, name: str = "c.csv"):
    file = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post("/api/imports/", {"kind": kind, "file": file}, format="multipart")


def test_an_upload_is_a_job_answered_202_with_its_location_and_checked_before_anything_is_written(
    people, client_for, run_jobs
):
    client = client_for("ops")
    response = run_jobs(post, client, "customers", TWO)
    assert response.status_code == 202
    job = ImportJob.objects.get()
    assert response["Location"] == f"/api/imports/jobs/{job.pk}/"
    # Answered before the worker's step: queued, waiting, nothing written.
    assert response.json()["status"] == "queued" and response.json()["waiting"] is True

    checked = client.get(response["Location"]).json()
    assert checked["status"] == "validated" and checked["waiting"] is False
    assert (checked["rows"], checked["created"], checked["updated"]) == (2, 2, 0)
    assert checked["uploaded_by"] == "ops@example.com" and checked["kind"] == "customers"
    assert checked["links"]["confirm"] == f"/api/imports/jobs/{job.pk}/confirm/"
    assert checked["links"]["record"] == f"/api/imports/{checked['dry_run_record']}/"
    assert not Customer.objects.exists()


def test_confirming_a_checked_job_writes_every_row_and_is_polled_to_applied(people, client_for, api_import):
    response, job = api_import(client_for("ops"), "customers", TWO)
    assert job["status"] == "applied" and job["confirmed_by"] == "ops@example.com"
    assert job["links"]["confirm"] is None
    assert sorted(Customer.objects.values_list("customer_id", flat=True)) == ["C1", "C2"]
    record = ImportRecord.objects.get(pk=job["applied_record"])
    assert (record.status, record.created) == (ImportRecord.Status.APPLIED, 2)


def test_confirming_twice_writes_once(people, client_for, api_import, run_jobs):
    client = client_for("ops")
    _, job = api_import(client, "customers", TWO)
    again = run_jobs(client.post, f"/api/imports/jobs/{job['id']}/confirm/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert ImportRecord.objects.filter(status=ImportRecord.Status.APPLIED).count() == 1


def test_a_refused_file_lists_every_bad_row_on_its_job_and_offers_no_confirm(people, client_for, api_import):
    content = HEADER + b"C1,Acme,AMER,not-a-date,ENT\nC2,,AMER,2020-01-01,MID\n"
    _, job = api_import(client_for("ops"), "customers", content)
    assert job["status"] == "refused" and job["error_count"] == 2
    assert {(row["line"], row["column"]) for row in job["errors"]} == {(2, "start_date"), (3, "name")}
    assert all(set(row) == {"line", "column", "value", "reason"} for row in job["errors"])
    assert job["links"]["confirm"] is None
    assert not Customer.objects.exists()


def test_a_check_older_than_newer_data_of_its_kind_is_refused_and_checked_again(
    people, client_for, api_import, run_jobs
):
    client = client_for("ops")
    _, stale = api_import(client, "customers", TWO, name="A.csv", confirm=False)
    ImportRecord.objects.filter(pk=stale["dry_run_record"]).update(
        started_at=timezone.now() - timedelta(minutes=5)
    )
    _, newer = api_import(client, "customers", HEADER + b"C1,Acme Corp,AMER,2020-01-01,ENT\n", name="B.csv")
    assert newer["status"] == "applied"

    job = client.get(f"/api/imports/jobs/{stale['id']}/").json()
    assert "B.csv was imported" in job["out_of_date"]
    refused = run_jobs(client.post, job["links"]["confirm"])
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "check_out_of_date"
    assert Customer.objects.get(customer_id="C1").name == "Acme Corp"  # nothing written

    rechecked = run_jobs(client.post, job["links"]["recheck"])
    assert rechecked.status_code == 202
    job = client.get(rechecked["Location"]).json()
    assert job["status"] == "validated" and job["out_of_date"] is None
    assert (job["created"], job["updated"]) == (1, 1)  # what it would do now: C1 changed back, C2 new


def test_a_checked_job_may_be_discarded(people, client_for, api_import, run_jobs):
    client = client_for("ops")
    _, job = api_import(client, "customers", TWO, confirm=False)
    discarded = run_jobs(client.post, job["links"]["discard"])
    assert discarded.status_code == 200 and discarded.json()["status"] == "abandoned"
    assert not Customer.objects.exists()


def test_an_unknown_kind_or_no_file_is_a_400_with_errors_by_field(people, client_for):
    unknown = post(client_for("ops"), "nonsense", TWO)
    assert unknown.status_code == 400
    assert set(unknown.json()["error"]["details"]) == {"kind"}
    missing = client_for("ops").post("/api/imports/", {"kind": "customers"}, format="multipart")
    assert missing.status_code == 400 and set(missing.json()["error"]["details"]) == {"file"}
    assert not ImportJob.objects.exists()


def test_an_empty_file_is_a_400(people, client_for):
    response = post(client_for("ops"), "customers", b"")
    assert response.status_code == 400
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("persona", ["csm", "csvp", "cco", "finance"])
def test_only_ops_uploads(people, client_for, persona):
    response = post(client_for(persona), "customers", TWO)
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_allowed"
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("persona", ["csm", "csvp"])
def test_jobs_and_history_are_for_whoever_sees_the_console(people, client_for, api_import, persona):
    _, job = api_import(client_for("ops"), "customers", TWO, confirm=False)
    for path in (f"/api/imports/jobs/{job['id']}/", "/api/imports/", "/api/imports/jobs/"):
        assert client_for(persona).get(path).status_code == 403
        assert client_for("cco").get(path).status_code == 200
    confirm = client_for("cco").post(job["links"]["confirm"])
    assert confirm.status_code == 403


def test_the_history_lists_every_import_record_filtered_by_kind_and_period_and_paged(
    people, client_for, api_import
):
    api_import(client_for("ops"), "customers", TWO)
    fx = SimpleUploadedFile("fx.csv", b"period,currency,rate\nFY22-Q2,EUR,1.1\n")
    import_file(kind="fx", file=fx, dry_run=True)  # the command's records are listed too
    client = client_for("finance")
    every = client.get("/api/imports/").json()
    assert every["count"] == ImportRecord.objects.count() == 3
    assert [row["id"] for row in every["results"]] == list(
        ImportRecord.objects.order_by("-started_at", "-pk").values_list("pk", flat=True)
    )
    customers = client.get("/api/imports/", {"kind": "customers"}).json()
    assert {row["status"] for row in customers["results"]} == {"dry_run", "applied"}
    assert customers["results"][0]["status_label"] == "Applied"

    today = timezone.localdate()
    assert client.get("/api/imports/", {"date_from": today.isoformat()}).json()["count"] == 3
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert client.get("/api/imports/", {"date_from": tomorrow}).json()["count"] == 0
    assert client.get("/api/imports/", {"period": "FY22-Q2"}).json()["count"] == 0
    assert client.get("/api/imports/", {"period": "Q9"}).status_code == 400
    assert client.get("/api/imports/", {"kind": "nonsense"}).status_code == 400

    assert client.get("/api/imports/", {"page": 2}).status_code == 404  # 100 a page: past the end
    record = client.get(f"/api/imports/{every['results'][0]['id']}/").json()
    assert record["errors"] == [] and (record["file_name"], record["status"]) == ("fx.csv", "dry_run")


def test_the_schema_declares_the_upload_as_binary_and_the_kind_as_an_enum(client_for, people):
    schema = client_for("ops").get("/api/schema/?format=json").json()
    body = schema["paths"]["/api/imports/"]["post"]["requestBody"]["content"]
    assert list(body) == ["multipart/form-data"]
    upload = schema["components"]["schemas"]["ImportUpload"]["properties"]
    assert upload["file"] == {**upload["file"], "type": "string", "format": "binary"}
    assert schema["components"]["schemas"]["ImportKindEnum"]["enum"] == list(KINDS)
    accepted = schema["paths"]["/api/imports/"]["post"]["responses"]["202"]
    assert "Location" in accepted["headers"]
    assert accepted["content"]["application/json"]["schema"]["$ref"].endswith("/ImportJob")
