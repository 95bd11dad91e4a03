"""Loading scorecard versions: published versions never change; numbers and dates rise (§9.1)."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role
from adoption.models import Scorecard, ScorecardVersion
from adoption.scorecard_models import VersionPublished
from adoption.scorecards.loading import load_scorecard
from core.errors import AttainError, NotAllowed
from tests.builders import make_user

from .conftest import CORE_YAML, scorecard_yaml

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("segments")]


def test_first_load_creates_the_scorecard_and_its_version(ops):
    loaded = load_scorecard(CORE_YAML, user=ops)

    assert loaded.created
    version = loaded.version
    assert Scorecard.objects.get().code == "core"
    assert (version.version, version.effective_from, version.segments) == (1, date(2026, 1, 1), ["ENT"])
    assert version.source == CORE_YAML
    assert version.definition["criteria"][0]["code"] == "util"
    assert version.loaded_by == ops
    assert version.label == "scorecard core v1"


def test_loading_the_same_version_with_the_same_content_does_nothing(ops):
    first = load_scorecard(CORE_YAML, user=ops)
    again = load_scorecard(CORE_YAML, user=ops)

    assert not again.created and again.version.pk == first.version.pk
    assert ScorecardVersion.objects.count() == 1


def test_a_published_version_with_other_content_is_refused_naming_the_next_version(ops):
    load_scorecard(CORE_YAML, user=ops)
    load_scorecard(scorecard_yaml(CORE_YAML, version="2", effective_from="2026-04-01"), user=ops)
    changed = scorecard_yaml(CORE_YAML, version="2", effective_from="2026-05-01")

    with pytest.raises(
        AttainError, match="(?i)version 2 of core is published and never changes: load it as version 3"
    ):
        load_scorecard(changed, user=ops)


def test_version_numbers_and_effective_dates_rise(ops):
    load_scorecard(scorecard_yaml(CORE_YAML, version="2", effective_from="2026-04-01"), user=ops)

    with pytest.raises(AttainError, match="Versions of core rise"):
        load_scorecard(CORE_YAML, user=ops)
    with pytest.raises(AttainError, match="must take effect after version 2"):
        load_scorecard(scorecard_yaml(CORE_YAML, version="3", effective_from="2026-04-01"), user=ops)
    assert load_scorecard(
        scorecard_yaml(CORE_YAML, version="3", effective_from="2026-04-02"), user=ops
    ).created


def test_an_invalid_definition_is_refused_naming_the_field(ops):
    bad = CORE_YAML.replace("weight: 3", "weight: 7")

    with pytest.raises(AttainError, match=r"criteria\[0\]\.weight: must be an integer from 1 to 5, not 7"):
        load_scorecard(bad, user=ops)
    assert not Scorecard.objects.exists()


def test_only_ops_loads_a_scorecard():
    csm = make_user(Role.CSM)

    with pytest.raises(NotAllowed, match="managing scorecards needs the ops role"):
        load_scorecard(CORE_YAML, user=csm)


def test_a_published_version_refuses_save_update_and_delete(ops):
    version = load_scorecard(CORE_YAML, user=ops).version

    version.effective_from = date(2026, 2, 1)
    with pytest.raises(VersionPublished):
        version.save()
    with pytest.raises(VersionPublished):
        version.delete()
    with pytest.raises(VersionPublished):
        ScorecardVersion.objects.filter(pk=version.pk).update(effective_from=date(2026, 2, 1))
    with pytest.raises(VersionPublished):
        ScorecardVersion.objects.filter(pk=version.pk).delete()
    with pytest.raises(VersionPublished):
        ScorecardVersion.objects.bulk_update([version], ["effective_from"])
    version.refresh_from_db()
    assert version.effective_from == date(2026, 1, 1)


def test_the_command_loads_a_file_and_says_a_second_load_does_nothing(ops, scorecard_file):
    path = scorecard_file(CORE_YAML)
    out = StringIO()
    call_command("load_scorecard", str(path), "--user", ops.email, stdout=out)
    call_command("load_scorecard", str(path), "--user", ops.email, stdout=out)

    assert "Loaded scorecard core v1, effective from 2026-01-01 (2 criteria)." in out.getvalue()
    assert "scorecard core v1 is loaded already with this content: nothing to do." in out.getvalue()


def test_the_command_says_what_is_wrong_with_a_file(ops, scorecard_file):
    path = scorecard_file(CORE_YAML.replace("kind: milestone", "kind: badge"))

    with pytest.raises(CommandError, match=r"criteria\[1\]\.kind: one of milestone, measure, not 'badge'"):
        call_command("load_scorecard", str(path), "--user", ops.email, stdout=StringIO())


def test_a_date_that_does_not_exist_is_named_by_its_field_not_a_traceback(ops, scorecard_file):
    path = scorecard_file(scorecard_yaml(CORE_YAML, effective_from="2026-13-01"))

    with pytest.raises(
        CommandError, match=r"effective_from: an ISO date such as 2026-01-01, not '2026-13-01'"
    ):
        call_command("load_scorecard", str(path), "--user", ops.email, stdout=StringIO())


def test_a_missing_file_is_a_clear_command_error(ops, tmp_path):
    with pytest.raises(CommandError, match=r"No scorecard file .*nowhere\.yaml\."):
        call_command("load_scorecard", str(tmp_path / "nowhere.yaml"), "--user", ops.email, stdout=StringIO())


def test_the_command_requires_the_user_who_loads_the_version(scorecard_file):
    with pytest.raises(CommandError, match="--user"):
        call_command("load_scorecard", str(scorecard_file(CORE_YAML)), stdout=StringIO())
    assert not ScorecardVersion.objects.exists()


def test_a_segment_no_customer_has_is_refused_naming_the_customers_segments(ops):
    with pytest.raises(
        AttainError,
        match=r"segments: no customer has segment 'enterprise' \(the customers' segments are ENT, MID, SMB\)",
    ):
        load_scorecard(scorecard_yaml(CORE_YAML, segments="[ENT, enterprise]"), user=ops)
    assert not Scorecard.objects.exists()
