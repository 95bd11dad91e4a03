"""A statement names its run for what it is: the quarter's final run, a restatement of a closed quarter
(a correction recalculated it; the difference is paid in a later quarter, docs/design.md §7), or the
latest, provisional run of an open quarter — never a restatement called provisional."""

from commissions.models import Run
from dashboards.csm.tables import run_kind


def test_final_restatement_and_provisional_runs_are_told_apart():
    assert run_kind(Run(is_final=True)) == "final"
    assert run_kind(Run(is_restatement=True)) == "restatement"
    assert run_kind(Run()) == "latest run (provisional)"
