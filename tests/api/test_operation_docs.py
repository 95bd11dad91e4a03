"""Every operation is written for an integrator: a summary of its own and a description that is not a
class's internal docstring; the main ones carry examples."""

import re
from collections import Counter

import pytest

from . import openapi

# Words of the code's own docstrings that an integrator cannot act on.
INTERNAL = re.compile(r"\bapi\.\w|scoped\(|ViewSet|queryset|selector|docstring", re.IGNORECASE)


def test_every_operation_has_a_summary_of_its_own():
    summaries = Counter()
    for method, path, operation in openapi.operations():
        summary = (operation.get("summary") or "").strip()
        assert summary, f"{method.upper()} {path} has no summary"
        summaries[summary] += 1
    assert [summary for summary, count in summaries.items() if count > 1] == []


def test_every_operation_has_a_description_of_its_own_for_an_integrator():
    descriptions = Counter()
    for method, path, operation in openapi.operations():
        description = (operation.get("description") or "").strip()
        assert description, f"{method.upper()} {path} has no description"
        assert not INTERNAL.search(description), f"{method.upper()} {path}: {description!r}"
        descriptions[description] += 1
    assert [text[:60] for text, count in descriptions.items() if count > 1] == []


def _examples(path: str, method: str, status: str) -> list:
    media = openapi.schema()["paths"][path][method]["responses"][status]["content"]["application/json"]
    return list(media.get("examples", {}).values())


@pytest.mark.parametrize(
    ("path", "method", "status", "field"),
    [
        ("/api/payouts/{id}/", "get", "200", "amount"),
        ("/api/requests/{id}/", "get", "200", "justification"),
        ("/api/runs/{id}/", "get", "200", "status"),
        ("/api/runs/", "post", "202", "queued"),
        ("/api/requests/", "post", "201", "status"),
    ],
)
def test_the_main_operations_show_an_example(path, method, status, field):
    examples = _examples(path, method, status)
    assert examples and field in examples[0]["value"]


def test_the_error_components_show_an_example():
    schemas = openapi.schema()["components"]["schemas"]
    assert schemas["Error"]["example"]["error"]["code"]
    assert schemas["ValidationError"]["example"]["error"]["details"]
