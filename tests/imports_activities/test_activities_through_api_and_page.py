"""The activities kind through the API's import jobs and on the console's Imports page (docs/imports.md
"The API", "Imports in the browser"): the same service, so the same rows and refusals."""

import pytest

from adoption.models import Activity
from tests.builders import make_customer

from .conftest import ACTIVITIES, lines

pytestmark = pytest.mark.django_db

GOOD = lines(ACTIVITIES, "C1,2026-04-14,qbr,", "C1,2026-05-20,nps,42").encode()


def test_the_api_imports_an_activities_file_as_a_job(people, client_for, api_import):
    make_customer("C1")

    _response, job = api_import(client_for("ops"), "activities", GOOD, name="activities.csv")

    assert job["status"] == "applied" and job["kind"] == "activities"
    assert Activity.objects.count() == 2


def test_the_api_refuses_a_bad_activity_with_its_line_column_and_reason(people, client_for, api_import):
    make_customer("C1")
    bad = lines(ACTIVITIES, "C1,2026-04-14,qbr,", "C1,2026-05-20,nps,").encode()

    _response, job = api_import(client_for("ops"), "activities", bad, name="activities.csv", confirm=False)

    assert job["status"] == "refused"
    assert job["errors"] == [
        {
            "line": 3,
            "column": "value",
            "value": "",
            "reason": "an nps activity needs its value, a whole number from -100 to 100",
        }
    ]
    assert not Activity.objects.exists()


def test_the_imports_page_offers_the_activities_kind_and_its_example_file(people, client):
    client.force_login(people["ops"])

    html = client.get("/console/imports/").content.decode()
    example = client.get("/console/imports/templates/activities/", {"format": "csv", "example": "1"})

    assert 'value="activities"' in html
    assert example.content.decode().splitlines() == [
        "customer_id,date,type,value",
        "CUST-0001,2026-04-14,qbr,",
        "CUST-0002,2026-05-20,nps,42",
    ]
