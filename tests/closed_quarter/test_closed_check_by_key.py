"""The closed-quarter check of an import compares each row with the stored row of its natural key, column
by column (commissions/services/imports/closed.py): the order of the file, rows left as stored, a row that
only some of its key is stored for, and unknown references change nothing of the rule (DESIGN §3)."""

import pytest

from adoption.models import ScoreObservation
from commissions.services.imports import ImportRefused, import_file

pytestmark = pytest.mark.django_db

SCORES = "customer_id,as_of,score"


def refusal(csv_file, ops, kind: str, text: str) -> list[tuple]:
    with pytest.raises(ImportRefused) as caught:
        import_file(kind=kind, path=csv_file(text), user=ops)
    return [(e.line, e.column, e.value, e.reason) for e in caught.value.errors]


def test_stored_rows_in_another_order_pass_and_only_the_changed_one_is_refused(closed, ops, csv_file):
    unchanged = "\n".join([SCORES, "C3,2021-07-20,20", "C2,2021-07-31,72", "C1,2021-07-30,55"]) + "\n"
    assert import_file(kind="scores", path=csv_file(unchanged), user=ops).unchanged == 3
    changed = "\n".join([SCORES, "C3,2021-07-20,20", "C2,2021-07-31,73", "C1,2021-07-30,55.00"]) + "\n"
    errors = refusal(csv_file, ops, "scores", changed)
    assert [(line, column, value) for line, column, value, _ in errors] == [(3, "as_of", "2021-07-31")]
    assert "FY22-Q2 is closed: scores dated in it cannot change" in errors[0][3]
    assert ScoreObservation.objects.get(customer__customer_id="C2", as_of="2021-07-31").score == 72


def test_a_new_row_beside_stored_ones_of_its_customer_is_judged_as_new(closed, ops, csv_file):
    text = "\n".join([SCORES, "C1,2021-07-30,55", "C1,2021-07-29,40", "C1,2021-08-02,41"]) + "\n"
    errors = refusal(csv_file, ops, "scores", text)
    assert [(line, column) for line, column, *_ in errors] == [(3, "as_of")]


def test_a_row_of_an_unknown_customer_is_judged_as_a_new_row(closed, ops, csv_file):
    text = "\n".join([SCORES, "C404,2021-07-30,55", "C1,2021-07-30,56", "C404,2021-08-02,1"]) + "\n"
    errors = refusal(csv_file, ops, "scores", text)
    assert [(line, column) for line, column, *_ in errors] == [
        (2, "customer_id"),
        (2, "as_of"),
        (3, "as_of"),
        (4, "customer_id"),
    ]
