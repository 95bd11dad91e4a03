"""What the console tells ops about corrections once others have been applied (docs/design.md §7): an
effect computed before another correction of the quarter was applied is marked out of date and can be
recomputed; the same rows are not pending twice; the closed quarter lists what was applied to it; an open
quarter lists the holds released into it."""

import pytest

from accounts.models import User
from commissions.models import Correction, Plan
from commissions.services.corrections import apply_correction, record_correction
from commissions.services.holds import hold_line, release_hold
from core.errors import AttainError
from tests.trueups import conftest as trueups

from .conftest import page_messages

pytestmark = pytest.mark.django_db

closed_q2 = trueups.closed_q2

KPI_5 = [{"employee_id": "E1", "kpi": "prs", "value": "5"}]


def kpi_correction(period, ops, rows=KPI_5, reason="PR count fixed after close") -> Correction:
    return record_correction(period=period, kind="kpi", rows=rows, reason=reason, user=ops)


def test_the_same_rows_are_not_pending_twice(closed_q2, ops):
    first = kpi_correction(closed_q2, ops)
    with pytest.raises(
        AttainError, match=f"already pending as {first.label} of FY22-Q2: apply or withdraw it"
    ):
        kpi_correction(closed_q2, ops, reason="the same file sent twice")


def exception_c1(period, ops, r: str) -> Correction:
    rows = [{"customer_id": "C1", "kind": "exception", "value": r}]
    return record_correction(
        period=period, kind="adjustment", rows=rows, reason=f"exception C1 r={r}", user=ops
    )


def test_an_effect_computed_before_another_correction_was_applied_is_marked_and_recomputed(
    as_user, ops, closed_q2
):
    full = exception_c1(closed_q2, ops, "1")
    assert full.effect == {"CS-FY22": {"E1": "166.67"}}  # ADOPTION 833.33 → 1000.00
    partial = exception_c1(closed_q2, ops, "0.9")
    apply_correction(correction=partial, user=ops)  # ADOPTION 833.33 → 933.33: +100.00 paid

    html = as_user(ops).get("/console/?period=FY22-Q3").content.decode()
    assert (
        f"Computed before {partial.label} of FY22-Q2 was applied" in html and "recompute-correction" in html
    )

    response = as_user(ops).post(
        f"/console/corrections/{full.pk}/recompute/", {"period": "FY22-Q3"}, follow=True
    )
    assert any("Recomputed the effect" in m for m in page_messages(response))
    full.refresh_from_db()
    assert full.effect == {"CS-FY22": {"E1": "66.67"}}  # 1000.00 − 933.33: only what is left to pay
    assert "Computed before" not in as_user(ops).get("/console/?period=FY22-Q3").content.decode()


def test_a_closed_quarter_lists_the_corrections_applied_to_it_and_where_they_were_paid(
    as_user, ops, closed_q2
):
    apply_correction(correction=kpi_correction(closed_q2, ops), user=ops)
    html = as_user(ops).get("/console/?period=FY22-Q2").content.decode()
    applied = html[html.index('id="applied-corrections"') :]
    assert (
        "PR count fixed after close" in applied and "<td>FY22-Q3</td>" in applied and "-500.00 USD" in applied
    )


def test_an_open_quarter_lists_the_holds_released_into_it(as_user, ops, closed_q2):
    e1, plan = User.objects.get(employee_id="E1"), Plan.objects.get(code="CS-FY22")
    hold = hold_line(period=closed_q2, employee=e1, plan=plan, reason="dispute over the KPI", user=ops)
    release_hold(hold=hold, user=ops, reason="settled")
    html = as_user(ops).get("/console/?period=FY22-Q3").content.decode()
    releases = html[html.index('id="hold-releases"') :]
    assert "<td>FY22-Q2</td>" in releases and "2333.33 USD" in releases and "settled" in releases


def test_a_refused_row_of_a_file_is_named_by_its_line(ops, closed_q2):
    from commissions.services.corrections import rows_from_file

    data = (
        b"deal_id,customer_id,type,arr_delta,currency,booked_on,effective_on\n"
        b"D-LATE,C1,renewal,100,USD,2021-09-01,2021-09-01\n"
    )
    with pytest.raises(AttainError, match="Line 2: deal D-LATE is booked and effective outside FY22-Q2"):
        rows_from_file(period=closed_q2, kind="deal", data=data)


def test_the_correction_form_names_the_import_format_of_each_kind(as_user, ops, closed_q2):
    html = as_user(ops).get("/console/corrections/new/").content.decode()
    assert (
        "Ownership (in the ownership import&#x27;s format)" in html
        or "Ownership (in the ownership import's format)" in html
    )
