"""Helpers for the activities import: customers, a CSV written to disk, its import or refusal, and the
API's personas and job runner (tests/api)."""

import pytest

from commissions.services.imports import ImportRefused, import_file
from tests.api.conftest import api_import, client_for, people, run_jobs  # noqa: F401
from tests.builders import make_customer

ACTIVITIES = "customer_id,date,type,value"


def lines(*rows: str) -> str:
    return "\n".join(rows) + "\n"


@pytest.fixture
def customers(db):
    """C1 and C2."""
    return [make_customer("C1"), make_customer("C2")]


@pytest.fixture
def run_import(csv_file):
    """``run_import(text, **options)``: the ``ImportResult`` of importing the text as activities."""

    def run(content: str | bytes, **options):
        return import_file(kind="activities", path=csv_file(content, options.pop("name", None)), **options)

    return run


@pytest.fixture
def refusal(csv_file):
    """``refusal(text)``: the import must be refused; its errors as (line, column, value, reason)."""

    def run(content: str | bytes, **options):
        with pytest.raises(ImportRefused) as caught:
            import_file(kind="activities", path=csv_file(content, options.pop("name", None)), **options)
        return [(e.line, e.column, e.value, e.reason) for e in caught.value.errors]

    return run
