"""A year's commission scorecards and score source (docs/design.md §9.5)."""

import pytest

from accounts.models import Role
from adoption.models import CommissionScorecard, ScoreSource
from adoption.scorecards.commission import score_source_of, set_commission_scorecards, set_score_source
from adoption.scorecards.loading import load_scorecard
from core.errors import AttainError, NotAllowed
from tests.builders import make_snapshot, make_user

from .conftest import CORE_YAML, SMB_YAML, scorecard_yaml

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("segments")]

EVERYONE_YAML = scorecard_yaml(CORE_YAML, code="all", segments="[]")


def codes(fiscal_year: str) -> list[str]:
    rows = CommissionScorecard.objects.filter(fiscal_year=fiscal_year)
    return sorted(rows.values_list("scorecard__code", flat=True))


def test_scorecards_of_separate_segments_are_the_years_commission_scorecards(ops):
    load_scorecard(CORE_YAML, user=ops)
    load_scorecard(SMB_YAML, user=ops)

    assert set_commission_scorecards("FY27", ["smb", "core"], user=ops) == ["core", "smb"]
    assert codes("FY27") == ["core", "smb"]
    set_commission_scorecards("FY27", ["core"], user=ops)  # a new choice replaces the former one
    assert codes("FY27") == ["core"]


def test_two_scorecards_sharing_a_segment_are_refused(ops):
    load_scorecard(CORE_YAML, user=ops)
    load_scorecard(scorecard_yaml(SMB_YAML, segments="[SMB, ENT]"), user=ops)

    with pytest.raises(AttainError, match="core and smb both score segment ENT"):
        set_commission_scorecards("FY27", ["core", "smb"], user=ops)
    assert codes("FY27") == []


def test_a_scorecard_without_segments_must_be_the_only_one(ops):
    load_scorecard(EVERYONE_YAML, user=ops)
    load_scorecard(SMB_YAML, user=ops)

    with pytest.raises(AttainError, match="all scores every customer"):
        set_commission_scorecards("FY27", ["all", "smb"], user=ops)
    assert set_commission_scorecards("FY27", ["all"], user=ops) == ["all"]


def test_an_earlier_version_s_segments_count_for_overlaps(ops):
    load_scorecard(CORE_YAML, user=ops)
    load_scorecard(
        scorecard_yaml(CORE_YAML, version="2", effective_from="2026-07-01", segments="[MID]"), user=ops
    )
    load_scorecard(SMB_YAML.replace("[SMB]", "[ENT]"), user=ops)

    with pytest.raises(AttainError, match="both score segment ENT"):
        set_commission_scorecards("FY27", ["core", "smb"], user=ops)


def test_the_choice_and_the_source_are_fixed_once_the_years_snapshot_is_approved(ops):
    load_scorecard(CORE_YAML, user=ops)
    load_scorecard(SMB_YAML, user=ops)
    set_commission_scorecards("FY27", ["core"], user=ops)
    make_snapshot("FY27", approved_by=make_user(Role.CCO))

    with pytest.raises(AttainError, match="target snapshot of FY27 is approved: its commission scorecards"):
        set_commission_scorecards("FY27", ["core", "smb"], user=ops)
    with pytest.raises(AttainError, match="its score source cannot change"):
        set_score_source("FY27", "scorecard", user=ops)
    assert codes("FY27") == ["core"] and score_source_of("FY27") == "import"
    # Another year, and a tracking scorecard, may still change.
    assert set_commission_scorecards("FY28", ["core", "smb"], user=ops) == ["core", "smb"]
    assert load_scorecard(
        scorecard_yaml(SMB_YAML, version="2", effective_from="2026-03-01"), user=ops
    ).created


def test_a_new_version_of_a_frozen_years_commission_scorecard_takes_effect_after_the_year(ops):
    load_scorecard(CORE_YAML, user=ops)
    set_commission_scorecards("FY27", ["core"], user=ops)
    make_snapshot("FY27", approved_by=make_user(Role.CCO))

    with pytest.raises(AttainError, match="a new version may take effect after 2027-01-31"):
        load_scorecard(scorecard_yaml(CORE_YAML, version="2", effective_from="2026-07-01"), user=ops)
    assert load_scorecard(
        scorecard_yaml(CORE_YAML, version="2", effective_from="2027-02-01"), user=ops
    ).created


def test_a_new_version_may_not_make_a_years_commission_scorecards_overlap(ops):
    load_scorecard(CORE_YAML, user=ops)
    load_scorecard(SMB_YAML, user=ops)
    set_commission_scorecards("FY27", ["core", "smb"], user=ops)

    with pytest.raises(AttainError, match="both score segment SMB"):
        load_scorecard(
            scorecard_yaml(CORE_YAML, version="2", effective_from="2026-07-01", segments="[ENT, SMB]"),
            user=ops,
        )


def test_the_score_source_is_import_unless_set(ops):
    assert score_source_of("FY27") == "import"
    set_score_source("FY27", "scorecard", user=ops)
    assert ScoreSource.objects.get(fiscal_year="FY27").source == "scorecard"
    with pytest.raises(AttainError, match="one of import, scorecard"):
        set_score_source("FY27", "guess", user=ops)


def test_only_ops_chooses_commission_scorecards_and_the_source():
    finance = make_user(Role.FINANCE)

    with pytest.raises(NotAllowed):
        set_commission_scorecards("FY27", [], user=finance)
    with pytest.raises(NotAllowed):
        set_score_source("FY27", "scorecard", user=finance)
