"""Money is always a string with 2 decimals and a ratio one with its stated decimals (4 unless the field
says otherwise), declared in the schema with ``format: decimal`` and a pattern (DESIGN §6)."""

import re

import pytest

from . import openapi

pytestmark = pytest.mark.django_db

MONEY_PATTERN = r"^-?\d+\.\d{2}$"
MONEY_NAMES = {"amount", "arr", "arr_delta", "on_target_amount", "payout"}
RATIO_NAMES = {"attainment", "factor", "share", "r", "customer_cap", "nrr_goal", "threshold", "cap"}


def _row_fields(path: str) -> dict[str, dict]:
    """The fields of one row of a list endpoint's page, each resolved."""
    page = openapi.schema()["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    return openapi.properties(openapi.properties(page["schema"])["results"])


def _walk(fields: dict[str, dict], row: dict, where: str):
    for name, field in fields.items():
        value = row.get(name)
        if field.get("type") == "array" and isinstance(value, list):
            nested = openapi.properties(field)
            for item in value:
                yield from _walk(nested, item, f"{where}.{name}")
        elif value is not None:
            yield name, field, value, f"{where}.{name}"


@pytest.fixture
def a_request(world, people):
    """A request with a value of fewer places than its ratio shows, and an inquiry (the world has none)."""
    from decimal import Decimal

    from approvals.models import Inquiry, Request
    from commissions.models import Period

    Inquiry.objects.create(
        employee=people["csm"],
        period=Period.objects.get(code="FY22-Q2"),
        customer=world["customers"]["ACME"],
        message="Why did ACME not count towards my adoption?",
    )
    return Request.objects.create(
        kind=Request.Kind.EXCEPTION,
        customer=world["customers"]["ACME"],
        period=Period.objects.get(code="FY22-Q2"),
        value=Decimal("0.9"),
        justification="The customer's own freeze stalled adoption for a month.",
        filed_by=people["csvp"],
    )


@pytest.mark.parametrize("path", openapi.list_paths())
def test_every_decimal_of_every_list_matches_its_declared_places(path, world, a_request, client_for):
    fields = _row_fields(path)
    rows = client_for("cco").get(path).json()["results"]
    assert rows, f"{path}: the world has rows for every list"
    for row in rows:
        for name, field, value, where in _walk(fields, row, path):
            if field.get("format") == "decimal":
                assert isinstance(value, str), where
                assert re.fullmatch(field["pattern"], value), f"{where}: {value!r} vs {field['pattern']}"
            if name in MONEY_NAMES:
                assert field.get("pattern") == MONEY_PATTERN, where
                assert re.fullmatch(MONEY_PATTERN, value), f"{where}: {value!r}"


def test_money_and_ratio_fields_are_declared_alike_in_every_component():
    seen = set()
    for component in openapi.schema()["components"]["schemas"].values():
        for name, field in component.get("properties", {}).items():
            if name in MONEY_NAMES and field.get("format") == "decimal":
                assert field["pattern"] == MONEY_PATTERN, name
                seen.add(name)
            if name in RATIO_NAMES:
                assert (field.get("format"), field.get("pattern")) == ("decimal", r"^-?\d+\.\d{4}$"), name
    assert seen == MONEY_NAMES


def test_a_payout_with_many_decimals_is_answered_in_cents(world, client_for):
    from decimal import Decimal

    from commissions.models import Payout

    Payout.objects.update(on_target_amount=Decimal("2999.995000000001"))
    payout = client_for("finance").get("/api/payouts/").json()["results"][0]
    assert (payout["on_target_amount"], payout["amount"]) == ("3000.00", "1000.00")
