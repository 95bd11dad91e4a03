"""Helpers for the import tests: write a CSV, import it, read the refusal."""

from pathlib import Path

import pytest

from commissions.services.imports import ImportRefused, ImportResult, import_file
from tests.builders import people_importer

WORKED = Path(__file__).resolve().parents[3] / "shared" / "examples" / "worked"
if not WORKED.exists():  # the copy kept in the repository
    WORKED = Path(__file__).resolve().parents[2] / "fixtures" / "worked"


@pytest.fixture
def run_import(csv_file):
    """``run_import(kind, text, dry_run=False)`` imports the text and returns the ``ImportResult``."""

    def run(kind: str, content: str | bytes, **options) -> ImportResult:
        if kind == "employees":  # roles are an admin's to give (access.may_change_roles)
            options.setdefault("user", people_importer())
        return import_file(kind=kind, path=csv_file(content), **options)

    return run


@pytest.fixture
def refusal(csv_file):
    """``refusal(kind, text)`` expects the import to be refused; returns its errors as tuples."""

    def run(kind: str, content: str | bytes, **options) -> list[tuple]:
        if kind == "employees":
            options.setdefault("user", people_importer())
        with pytest.raises(ImportRefused) as caught:
            import_file(kind=kind, path=csv_file(content), **options)
        return [(e.line, e.column, e.value, e.reason) for e in caught.value.errors]

    return run


def lines(*rows: str) -> str:
    return "\n".join(rows) + "\n"
