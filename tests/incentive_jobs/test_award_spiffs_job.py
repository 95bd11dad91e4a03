"""The nightly SPIFF job awards every approved rule SPIFF through yesterday from the stored person metrics,
within its budget, and a second run writes nothing (docs/design.md §11.3, docs/incentives.md "Operations")."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Role
from incentives.models import Spiff, SpiffAward, SpiffEvent
from incentives.services.spiffs import create_spiff
from incentives.tasks import award_spiffs
from tests.builders import make_user
from tests.spiffs.conftest import approved, rule_spiff

from .conftest import metric

D = Decimal


def awards(spiff):
    return list(
        SpiffAward.objects.filter(spiff=spiff)
        .order_by("day", "employee__employee_id")
        .values_list("employee__employee_id", "day", "amount", "status")
    )


@pytest.fixture
def people(db):
    return make_user(Role.CSM, employee_id="A-1"), make_user(Role.CSM, employee_id="B-2")


@pytest.fixture
def logins(ops, cco, plan, people):
    """Budget 100.00, 40.00 per qualifying day (login_rate ≥ 90) in May 2021, for A-1 and B-2."""
    a, b = people
    metric(a, date(2021, 5, 1), "95")
    metric(b, date(2021, 5, 1), "92")
    metric(a, date(2021, 5, 2), "80")  # below the threshold
    metric(b, date(2021, 5, 3), "90")  # at the threshold: qualifies
    metric(a, date(2021, 5, 4), "99")  # today on the 4th: not yet
    return approved(rule_spiff(ops, people=[a, b]), ops, cco)


def test_the_job_awards_through_yesterday_within_the_budget_and_a_rerun_writes_nothing(logins):
    result = award_spiffs(today="2021-05-04")

    # 1 May: A-1 then B-2 (ties by employee id) 40.00 each; 3 May: B-2 gets the 20.00 left of 100.00.
    assert awards(logins) == [
        ("A-1", date(2021, 5, 1), D("40.00"), "approved"),
        ("B-2", date(2021, 5, 1), D("40.00"), "approved"),
        ("B-2", date(2021, 5, 3), D("20.00"), "approved"),
    ]
    assert result == {
        "as_of": "2021-05-03",
        "spiffs": {"logins-may": {"written": 3, "funded": "100.00", "closed": 0}},
    }
    events = SpiffEvent.objects.filter(spiff=logins, action=SpiffEvent.Action.AWARDED).count()

    again = award_spiffs(today="2021-05-04")

    assert again["spiffs"]["logins-may"] == {"written": 0, "funded": "0.00", "closed": 0}
    assert len(awards(logins)) == 3
    assert SpiffEvent.objects.filter(spiff=logins, action=SpiffEvent.Action.AWARDED).count() == events


def test_the_next_day_writes_only_the_new_event_unfunded_once_the_budget_is_spent(logins):
    award_spiffs(today="2021-05-04")

    result = award_spiffs(today="2021-05-05")
    award_spiffs(today="2021-05-05")

    assert result["spiffs"]["logins-may"] == {"written": 1, "funded": "0.00", "closed": 0}
    assert awards(logins)[-1] == ("A-1", date(2021, 5, 4), D("0.00"), "unfunded")
    assert len(awards(logins)) == 4


def test_only_approved_rule_spiffs_that_have_started_are_run(ops, cco, plan, people, logins):
    a, _ = people
    draft = rule_spiff(ops, code="draft-may", people=[a])
    later = approved(
        rule_spiff(ops, code="june", start=date(2021, 6, 1), end=date(2021, 6, 30), people=[a]), ops, cco
    )
    manual = create_spiff(
        user=ops,
        code="by-hand",
        name="By hand",
        start=date(2021, 5, 1),
        end=date(2021, 5, 31),
        currency="USD",
        kind="manual",
        budget="500.00",
    )
    approved(manual, ops, cco)

    result = award_spiffs(today="2021-05-04")

    assert list(result["spiffs"]) == ["logins-may"]
    assert not SpiffAward.objects.filter(spiff__in=[draft, later, manual]).exists()


def test_a_spiff_refused_is_reported_and_the_others_still_run(ops, cco, plan, people, logins):
    a, _ = people
    # FY31 has no plan: its quarter cannot be written, so this SPIFF's awards are refused.
    far = approved(
        rule_spiff(ops, code="aaa-far", start=date(2021, 5, 1), end=date(2030, 6, 30), people=[a]), ops, cco
    )
    metric(a, date(2030, 5, 2), "95")

    result = award_spiffs(today="2030-05-03")

    assert "no plan" in result["spiffs"]["aaa-far"]["refused"].lower()
    assert not SpiffAward.objects.filter(spiff=far).exists()  # its one transaction: nothing of it
    assert result["spiffs"]["logins-may"]["written"] == 4  # the whole of May, every event once


def test_the_command_awards_as_ops_and_names_what_it_did(ops, logins, capsys):
    call_command("award_spiffs", "--day", "2021-05-03", "--user", ops.email)
    call_command("award_spiffs", "--day", "2021-05-03", "--spiff", "logins-may")

    out = capsys.readouterr().out
    assert "logins-may through 2021-05-03: 3 award(s), 100.00 USD funded." in out
    assert "logins-may through 2021-05-03: 0 award(s), 0.00 USD funded." in out
    assert SpiffAward.objects.filter(spiff=logins).count() == 3


def test_the_command_refuses_a_spiff_that_is_not_an_approved_rule_spiff(ops, logins):
    Spiff.objects.filter(pk=logins.pk).update(status=Spiff.Status.CLOSED)

    with pytest.raises(CommandError, match="No approved rule SPIFF logins-may"):
        call_command("award_spiffs", "--day", "2021-05-03", "--spiff", "logins-may")
    assert not SpiffAward.objects.exists()


def test_a_person_who_may_not_award_is_refused(logins, people):
    with pytest.raises(CommandError, match="may not"):
        call_command("award_spiffs", "--day", "2021-05-03", "--user", people[0].email)
    assert not SpiffAward.objects.exists()
