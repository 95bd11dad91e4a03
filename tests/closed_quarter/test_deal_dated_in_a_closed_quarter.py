"""A deal dated in a closed quarter, booked or effective, cannot change — and the refusal says so, since no
plan need credit it there (DESIGN §3 "Frozen and closed data", "Plans"; commissions/closed.py)."""

import pytest

from commissions.models import Deal
from commissions.services.imports import ImportRefused, import_file

pytestmark = pytest.mark.django_db

HEADER = "deal_id,customer_id,type,arr_delta,currency,booked_on,effective_on\n"


def test_a_deal_dated_in_a_closed_quarter_is_refused_naming_the_dates_rule(closed, ops, csv_file):
    # Booked 2021-08-20 in open FY22-Q3, effective 2021-07-30 in closed FY22-Q2: the worked example's plan
    # credits by booking date, so no plan credits it in FY22-Q2 — it is refused for its date, not its credit.
    with pytest.raises(ImportRefused) as refused:
        import_file(
            kind="deals",
            path=csv_file(HEADER + "D7,C1,expansion,1000,USD,2021-08-20,2021-07-30\n"),
            user=ops,
        )
    [error] = refused.value.errors
    assert error.reason == (
        "a deal dated in a closed quarter (booked or effective) cannot change: FY22-Q2 is closed "
        "(record a deal correction of FY22-Q2, or ops may re-open it, with a reason)"
    )
    assert "credited" not in error.reason
    assert not Deal.objects.filter(deal_id="D7").exists()
