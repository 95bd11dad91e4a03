"""References between rows (DESIGN §3): ids in the database, or — for managers — later in the file."""

import pytest

from accounts.models import User
from adoption.models import Ownership
from tests.builders import make_customer, make_user

from .conftest import lines

pytestmark = pytest.mark.django_db

EMPLOYEES = "employee_id,email,name,roles,geo,manager_employee_id"


def test_manager_may_be_listed_later_in_the_file(run_import):
    run_import(
        "employees",
        lines(
            EMPLOYEES,
            "E1,e1@example.com,Erin,csm,AMER,E2",
            "E2,e2@example.com,Eve,csvp,AMER,E3",
            "E3,e3@example.com,Cleo,cco,,",
        ),
    )
    erin = User.objects.select_related("manager__manager").get(employee_id="E1")
    assert (erin.manager.employee_id, erin.manager.manager.employee_id) == ("E2", "E3")
    assert erin.manager.manager.manager is None
    assert not erin.has_usable_password()


def test_manager_may_already_be_stored(run_import):
    boss = make_user("cco", employee_id="B1")
    run_import("employees", lines(EMPLOYEES, "E1,e1@example.com,Erin,csm,AMER,B1"))
    assert User.objects.get(employee_id="E1").manager == boss


def test_unknown_manager_and_bad_employee_cells_are_refused(refusal):
    errors = refusal(
        "employees",
        lines(
            EMPLOYEES,
            "E1,e1@example.com,Erin,csm,AMER,E9",
            "E2,not-an-email,Eve,boss,amer,",
            "E3,e3@example.com,Ann,,,E3",
            "E4,E1@example.com,Dup,,,",
        ),
    )
    assert errors == [
        (2, "manager_employee_id", "E9", "unknown manager 'E9': not in the database or this file"),
        (3, "email", "not-an-email", "not an e-mail address"),
        (
            3,
            "roles",
            "boss",
            "unknown role 'boss': roles are csm, csvp, cco, finance, ops, admin, separated by ';'",
        ),
        (3, "geo", "amer", "a geo is an upper-case code such as AMER, EMEA, APAC or JAPAN"),
        (4, "manager_employee_id", "E3", "an employee cannot be their own manager"),
        (5, "email", "e1@example.com", "duplicate email: already on line 2"),
    ]
    assert not User.objects.exclude(email="importer@example.com").exists()


def test_email_of_another_user_is_refused(refusal):
    make_user("ops", email="ops@example.com", employee_id="E7")
    errors = refusal("employees", lines(EMPLOYEES, "E1,OPS@example.com,Erin,csm,AMER,"))
    assert errors == [(2, "email", "ops@example.com", "email already belongs to employee E7")]


def test_ownership_references_customers_and_employees_in_the_database(run_import, refusal):
    make_customer("C1")
    make_user("csm", employee_id="E1")
    errors = refusal(
        "ownership", lines("customer_id,employee_id,start_date", "C1,E2,2021-01-01", "C2,E1,2021-01-01")
    )
    assert errors == [
        (2, "employee_id", "E2", "unknown employee 'E2': not in the database"),
        (3, "customer_id", "C2", "unknown customer 'C2': not in the database"),
    ]
    result = run_import("ownership", lines("customer_id,employee_id,start_date", "C1,E1,2021-01-01"))
    assert result.created == 1
    assert Ownership.objects.get().employee.employee_id == "E1"


def test_assignment_plan_must_exist(refusal):
    make_user("csm", employee_id="E1")
    errors = refusal(
        "assignments",
        lines(
            "employee_id,plan,start_date,end_date,on_target_amount,nrr_goal,kpi_goal",
            "E1,CS-FY99,2021-02-01,,3000,,",
        ),
    )
    assert errors == [(2, "plan", "CS-FY99", "unknown plan 'CS-FY99': not in the database")]
