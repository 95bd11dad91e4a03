"""``manage.py calculate QUARTER`` lists the payouts that changed against the previous run under a
heading, and says so in one line when none did, rather than a heading over nothing (DESIGN §6)."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from commissions.models import KpiActual
from commissions.services.plans import load_plan

pytestmark = pytest.mark.django_db


def calculated(plan: str = "CS-FY22") -> list[str]:
    out = StringIO()
    call_command("calculate", "FY22-Q2", "--plan", plan, stdout=out)
    return out.getvalue().splitlines()[1:]  # after the run's summary line


def test_a_first_run_lists_every_payout_against_no_previous_run(quarter):
    assert calculated() == ["  payout changes against no previous run:", "    E1: — → 2333.33 (+2,333.33)"]


def test_a_new_run_lists_the_payouts_that_changed(quarter):
    calculated()
    KpiActual.objects.filter(kpi="prs").update(value=Decimal(5))
    assert calculated() == ["  payout changes against v1:", "    E1: 2333.33 → 1833.33 (-500.00)"]


def test_a_new_run_with_no_payout_changed_says_so_without_a_heading(quarter):
    calculated()
    KpiActual.objects.filter(kpi="prs").update(value=Decimal(15))  # above the goal, already capped at 1.0

    assert calculated() == ["  no payout changed against v1"]


def test_a_first_run_without_payouts_says_there_are_none(quarter):
    load_plan(
        source="code: T-NONE\nname: T none\nfiscal_year: FY22\ncurrency: USD\n"
        "components:\n  - {code: NRR, metric: nrr, weight: 1, goal: 1.10}\n"
    )
    assert calculated("T-NONE") == ["  no payouts"]
