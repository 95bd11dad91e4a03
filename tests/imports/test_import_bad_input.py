"""Bad input is refused with a clear message, never a crash: control characters, files with very many
bad rows (the first 1,000 reported, all counted) and files above MAX_UPLOAD_BYTES."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from adoption.models import Customer
from commissions.models import ImportRecord
from commissions.services.imports import ImportRefused, import_file
from core.errors import FileTooLarge

from .conftest import lines

pytestmark = pytest.mark.django_db

CUSTOMERS = "customer_id,name,geo,start_date,segment"


def test_nul_byte_in_a_cell_is_refused_with_line_and_column(refusal):
    errors = refusal(
        "customers", lines(CUSTOMERS, "C1,Acme,AMER,2019-03-01,", "C2,Ac\x00me,AMER,2019-03-01,")
    )
    assert errors == [(3, "name", "Ac\\x00me", "holds the control character U+0000: remove it")]
    assert not Customer.objects.exists()
    record = ImportRecord.objects.get()
    assert record.errors[0]["value"] == "Ac\\x00me"


def test_other_control_characters_are_refused_too(refusal):
    errors = refusal("customers", lines(CUSTOMERS, "C\x1b1,Acme,AMER,2019-03-01,"))
    assert [(line, column) for line, column, _value, _reason in errors] == [(2, "customer_id")]
    assert "U+001B" in errors[0][3]


def test_nul_byte_in_the_header_is_refused(refusal):
    errors = refusal("customers", lines(CUSTOMERS + "\x00", "C1,Acme,AMER,2019-03-01,"))
    assert errors[0][0] == 1
    assert "\x00" not in errors[0][2]


def test_tabs_inside_a_value_are_still_accepted(run_import):
    assert run_import("customers", lines(CUSTOMERS, '"C1","Acme\tInc",AMER,2019-03-01,')).created == 1


def test_command_refuses_a_nul_byte_with_a_clear_error(csv_file):
    path = csv_file(lines(CUSTOMERS, "C1,Ac\x00me,AMER,2019-03-01,"))
    err = StringIO()
    with pytest.raises(CommandError, match="refused with 1 error"):
        call_command("import_csv", "customers", str(path), stderr=err)
    assert err.getvalue().splitlines() == [
        "line 2, column name, value 'Ac\\\\x00me': holds the control character U+0000: remove it"
    ]


def test_many_bad_rows_report_the_first_thousand_and_count_them_all(csv_file):
    path = csv_file(lines(CUSTOMERS, *(f"C{n},Acme,AMER,not-a-date," for n in range(5000))))
    with pytest.raises(ImportRefused) as caught:
        import_file(kind="customers", path=path)
    refused = caught.value
    assert refused.error_count == 5000
    assert len(refused.errors) == 1000
    assert [error.line for error in refused.errors] == list(range(2, 1002))
    assert "(5000 error(s))" in refused.message
    assert "… and 4000 more error(s)" in refused.message
    record = ImportRecord.objects.get()
    assert len(record.errors) == 1001  # the first 1,000 and the count
    assert record.errors[-1]["total"] == 5000
    assert record.error_count == 5000


def test_command_prints_the_first_thousand_errors_and_the_count(csv_file):
    path = csv_file(lines(CUSTOMERS, *(f"C{n},Acme,AMER,not-a-date," for n in range(1500))))
    err = StringIO()
    with pytest.raises(CommandError, match="refused with 1500 error"):
        call_command("import_csv", "customers", str(path), stderr=err)
    printed = err.getvalue().splitlines()
    assert len(printed) == 1001
    assert printed[-1] == "… and 500 more error(s)"


def test_a_file_above_the_size_limit_is_refused_unread(csv_file, settings):
    settings.MAX_UPLOAD_BYTES = 100
    path = csv_file(lines(CUSTOMERS, *(f"C{n},Acme,AMER,2019-03-01," for n in range(10))))
    with pytest.raises(FileTooLarge, match="at most 100 bytes"):
        import_file(kind="customers", path=path)
    with pytest.raises(CommandError, match="at most 100 bytes"):
        call_command("import_csv", "customers", str(path))
    assert not Customer.objects.exists()


def test_the_first_thousand_are_the_first_by_line_whichever_check_found_them(csv_file):
    unknown = (f"C{n},2021-07-30,50" for n in range(1500))  # lines 2-1501: unknown customers
    bad = (f"C{n},not-a-date,50" for n in range(1500))  # lines 1502-3001: bad dates
    path = csv_file(lines("customer_id,as_of,score", *unknown, *bad))
    with pytest.raises(ImportRefused) as caught:
        import_file(kind="scores", path=path)
    assert caught.value.error_count == 3000
    assert [error.line for error in caught.value.errors] == list(range(2, 1002))
