"""Re-importing the same file changes nothing; a changed value updates only its row (DESIGN §3)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from adoption.models import ArrRecord, Customer, ScoreObservation
from commissions.models import FxRate, ImportRecord, KpiActual
from tests.builders import make_customer, make_user

from .conftest import lines

pytestmark = pytest.mark.django_db

FILES = {
    "customers": lines(
        "customer_id,name,geo,start_date,segment",
        "C1,Acme,AMER,2019-03-01,enterprise",
        "C2,Globex,EMEA,2020-01-10,",
    ),
    "arr": lines("customer_id,as_of,arr,currency", "C1,2021-04-01,100000,USD", "C2,2021-04-01,50000.50,EUR"),
    "scores": lines("customer_id,as_of,score", "C1,2021-07-30,55", "C2,2021-07-31,72.5"),
    "fx": lines("period,currency,rate", "FY22-Q2,EUR,1.1834500000", "FY22-Q2,USD,1"),
}


@pytest.mark.parametrize("kind", list(FILES))
def test_reimporting_the_same_file_changes_nothing(run_import, kind):
    if kind != "customers":
        run_import("customers", FILES["customers"])
    first = run_import(kind, FILES[kind])
    assert (first.rows, first.created, first.updated, first.unchanged) == (2, 2, 0, 0)
    with CaptureQueriesContext(connection) as queries:
        again = run_import(kind, FILES[kind])
    assert (again.rows, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)
    writes = [
        q["sql"]
        for q in queries
        if q["sql"]
        .lstrip()
        .upper()
        .startswith(('INSERT INTO "ADOPTION', "UPDATE", 'INSERT INTO "COMMISSIONS_FX'))
    ]
    assert writes == []
    assert ImportRecord.objects.filter(kind=kind, status="applied").count() == 2


def test_changed_value_updates_only_that_row(run_import):
    make_customer("C1")
    make_customer("C2")
    run_import("scores", FILES["scores"])
    ids = dict(ScoreObservation.objects.values_list("customer__customer_id", "pk"))
    result = run_import(
        "scores",
        lines("customer_id,as_of,score", "C1,2021-07-30,55.00", "C2,2021-07-31,80", "C2,2021-08-31,81"),
    )
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    assert (
        dict(ScoreObservation.objects.filter(pk__in=ids.values()).values_list("customer__customer_id", "pk"))
        == ids
    )
    assert ScoreObservation.objects.get(customer__customer_id="C2", as_of=date(2021, 7, 31)).score == Decimal(
        "80"
    )


def test_customer_fields_are_updated_on_the_natural_key(run_import):
    run_import("customers", FILES["customers"])
    result = run_import(
        "customers", lines("customer_id,name,geo,start_date,segment", "C2,Globex Corp,EMEA,2020-01-10,mid")
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert Customer.objects.values_list("name", "segment").get(customer_id="C2") == ("Globex Corp", "mid")
    assert ArrRecord.objects.count() == 0


def test_kpis_reimport_and_update(run_import):
    make_user("csm", employee_id="E1")
    text = lines("period,employee_id,kpi,value", "FY22-Q2,E1,prs,12")
    assert run_import("kpis", text).created == 1
    assert run_import("kpis", text).unchanged == 1
    assert run_import("kpis", lines("period,employee_id,kpi,value", "FY22-Q2,E1,prs,12.5")).updated == 1
    assert KpiActual.objects.get().value == Decimal("12.5")


def test_fx_rate_keeps_ten_decimals(run_import):
    run_import("fx", FILES["fx"])
    assert FxRate.objects.get(currency="EUR").rate == Decimal("1.18345")


EMPLOYEES = "employee_id,email,name,roles,geo,manager_employee_id"


def test_employees_reimport_and_role_set_is_replaced(run_import):
    text = lines(EMPLOYEES, "E1,E1@Example.com,Erin One,csm;csvp,AMER,E2", "E2,e2@example.com,Eve Two,cco,,")
    assert run_import("employees", text).created == 2
    again = run_import("employees", text)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = run_import("employees", lines(EMPLOYEES, "E1,e1@example.com,Erin One,csm;ops,AMER,E2"))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 0)
    erin = User.objects.get(employee_id="E1")
    assert erin.role_codes == {"csm", "ops"}
    assert erin.email == "e1@example.com"
