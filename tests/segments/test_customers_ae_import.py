"""The customers import's optional ``ae_employee_id`` (docs/design.md §10.6, docs/imports.md): the account
executive plays tell. An unknown employee id is a row error naming it; an empty cell clears it; a file
without the column leaves every customer's account executive as stored."""

import pytest

from adoption.models import Customer
from commissions.services.imports import ImportRefused, import_file
from tests.builders import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(tmp_path):
    def run(text: str):
        path = tmp_path / "customers.csv"
        path.write_text(text, encoding="utf-8")
        return import_file(kind="customers", path=path)

    return run


def ae_of(customer_id: str) -> str | None:
    customer = Customer.objects.select_related("ae_employee").get(customer_id=customer_id)
    return customer.ae_employee.employee_id if customer.ae_employee else None


def test_the_account_executive_is_set_by_employee_id_and_cleared_by_an_empty_cell(imported):
    make_user(employee_id="E-AE1")
    make_user(employee_id="E-AE2")
    header = "customer_id,name,geo,start_date,segment,ae_employee_id\n"

    imported(header + "C1,Acme,AMER,2020-01-01,ENT,E-AE1\nC2,Globex,AMER,2020-01-01,ENT,\n")
    assert (ae_of("C1"), ae_of("C2")) == ("E-AE1", None)

    imported(header + "C1,Acme,AMER,2020-01-01,ENT,\nC2,Globex,AMER,2020-01-01,ENT,E-AE2\n")
    assert (ae_of("C1"), ae_of("C2")) == (None, "E-AE2")


def test_a_file_without_the_column_leaves_the_account_executive_as_stored(imported):
    make_user(employee_id="E-AE1")
    imported("customer_id,name,geo,start_date,segment,ae_employee_id\nC1,Acme,AMER,2020-01-01,ENT,E-AE1\n")

    imported("customer_id,name,geo,start_date,segment\nC1,Acme Corp,AMER,2020-01-01,ENT\n")

    assert Customer.objects.get(customer_id="C1").name == "Acme Corp"
    assert ae_of("C1") == "E-AE1"


def test_an_unknown_employee_id_is_a_row_error_naming_it(imported):
    with pytest.raises(ImportRefused) as refused:
        imported(
            "customer_id,name,geo,start_date,segment,ae_employee_id\nC1,Acme,AMER,2020-01-01,ENT,E-NOPE\n"
        )

    (error,) = refused.value.errors
    assert (error.line, error.column, error.value) == (2, "ae_employee_id", "E-NOPE")
    assert error.reason == "unknown account executive 'E-NOPE': not in the database"
    assert not Customer.objects.exists()


def test_a_header_error_says_the_column_may_be_left_out(imported):
    with pytest.raises(ImportRefused) as refused:
        imported("customer_id,name,geo,start_date\nC1,Acme,AMER,2020-01-01\n")

    assert refused.value.errors[0].reason == (
        "the header must be customer_id,name,geo,start_date,segment,ae_employee_id "
        "(missing segment; ae_employee_id may be left out)"
    )
