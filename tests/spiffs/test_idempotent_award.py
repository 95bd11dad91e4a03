"""``award_spiff`` is idempotent (docs/design.md §11.3): a rerun awards nothing twice."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from commissions.services.person_metrics import values_from
from incentives.errors import WrongStatus
from incentives.models import SpiffAward, SpiffEvent
from incentives.services.awards import award_spiff
from tests.builders import make_user

from .conftest import END, approved, rule_spiff

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_rerun_awards_nothing_twice_and_only_new_events_are_funded(ops, cco, plan):
    a = make_user(Role.CSM, employee_id="E1")
    spiff = approved(rule_spiff(ops, budget="100.00", people=[a]), ops, cco)
    rows = [(a.pk, date(2021, 5, 3), D("95"))]

    first = award_spiff(spiff, END, metrics=values_from(rows))
    again = award_spiff(spiff, END, metrics=values_from(rows))
    rows.append((a.pk, date(2021, 5, 4), D("95")))
    later = award_spiff(spiff, END, metrics=values_from(rows))

    assert (len(first.awards), len(again.awards), len(later.awards)) == (1, 0, 1)
    assert sorted(SpiffAward.objects.values_list("amount", flat=True)) == [D("40.00"), D("40.00")]
    assert SpiffEvent.objects.filter(action="awarded").count() == 2  # the empty rerun records nothing


def test_an_unfunded_event_stays_unfunded_on_a_rerun(ops, cco, plan):
    a = make_user(Role.CSM, employee_id="E1")
    spiff = approved(rule_spiff(ops, budget="40.00", people=[a]), ops, cco)
    rows = [(a.pk, date(2021, 5, 3), D("95")), (a.pk, date(2021, 5, 4), D("95"))]

    award_spiff(spiff, END, metrics=values_from(rows))
    award_spiff(spiff, END, metrics=values_from(rows))

    assert list(SpiffAward.objects.order_by("day").values_list("amount", "status")) == [
        (D("40.00"), "approved"),
        (D("0.00"), "unfunded"),
    ]


def test_an_unapproved_spiff_awards_nothing(ops, plan):
    a = make_user(Role.CSM, employee_id="E1")
    spiff = rule_spiff(ops, people=[a])

    with pytest.raises(WrongStatus, match="only an approved rule SPIFF awards"):
        award_spiff(spiff, END, metrics=values_from([(a.pk, date(2021, 5, 3), D("95"))]))
    assert not SpiffAward.objects.exists()


def test_a_csm_may_not_run_the_awards(ops, cco, plan):
    from core.errors import NotAllowed

    a = make_user(Role.CSM, employee_id="E1")
    spiff = approved(rule_spiff(ops, people=[a]), ops, cco)

    with pytest.raises(NotAllowed, match="running a SPIFF needs the ops role"):
        award_spiff(spiff, END, metrics=values_from([]), user=a)
