"""/api/employees/: people scoped exactly like the pages (accounts.access.employees_visible_to): a CSM sees
themself, a Geo VP their geo, cco/finance/ops/admin everyone; roles as an enum, geo and manager."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User

pytestmark = pytest.mark.django_db


def emails(client, **query) -> set[str]:
    response = client.get("/api/employees/", query)
    assert response.status_code == 200, response.json()
    return {person["email"] for person in response.json()["results"]}


@pytest.mark.parametrize("persona", ["cco", "finance", "ops", "admin"])
def test_who_sees_everything_lists_everyone(people, client_for, persona):
    assert emails(client_for(persona)) == set(User.objects.values_list("email", flat=True))


def test_a_geo_vp_sees_the_people_of_their_geo(people, client_for):
    expected = set(User.objects.filter(geo="AMER").values_list("email", flat=True))
    assert emails(client_for("csvp")) == expected
    assert "emea.csm@example.com" not in expected
    assert client_for("csvp").get(f"/api/employees/{people['emea_csm'].pk}/").status_code == 404


def test_a_csm_sees_only_themself(people, client_for):
    assert emails(client_for("csm")) == {"csm@example.com"}
    assert client_for("csm").get(f"/api/employees/{people['other_csm'].pk}/").status_code == 404


def test_someone_without_a_role_sees_no_one(people, client_for):
    assert emails(client_for("nobody")) == set()


def test_one_person_with_roles_geo_and_manager(people, client_for):
    csm = people["csm"]
    csm.manager = people["csvp"]
    csm.save(update_fields=["manager"])
    body = client_for("csvp").get(f"/api/employees/{csm.pk}/").json()
    assert body == {
        "id": csm.pk,
        "employee_id": csm.employee_id,
        "email": "csm@example.com",
        "name": csm.name,
        "roles": ["csm"],
        "geo": "AMER",
        "manager": "csvp@example.com",
        "manager_employee_id": people["csvp"].employee_id,
        "is_active": True,
    }


def test_filters_by_role_geo_and_manager(people, client_for):
    client = client_for("ops")
    assert emails(client, role="csm") == {"csm@example.com", "other.csm@example.com", "emea.csm@example.com"}
    assert emails(client, geo="EMEA") == {"emea.csm@example.com"}
    assert client.get("/api/employees/", {"role": "king"}).status_code == 400


def test_the_list_reads_roles_in_a_fixed_number_of_queries(people, client_for):
    client = client_for("ops")
    client.get("/api/employees/")  # the token's first use records it: one write, once a minute
    with CaptureQueriesContext(connection) as few:
        client.get("/api/employees/")
    people["csm"].roles.create(role="csvp")
    for n in range(5):
        User.objects.create_user(email=f"more{n}@example.com").roles.create(role="csm")
    with CaptureQueriesContext(connection) as more:
        client.get("/api/employees/")
    assert len(more.captured_queries) == len(few.captured_queries)


def test_the_schema_declares_roles_as_an_enum(client_for, people):
    schema = client_for("ops").get("/api/schema/?format=json").json()
    roles = schema["components"]["schemas"]["Employee"]["properties"]["roles"]
    assert roles["items"] == {"$ref": "#/components/schemas/RoleEnum"}
    assert schema["components"]["schemas"]["RoleEnum"]["enum"] == [
        "csm",
        "csvp",
        "cco",
        "finance",
        "ops",
        "admin",
    ]
