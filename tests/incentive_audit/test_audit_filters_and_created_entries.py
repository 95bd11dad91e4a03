"""/audit/ (docs/audit.md): every filter says when it has no entries; a filter is offered only where the
database has a record of it (a reward's making, on SQLite, has none); a points rule's "created" entry
shows all its fields; a SPIFF grant's "granted" entry shows the status it was written with, and its later
rejection is an entry of its own."""

from datetime import date

import pytest
from django.urls import reverse

from incentives.services.awards import grant_spiff, reject_grant
from incentives.services.spiffs import create_spiff
from tests.builders import assign_plan
from tests.points.conftest import logins_rule, reward
from tests.spiffs.conftest import approved

from .conftest import ON_POSTGRES, as_, change, trail

URL = reverse("audit:log")


def test_a_filter_without_entries_says_0_entries_and_nothing_matches(client, ops):
    client.force_login(ops)
    html = client.get(URL, {"object_type": "contest"}).content.decode()
    assert "0 entries." in html
    assert "Nothing recorded matches these filters." in html


def test_a_filter_with_entries_counts_them(client, ops):
    with as_(ops):
        logins_rule(ops, code="logins", start=date(2021, 5, 1))
    client.force_login(ops)
    html = client.get(URL, {"object_type": "points_rule"}).content.decode()
    assert "1 entry, newest first." in html and "Nothing recorded matches" not in html


@pytest.mark.skipif(ON_POSTGRES, reason="PostgreSQL records a reward's row events: the filter is offered")
def test_reward_is_not_offered_as_a_filter_where_its_making_is_not_recorded(client, ops):
    reward(ops)
    client.force_login(ops)
    choices = dict(client.get(URL).context["form"].fields["object_type"].choices)
    assert "reward" not in choices and choices["redemption"] == "Points redemption"
    refused = client.get(URL, {"object_type": "reward"})
    assert refused.status_code == 400 and "Select a valid choice" in refused.content.decode()


@pytest.mark.skipif(not ON_POSTGRES, reason="only PostgreSQL records a reward's making")
def test_reward_creation_is_listed_under_the_reward_filter(client, ops):
    with as_(ops):
        reward(ops, code="mug")
    [entry] = trail(object_type="reward")
    assert (entry.object_label, entry.who) == ("mug", "ops@example.com")


def test_a_points_rule_created_entry_shows_its_metric_threshold_points_months_and_expiry(ops):
    with as_(ops):
        logins_rule(
            ops, code="logins", points=10, start=date(2021, 5, 1), end=date(2021, 7, 31), expiry_months=6
        )
        logins_rule(ops, code="open-ended", points=5, start=date(2021, 6, 1))

    entries = {
        e.object_label: e for e in trail(object_type="points_rule") if e.action in ("created", "insert")
    }

    logins = entries["logins"]
    assert change(logins, "metric")[1] == "login_rate"
    assert change(logins, "threshold")[1] == "90"
    assert change(logins, "points")[1] == "10"
    assert change(logins, "start")[1] == "2021-05-01"
    assert change(logins, "end")[1] == "2021-07-31"
    assert change(logins, "expiry_months")[1] == "6"
    if not ON_POSTGRES:  # a rule without its own expiry follows the setting (12 unless configured)
        assert change(entries["open-ended"], "expiry_months")[1] == "POINTS_EXPIRY_MONTHS (now 12)"


def _grant_rejected(ops, cco, csm):
    assign_plan(csm)
    spiff = approved(
        create_spiff(
            user=ops,
            code="saves",
            name="Saves",
            start=date(2021, 5, 1),
            end=date(2021, 5, 31),
            currency="USD",
            kind="manual",
            budget="500.00",
        ),
        ops,
        cco,
    )
    with as_(ops):
        grant = grant_spiff(
            spiff=spiff, employee=csm, amount="75.00", day=date(2021, 5, 12), reason="Saved ACME", user=ops
        )
    with as_(cco):
        reject_grant(award=grant, user=cco, comment="Not a save: the renewal was signed already")
    return grant


def test_a_grant_is_listed_created_pending_and_its_rejection_as_its_own_entry(ops, cco, csm):
    grant = _grant_rejected(ops, cco, csm)

    entries = trail(object_type="spiff_award")

    assert {(e.object_type, e.object_id) for e in entries} == {("SPIFF award", str(grant.pk))}
    rejection, created = entries  # newest first
    assert created.who == "ops@example.com"
    assert change(created, "status") == ("", "pending")
    assert rejection.who == "cco@example.com"
    assert change(rejection, "status") == ("pending", "rejected")
    if not ON_POSTGRES:
        assert (created.action, created.note) == ("granted", "Saved ACME")
        assert (rejection.action, rejection.note) == (
            "Grant rejected",
            "Not a save: the renewal was signed already",
        )
        assert rejection.object_label == created.object_label == "saves · csm@example.com · 2021-05-12"


def test_the_grant_decisions_follow_the_filters(ops, cco, csm):
    grant = _grant_rejected(ops, cco, csm)
    assert [e.who for e in trail(object_type="spiff_award", person="cco@")] == ["cco@example.com"]
    assert len(trail(object_type="spiff_award", search=str(grant.pk))) == 2
    assert trail(object_type="spiff_award", search="no-such-spiff") == []
    assert trail(object_type="spiff_award", date_to=date(2000, 1, 1)) == []


def test_a_contest_created_entry_shows_the_status_it_was_created_with(ops, csm):
    from recognition.services.contests import finish_contest
    from tests.contests.conftest import active_contest

    with as_(ops):
        contest = active_contest(ops, [csm])
        finish_contest(contest=contest, user=ops, on=date(2021, 6, 1))

    entries = trail(object_type="contest")

    created = [e for e in entries if e.action in ("created", "insert")]
    assert [change(e, "status") for e in created] == [("", "draft")]
    if not ON_POSTGRES:
        finished = [e for e in entries if e.action == "finished"]
        assert [change(e, "status") for e in finished] == [("active", "finished")]
