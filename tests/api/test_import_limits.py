"""POST /api/imports/ refuses oversized files in the API's error shape, and its job lists bad bytes by line
and column, never a 500 (docs/imports.md "The API")."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from adoption.models import Customer
from commissions.models import ImportRecord

pytestmark = pytest.mark.django_db

CUSTOMERS = b"customer_id,name,geo,start_date,segment\n"


def upload(client, content: bytes):
    file = SimpleUploadedFile("customers.csv", content, content_type="text/csv")
    return client.post("/api/imports/", {"kind": "customers", "file": file}, format="multipart")


def test_nul_byte_refuses_the_job_with_line_and_column(people, client_for, api_import):
    response, job = api_import(client_for("ops"), "customers", CUSTOMERS + b"C1,Ac\x00me,AMER,2019-03-01,\n")
    assert response.status_code == 202
    assert job["status"] == "refused"
    assert job["errors"] == [
        {
            "line": 2,
            "column": "name",
            "value": "Ac\\x00me",
            "reason": "holds the control character U+0000: remove it",
        }
    ]
    assert not Customer.objects.exists()


def test_many_bad_rows_answer_the_first_thousand_and_the_count(people, client_for, api_import):
    rows = b"".join(b"C%d,Acme,AMER,not-a-date,\n" % n for n in range(5000))
    _, job = api_import(client_for("ops"), "customers", CUSTOMERS + rows)
    assert job["status"] == "refused"
    assert job["error_count"] == 5000
    assert len(job["errors"]) == 1000
    assert ImportRecord.objects.get().error_count == 5000


def test_file_above_the_limit_is_a_413(people, client_for, settings):
    settings.MAX_UPLOAD_BYTES = 200
    rows = b"".join(b"C%d,Acme,AMER,2019-03-01,\n" % n for n in range(20))
    response = upload(client_for("ops"), CUSTOMERS + rows)
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "too_large"
    assert "at most 200 bytes" in error["message"]
    assert not Customer.objects.exists()


def test_body_above_the_limit_is_a_413_before_it_is_read(people, client_for, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    rows = b"".join(b"C%d,Acme,AMER,2019-03-01,\n" % n for n in range(4000))  # > limit + envelope
    response = upload(client_for("ops"), CUSTOMERS + rows)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert "at most 1,000 bytes" in response.json()["error"]["message"]


def test_a_page_refuses_a_body_above_the_limit_with_413(client, settings):
    settings.MAX_UPLOAD_BYTES = 10
    response = client.post("/accounts/login/", {"username": "x" * 100_000, "password": "y"})
    assert response.status_code == 413
    assert b"too large" in response.content
