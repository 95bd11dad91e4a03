"""The demo shows prior-period processing at once: its first closed quarter has a pending correction with
its effect, to be paid in the next open quarter (docs/design.md §7)."""

from decimal import Decimal

import pytest

from commissions.models import Correction, TrueUp
from commissions.services.restatements import payable_quarter
from tests.worlds import _demo_of_module, demo  # noqa: F401 (fixtures)


@pytest.mark.django_db
def test_the_demo_has_a_pending_correction_of_its_first_closed_quarter_with_its_effect(demo):  # noqa: F811
    [correction] = Correction.objects.all()
    assert correction.status == Correction.Status.PENDING and correction.period.code == "FY27-Q1"
    amounts = [Decimal(a) for per_csm in correction.effect.values() for a in per_csm.values()]
    assert amounts and all(a > 0 for a in amounts)  # more PRs never pay less
    assert payable_quarter(correction.period, create=False).code == "FY27-Q3"
    assert not TrueUp.objects.exists()
