"""A correction's refusals built from a deal type or a correction kind read with the right article: "an
expansion's arr_delta must be positive", "An adjustment correction is not recorded from a file"."""

import pytest

from commissions.services.corrections import FILE_KINDS, record_correction, rows_from_file
from core.errors import AttainError

REASON = "The CRM had the sign of this deal wrong."


def test_a_deal_correction_of_an_expansion_with_a_negative_arr_delta_says_an_expansion(closed_q2, ops):
    row = {
        "deal_id": "TD-X1",
        "customer_id": "C1",
        "type": "expansion",
        "arr_delta": "-100",
        "currency": "USD",
        "booked_on": "2021-06-15",
        "effective_on": "2021-06-15",
    }

    with pytest.raises(AttainError) as refused:
        record_correction(period=closed_q2, kind="deal", rows=[row], reason=REASON, user=ops)

    assert str(refused.value) == "Deal TD-X1: an expansion's arr_delta must be positive."


def test_a_correction_file_of_an_adjustment_is_refused_with_an(closed_q2):
    with pytest.raises(AttainError) as refused:
        rows_from_file(period=closed_q2, kind="adjustment", data=b"")

    assert str(refused.value) == (
        f"An adjustment correction is not recorded from a file: one of {', '.join(FILE_KINDS)}."
    )
