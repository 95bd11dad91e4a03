"""``load_segments FILE.yaml`` (docs/design.md §10.5): segments with their plays, created or updated by
code, the same file again changing nothing; a wrong entry refused naming it, and nothing half-loaded."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from adoption.models import Play, Segment
from adoption.portfolio.segment_loading import load_segments
from core.errors import AttainError, NotAllowed

pytestmark = pytest.mark.django_db

YAML = """\
segments:
  - code: low_util
    name: Low utilisation
    rule: low_utilisation
    params: {threshold: 0.6}
    description: Customers using less than 60 % of their seats.
    plays:
      - code: low_util_outreach
        name: Win the users back
        tasks:
          - {title: Call the sponsor, due_days: 3}
          - {title: Run a training, due_days: 14}
        notify_ae: true
        recovery_days: 30
  - code: top_ten
    name: Top ten
    rule: top_usage
    params: {top: 10}
"""


def test_a_file_creates_its_segments_and_plays(people):
    loaded = load_segments(YAML, user=people.ops)

    assert (loaded.created, loaded.updated, loaded.unchanged) == (
        ["low_util", "low_util_outreach", "top_ten"],
        [],
        [],
    )
    low = Segment.objects.get(code="low_util")
    assert (low.rule, low.params, low.created_by, low.active) == (
        "low_utilisation",
        {"threshold": 0.6},
        people.ops,
        True,
    )
    play = Play.objects.get(code="low_util_outreach")
    assert play.segment == low and play.notify_ae and play.recovery_days == 30
    assert play.tasks == [
        {"title": "Call the sponsor", "due_days": 3},
        {"title": "Run a training", "due_days": 14},
    ]


def test_the_same_file_again_changes_nothing_and_a_changed_one_updates_by_code(people):
    load_segments(YAML, user=people.ops)

    again = load_segments(YAML, user=people.ops)
    changed = load_segments(YAML.replace("name: Top ten", "name: The top ten"), user=people.ops)

    assert (again.created, again.updated) == ([], [])
    assert (changed.created, changed.updated) == ([], ["top_ten"])
    assert Segment.objects.get(code="top_ten").name == "The top ten"
    assert Segment.objects.count() == 2 and Play.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("rule: top_usage", "rule: most_used"),
            r"segments\[1\] \(top_ten\).rule: unknown rule 'most_used' \(the rules are",
        ),
        (
            ("params: {top: 10}", "params: {top: 0}"),
            r"segments\[1\] \(top_ten\).params: top_usage: top must be a whole number from 1 to 1,000,000",
        ),
        (
            ("params: {top: 10}", "params: {tops: 3}"),
            r"segments\[1\] \(top_ten\).params: top_usage: unknown param tops",
        ),
        (
            ("code: top_ten", "code: Top-Ten"),
            r"segments\[1\] \(Top-Ten\).code 'Top-Ten': A code is lower-case letters",
        ),
        (("    name: Top ten\n", ""), r"segments\[1\] \(top_ten\).name is required"),
        (
            ("    rule: top_usage", "    rule: top_usage\n    colour: red"),
            r"segments\[1\] \(top_ten\): unknown key colour \(known:",
        ),
        (
            ("    rule: top_usage", "    rulle: top_usage"),
            r"segments\[1\] \(top_ten\): unknown key rulle \(did you mean rule\?\) \(known:",
        ),
        (
            ("due_days: 3}", "due_dayz: 3}"),
            r"segments\[0\] \(low_util\).plays\[0\].tasks\[0\]: unknown key due_dayz "
            r"\(did you mean due_days\?\) \(a task has title and due_days\)",
        ),
        (
            ("due_days: 3}", "due_days: -3}"),
            r"segments\[0\] \(low_util\).plays\[0\].tasks\[0\].due_days must be a whole number",
        ),
        (
            ("recovery_days: 30", "recovery_days: 0"),
            r"plays\[0\].recovery_days must be a whole number of days from 1 to 3,650",
        ),
        (("notify_ae: true", "notify_ae: perhaps"), r"plays\[0\].notify_ae must be true or false"),
        (
            ("code: top_ten", "code: low_util"),
            r"segments\[1\] \(low_util\): the code low_util is given twice in the file",
        ),
    ],
)
def test_a_wrong_entry_is_refused_naming_it_and_nothing_is_loaded(people, change, message):
    with pytest.raises(AttainError, match=message):
        load_segments(YAML.replace(*change), user=people.ops)
    assert not Segment.objects.exists() and not Play.objects.exists()


def test_bad_yaml_and_a_missing_file_are_clear_errors(people, tmp_path):
    with pytest.raises(AttainError, match=r"The segments file is not valid YAML"):
        load_segments("segments: [\n", user=people.ops)
    with pytest.raises(AttainError, match=r"No such file: .*missing.yaml"):
        load_segments(str(tmp_path / "missing.yaml"), user=people.ops)


def test_a_play_code_of_another_segment_is_refused(people):
    load_segments(YAML, user=people.ops)
    moved = """\
segments:
  - code: top_ten
    name: Renamed
    rule: top_usage
    plays:
      - {code: low_util_outreach, name: X}
"""

    with pytest.raises(AttainError, match=r"Play low_util_outreach belongs to segment low_util, not top_ten"):
        load_segments(moved, user=people.ops)
    assert Segment.objects.get(code="top_ten").name == "Top ten"  # all or nothing


def test_only_ops_loads_segments(people):
    with pytest.raises(NotAllowed, match=r"ann@example.com may not manage segments"):
        load_segments(YAML, user=people.ann)


def test_the_command_loads_a_file_and_says_what_it_did(people, tmp_path):
    path = tmp_path / "segments.yaml"
    path.write_text(YAML, encoding="utf-8")
    out = StringIO()

    call_command("load_segments", str(path), "--user", "ops@example.com", stdout=out)
    call_command("load_segments", str(path), stdout=out)

    assert out.getvalue() == (
        "Created low_util, low_util_outreach, top_ten.\n"
        "Note: low_util is new and has a play: its first evaluation makes the play's tasks for every "
        "customer that meets its rule that day.\n"
        "Nothing to do: low_util, low_util_outreach, top_ten are loaded already as the file says.\n"
    )
    with pytest.raises(CommandError, match=r"No such file"):
        call_command("load_segments", str(tmp_path / "nope.yaml"))
