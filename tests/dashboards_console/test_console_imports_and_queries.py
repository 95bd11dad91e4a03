"""The import history with each refused import's errors, and a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissions.models import Plan, Run
from commissions.services.imports import ImportRefused, import_file
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate

from .conftest import URL

pytestmark = pytest.mark.django_db


def test_import_history_shows_a_refused_imports_errors(as_user, cco, tmp_path):
    bad = tmp_path / "customers-bad.csv"
    bad.write_text("customer_id,name,geo,start_date,segment\nC9,Nine,AMER,not-a-date,smb\n", encoding="utf-8")
    with pytest.raises(ImportRefused):
        import_file(kind="customers", path=bad)

    html = as_user(cco).get(URL).content.decode()

    assert "customers-bad.csv" in html and "refused" in html
    assert "<details><summary>1 error</summary>" in html
    assert "line 2, column start_date, value “not-a-date”" in html


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    assert response.status_code == 200
    return len(captured)


def test_console_reads_a_constant_number_of_queries(as_user, ops, worked):
    plan = Plan.objects.get(code="CS-FY22")
    pull_scores(period=worked)
    first = calculate(period=worked, plan=plan).run
    client = as_user(ops)
    _queries(client)  # the first view fingerprints the plans' inputs and keeps them under the stamp
    one = _queries(client)

    for _ in range(2):  # the same inputs make no new run: make the earlier runs' inputs look different
        for pk in Run.objects.values_list("pk", flat=True):
            Run.objects.filter(pk=pk).update(fingerprint=f"earlier inputs {pk}")
        calculate(period=worked, plan=plan)
    Run.objects.filter(pk=first.pk).update(warnings=[{"code": "x", "message": "m"}] * 5)

    assert Run.objects.count() == 3
    assert _queries(client) == one
