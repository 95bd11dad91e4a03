"""`import_csv KIND FILE [--dry-run]` (DESIGN §6): a summary on success; on refusal every error, non-zero."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from adoption.models import ScoreObservation
from commissions.models import ImportRecord
from tests.builders import make_customer, make_user

from .conftest import lines

pytestmark = pytest.mark.django_db


def test_command_prints_a_one_line_summary(csv_file):
    make_customer("C1")
    path = csv_file(lines("customer_id,as_of,score", "C1,2021-07-30,55"))
    out = StringIO()
    call_command("import_csv", "scores", str(path), "--dry-run", stdout=out)
    assert out.getvalue() == "scores: 1 row — 1 created, 0 updated, 0 unchanged (dry run)\n"
    call_command("import_csv", "scores", str(path), stdout=out)
    assert ScoreObservation.objects.count() == 1


def test_command_prints_every_error_and_fails(csv_file):
    make_customer("C1")
    path = csv_file(
        lines(
            "customer_id,as_of,score", "C1,2021-07-30,55", "C1,2021-07-31,56", "C1,2021-08-01,120", "C1,bad,5"
        )
    )
    err = StringIO()
    with pytest.raises(CommandError, match="refused with 2 error"):
        call_command("import_csv", "scores", str(path), stderr=err)
    assert err.getvalue().splitlines() == [
        "line 4, column score, value '120': score must be between 0 and 100",
        "line 5, column as_of, value 'bad': not a date: write it as YYYY-MM-DD",
    ]
    assert not ScoreObservation.objects.exists()


def test_command_records_the_importing_user(csv_file):
    ops = make_user("ops", email="ops@example.com")
    path = csv_file(
        lines("customer_id,name,geo,start_date,segment", "C1,Acme,AMER,2019-03-01,"), name="customers.csv"
    )
    call_command("import_csv", "customers", str(path), "--user", "OPS@example.com", stdout=StringIO())
    record = ImportRecord.objects.get()
    assert (record.user, record.file_name, record.status, record.created) == (
        ops,
        "customers.csv",
        "applied",
        1,
    )


def test_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_csv", "scores", str(tmp_path / "nope.csv"))
