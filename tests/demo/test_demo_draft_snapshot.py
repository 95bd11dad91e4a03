"""The demo gives the CCO a draft to review: next year's target snapshot, imported in two revisions through
the targets import, beside this year's approved one (DESIGN §3 "Target snapshots")."""

import pytest

from adoption.models import Snapshot, TargetChange
from demo.snapshot import REVISED, draft_next_year
from tests.worlds import _demo_of_module, demo  # noqa: F401 (fixtures)


@pytest.mark.django_db
def test_the_demo_drafts_next_years_snapshot_in_two_revisions(demo):  # noqa: F811
    approved = Snapshot.objects.get(fiscal_year="FY27")
    lines = approved.lines.count()

    said = draft_next_year("FY27")

    draft = Snapshot.objects.get(fiscal_year="FY28")
    assert said.startswith("Imported a draft FY28 target snapshot")
    assert draft.status == Snapshot.Status.DRAFT and draft.revision == 2
    assert draft.lines.count() == lines
    changes = TargetChange.objects.filter(snapshot=draft, revision=2)
    assert changes.count() <= REVISED and changes.exists()
    assert all(c.new_target_score < c.old_target_score for c in changes)
    assert Snapshot.objects.get(fiscal_year="FY27").status == Snapshot.Status.APPROVED
    assert draft_next_year("FY27") is None  # once
