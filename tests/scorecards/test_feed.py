"""The commission scorecards' scores become the adoption scores a quarter's pull reads, never in a closed
quarter and never silently over an imported score (docs/design.md §9.5)."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role
from adoption.models import Customer, DailyScore, ScoreFeedWarning, ScoreObservation
from adoption.scorecards.commission import set_commission_scorecards, set_score_source
from adoption.scorecards.computing import compute_day
from adoption.scorecards.loading import load_scorecard
from adoption.services import approve_snapshot
from commissions.models import Period, PulledScore
from commissions.services.imports import import_file
from commissions.services.periods import get_period
from commissions.services.plans import load_plan
from commissions.services.pulls import pull_scores
from tests.builders import make_customer, make_user, people_importer
from tests.quarter.conftest import KINDS, WORKED

from .conftest import CORE_YAML, DAY, SMB_YAML, add_usage

pytestmark = pytest.mark.django_db


@pytest.fixture
def fed(world):
    """core is FY27's commission scorecard and FY27's scores come from the scorecards; smb tracks."""
    load_scorecard(CORE_YAML, user=None)
    load_scorecard(SMB_YAML, user=None)
    set_commission_scorecards("FY27", ["core"], user=None)
    set_score_source("FY27", "scorecard")
    return world


def observations(day: date) -> dict[str, tuple[Decimal, str]]:
    rows = ScoreObservation.objects.filter(as_of=day).select_related("customer")
    return {row.customer.customer_id: (row.score, row.source) for row in rows}


def test_the_commission_scorecards_scores_are_written_as_adoption_scores_with_their_version(fed):
    compute_day(DAY)

    # smb is a tracking scorecard: its customer gets no adoption score from it.
    assert observations(DAY) == {
        "ENT-A": (Decimal("82.50"), "scorecard core v1"),
        "ENT-B": (Decimal("15.00"), "scorecard core v1"),
        "ENT-C": (Decimal("0.00"), "scorecard core v1"),
    }
    assert not ScoreFeedWarning.objects.exists()


def test_a_year_whose_source_is_import_gets_no_scorecard_scores(world):
    load_scorecard(CORE_YAML, user=None)
    set_commission_scorecards("FY27", ["core"], user=None)
    compute_day(DAY)

    assert observations(DAY) == {}


def test_a_day_inside_a_closed_quarter_is_not_fed_and_says_so(fed, ops):
    period = get_period("FY27-Q2")
    ScoreObservation.objects.create(customer=fed["ent_a"], as_of=DAY, score=Decimal("70"), source="import")
    Period.objects.filter(pk=period.pk).update(
        status=Period.Status.CLOSED, closed_by=ops, closed_at=timezone.now()
    )

    compute_day(DAY)
    compute_day(DAY)  # again: still one warning

    assert observations(DAY) == {"ENT-A": (Decimal("70.00"), "import")}  # the closed quarter's input
    warning = ScoreFeedWarning.objects.get()
    assert warning.kind == "closed" and warning.day == DAY
    assert warning.message.startswith("FY27-Q2 is closed: scores dated in it cannot change")
    # The scorecard's own daily scores are kept all the same.
    assert DailyScore.objects.filter(day=DAY, customer=fed["ent_a"]).exists()


def test_an_imported_score_that_differs_is_recorded_as_a_conflict_and_the_years_source_decides(fed):
    ScoreObservation.objects.create(customer=fed["ent_a"], as_of=DAY, score=Decimal("70"), source="import")
    ScoreObservation.objects.create(customer=fed["ent_b"], as_of=DAY, score=Decimal("15"), source="import")

    compute_day(DAY)
    compute_day(DAY)  # a second computation adds no second warning

    conflict = ScoreFeedWarning.objects.get()
    assert (conflict.kind, conflict.customer, conflict.imported_score, conflict.scorecard_score) == (
        "conflict",
        fed["ent_a"],
        Decimal("70.00"),
        Decimal("82.50"),
    )
    assert "FY27's score source is the commission scorecards, so 82.50 is used" in conflict.message
    # ENT-B's imported 15 equals the scorecard's 15.00: no conflict.
    assert observations(DAY)["ENT-A"] == (Decimal("82.50"), "scorecard core v1")
    assert observations(DAY)["ENT-B"] == (Decimal("15.00"), "scorecard core v1")


def test_the_pull_takes_only_the_years_source(world):
    customer = make_customer("P1")
    ScoreObservation.objects.create(
        customer=customer, as_of=date(2026, 7, 20), score=Decimal("40"), source="import"
    )
    ScoreObservation.objects.create(
        customer=customer, as_of=date(2026, 7, 10), score=Decimal("65"), source="scorecard core v1"
    )
    period = get_period("FY27-Q2")

    imported = pull_scores(period=period)
    assert PulledScore.objects.get(pull=imported, customer=customer).score == Decimal("40.00")

    set_score_source("FY27", "scorecard")
    computed = pull_scores(period=period)
    pulled = PulledScore.objects.get(pull=computed, customer=customer)
    assert (pulled.score, pulled.as_of) == (Decimal("65.00"), date(2026, 7, 10))


UTILISATION_YAML = """
code: csm
name: CSM adoption
version: 1
effective_from: 2021-02-01
criteria:
  - code: util
    name: License utilisation
    kind: measure
    measure: license_utilisation
    window_days: 1
    weight: 1
    points: {linear: [[0, 0], [1, 100]]}
    missing: zero
"""


def test_a_run_pays_on_the_commission_scorecards_scores(db):
    """The worked example of DESIGN §4 with FY22's scores computed by a scorecard instead of imported.

    On 2021-07-31 utilisation is C1 50 / 100, C2 80 / 100, C3 20 / 100 → scores 50, 80, 20 (linear).
    Adoption: r(C1) = (50 − 40) / (60 − 40) = 0.5; C2 has no target and improved (80 > 70): r = 1; C3 is
    new: held harmless. A = (100000 × 0.5 + 50000 × 1) / 150000 = 0.6667 → ADOPTION 3000 / 3 × 0.6667 =
    666.67; NRR 500.00 and KPI 1000.00 as in the worked example: total 2166.67.
    """
    cco = make_user(Role.CCO, email="cco@example.com")
    for kind in KINDS:
        import_file(
            kind=kind, path=WORKED / f"{kind}.csv", user=people_importer() if kind == "employees" else None
        )
    load_plan(source=(WORKED / "plan.yaml").read_text(), file_name="plan.yaml")
    import_file(kind="assignments", path=WORKED / "assignments.csv")
    load_scorecard(UTILISATION_YAML, user=None)
    set_commission_scorecards("FY22", ["csm"], user=None)
    set_score_source("FY22", "scorecard")
    approve_snapshot(fiscal_year="FY22", user=cco)
    day = date(2021, 7, 31)
    for code, active in (("C1", 50), ("C2", 80), ("C3", 20)):
        add_usage(Customer.objects.get(customer_id=code), day, active_users=active, licensed_seats=100)

    compute_day(day)
    out = StringIO()
    call_command("pull_scores", "FY22-Q2", stdout=out)
    call_command("calculate", "FY22-Q2", stdout=out)

    assert "CS-FY22 FY22-Q2 v1: 1 CSM, total 2,166.67 USD" in out.getvalue()
    assert "E1: — → 2166.67" in out.getvalue()
    # C2's imported 72 of 2021-07-31 differs from the scorecard's 80: recorded, and the scorecard's used.
    conflict = ScoreFeedWarning.objects.get()
    assert (conflict.customer.customer_id, conflict.imported_score, conflict.scorecard_score) == (
        "C2",
        Decimal("72.00"),
        Decimal("80.00"),
    )
