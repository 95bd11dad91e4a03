"""Helpers for the usage and milestones imports: customers, a CSV written to disk, its import or refusal."""

import pytest

from commissions.services.imports import ImportRefused, import_file
from tests.builders import make_customer

USAGE = "customer_id,date,metric,value"
MILESTONES = "customer_id,criterion,achieved_on,lost_on"


def lines(*rows: str) -> str:
    return "\n".join(rows) + "\n"


@pytest.fixture
def customers(db):
    """C1 and C2."""
    return [make_customer("C1"), make_customer("C2")]


@pytest.fixture
def run_import(csv_file):
    """``run_import(kind, text, **options)``: the ``ImportResult`` of importing the text."""

    def run(kind: str, content: str | bytes, **options):
        return import_file(kind=kind, path=csv_file(content, options.pop("name", None)), **options)

    return run


@pytest.fixture
def refusal(csv_file):
    """``refusal(kind, text)``: the import must be refused; its errors as (line, column, value, reason)."""

    def run(kind: str, content: str | bytes, **options):
        with pytest.raises(ImportRefused) as caught:
            import_file(kind=kind, path=csv_file(content, options.pop("name", None)), **options)
        run.error_count = caught.value.error_count
        return [(e.line, e.column, e.value, e.reason) for e in caught.value.errors]

    return run
