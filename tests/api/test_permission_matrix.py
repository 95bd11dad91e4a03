"""Every read endpoint × every role: a CSM's token sees only their own data (DESIGN §1, issue 6)."""

import pytest

ROLES = ["csm", "csvp", "cco", "finance", "ops", "admin"]
EVERYONE = {"cco", "finance", "ops", "admin"}

# endpoint -> the natural key of each row, and what each scoped role sees of the world fixture.
CUSTOMER_SCOPED = {
    "customers": "customer_id",
    "ownership": "customer",
    "arr": "customer",
    "scores": "customer",
    "deals": "customer",
    "target-lines": "customer",
    "customer-results": "customer",
}
EMPLOYEE_SCOPED = {
    "kpis": "employee",
    "assignments": "employee",
    "payouts": "employee",
    "component-results": "employee",
}
UNSCOPED = ["snapshots", "fx", "plans", "periods", "runs"]

# A run's results: the world's run is of an open quarter, so unpublished to a CSM (DESIGN §5; see
# test_published_statements.py for the closed quarter's final run).
RESULTS = {"payouts", "component-results", "customer-results"}

VISIBLE_CUSTOMERS = {"csm": {"ACME"}, "csvp": {"ACME", "GLOBEX"}}
VISIBLE_EMPLOYEES = {"csm": {"csm@example.com"}, "csvp": {"csm@example.com", "other.csm@example.com"}}
ALL_CUSTOMERS = {"ACME", "GLOBEX", "INITECH"}
ALL_EMPLOYEES = {"csm@example.com", "other.csm@example.com", "emea.csm@example.com"}


def keys(response, field: str) -> set[str]:
    assert response.status_code == 200, response.content
    return {row[field] for row in response.json()["results"]}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(CUSTOMER_SCOPED))
def test_customer_scoped_lists(world, client_for, endpoint, role):
    expected = ALL_CUSTOMERS if role in EVERYONE else VISIBLE_CUSTOMERS[role]
    if role == "csm" and endpoint in RESULTS:
        expected = set()
    assert keys(client_for(role).get(f"/api/{endpoint}/"), CUSTOMER_SCOPED[endpoint]) == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(EMPLOYEE_SCOPED))
def test_employee_scoped_lists(world, client_for, endpoint, role):
    expected = ALL_EMPLOYEES if role in EVERYONE else VISIBLE_EMPLOYEES[role]
    if role == "csm" and endpoint in RESULTS:
        expected = set()
    assert keys(client_for(role).get(f"/api/{endpoint}/"), EMPLOYEE_SCOPED[endpoint]) == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", UNSCOPED)
def test_reference_data_is_readable_by_everyone_signed_in(world, client_for, endpoint, role):
    response = client_for(role).get(f"/api/{endpoint}/")
    assert response.status_code == 200
    assert response.json()["count"] >= 1


@pytest.mark.parametrize("endpoint", sorted(CUSTOMER_SCOPED) + sorted(EMPLOYEE_SCOPED) + UNSCOPED)
def test_anonymous_is_refused_with_401(world, client_for, endpoint):
    response = client_for(None).get(f"/api/{endpoint}/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_csm_gets_404_for_another_csms_customer(world, client_for):
    client = client_for("csm")
    acme, globex = world["customers"]["ACME"], world["customers"]["GLOBEX"]
    assert client.get(f"/api/customers/{acme.pk}/").status_code == 200
    response = client.get(f"/api/customers/{globex.pk}/")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found.", "details": None}}


def test_csm_gets_404_for_another_csms_payout(world, client_for, people):
    from commissions.models import Payout

    theirs = Payout.objects.get(employee=people["other_csm"])
    assert client_for("csm").get(f"/api/payouts/{theirs.pk}/").status_code == 404
    assert client_for("finance").get(f"/api/payouts/{theirs.pk}/").status_code == 200


def test_csvp_gets_404_for_another_geos_customer(world, client_for):
    initech = world["customers"]["INITECH"]
    assert client_for("csvp").get(f"/api/customers/{initech.pk}/").status_code == 404


def test_csm_sees_run_metadata_without_warnings(world, client_for):
    run = world["run"]
    assert "warnings" not in client_for("csm").get(f"/api/runs/{run.pk}/").json()
    body = client_for("ops").get(f"/api/runs/{run.pk}/").json()
    assert {"status", "progress", "version", "warnings"} <= body.keys()
