"""Helpers for the person_metrics import: people, a CSV written to disk, its import or refusal."""

import pytest

from commissions.services.imports import ImportRefused, import_file
from tests.builders import make_user

HEADER = "employee_id,date,metric,value"


def lines(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


@pytest.fixture
def people(db):
    """E1 and E2, two CSMs."""
    return [make_user("csm", employee_id="E1"), make_user("csm", employee_id="E2")]


@pytest.fixture
def run_import(csv_file):
    """``run_import(text, **options)``: the ``ImportResult`` of importing the text as person_metrics."""

    def run(content: str | bytes, **options):
        return import_file(kind="person_metrics", path=csv_file(content), **options)

    return run


@pytest.fixture
def refusal(csv_file):
    """``refusal(text)``: the import must be refused; its errors as (line, column, value, reason)."""

    def run(content: str | bytes, **options):
        with pytest.raises(ImportRefused) as caught:
            import_file(kind="person_metrics", path=csv_file(content), **options)
        return [(e.line, e.column, e.value, e.reason) for e in caught.value.errors]

    return run
