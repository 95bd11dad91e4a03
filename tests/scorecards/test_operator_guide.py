"""The scorecard of docs/scorecards.md loads as it is written, with every criterion kind."""

import re
from pathlib import Path

import pytest

from adoption.scorecards.loading import load_scorecard
from tests.builders import make_customer

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "scorecards.md"


@pytest.mark.django_db
def test_the_operator_guides_example_loads_with_every_criterion_kind():
    for segment in ("enterprise", "mid", "smb"):  # the demo's segments, which the example names
        make_customer(f"C-{segment}", segment=segment)
    example = re.search(r"```yaml\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL).group(1)

    version = load_scorecard(example, user=None).version

    criteria = version.definition["criteria"]
    assert {c["kind"] for c in criteria} == {"milestone", "measure"}
    assert {c.get("measure") for c in criteria} - {None} == {
        "license_utilisation",
        "dau_mau",
        "weeks_active",
        "feature_adoption",
    }
    rules = {
        c["missing"] if isinstance(c.get("missing"), str) else c.get("missing", {}).get("rule")
        for c in criteria
    }
    assert {"zero", "exclude", "last_known"} <= rules
