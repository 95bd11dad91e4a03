"""The SPIFF budget (RULES "SPIFF budget", docs/design.md §11.3): funded first come by qualifying time,
ties by employee id; the crossing event partly funded; the cap counts approved amounts only."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from commissions.services.person_metrics import values_from
from incentives.models import SpiffAward
from incentives.services.awards import approve_grant, award_spiff, grant_spiff
from incentives.services.spiffs import budget_use, create_spiff
from tests.builders import make_user

from .conftest import END, START, approved, rule_spiff

pytestmark = pytest.mark.django_db

D = Decimal


def _people(*ids):
    return [make_user(Role.CSM, employee_id=i) for i in ids]


def _awards(spiff):
    return [
        (a.employee.employee_id, a.day, a.amount, a.status)
        for a in SpiffAward.objects.filter(spiff=spiff)
        .select_related("employee")
        .order_by("day", "employee__employee_id")
    ]


def test_three_events_of_40_fill_a_budget_of_120_exactly_and_the_fourth_is_unfunded(ops, cco, plan):
    a, b = _people("E1", "E2")
    spiff = approved(rule_spiff(ops, budget="120.00", people=[a, b]), ops, cco)
    rows = [
        (a.pk, date(2021, 5, 3), D("95")),
        (b.pk, date(2021, 5, 3), D("90")),
        (a.pk, date(2021, 5, 4), D("91")),
    ]
    rows.append((b.pk, date(2021, 5, 5), D("99")))

    run = award_spiff(spiff, date(2021, 5, 31), metrics=values_from(rows))

    assert run.funded == D("120.00")
    assert _awards(spiff) == [
        ("E1", date(2021, 5, 3), D("40.00"), "approved"),
        ("E2", date(2021, 5, 3), D("40.00"), "approved"),
        ("E1", date(2021, 5, 4), D("40.00"), "approved"),
        ("E2", date(2021, 5, 5), D("0.00"), "unfunded"),
    ]
    last = SpiffAward.objects.get(status="unfunded")
    assert last.reason == "Not funded: the budget of 120.00 USD was used up by earlier qualifying events."
    assert (budget_use(spiff).awarded, budget_use(spiff).remaining) == (D("120.00"), D("0.00"))


def test_the_event_that_crosses_the_cap_is_funded_partly_up_to_the_cap(ops, cco, plan):
    a, b, c = _people("E1", "E2", "E3")
    spiff = approved(rule_spiff(ops, budget="100.00", people=[a, b, c]), ops, cco)
    rows = [(p.pk, date(2021, 5, 10), D("90")) for p in (a, b, c)]

    award_spiff(spiff, END, metrics=values_from(rows))

    assert [(e, amt, s) for e, _, amt, s in _awards(spiff)] == [
        ("E1", D("40.00"), "approved"),
        ("E2", D("40.00"), "approved"),
        ("E3", D("20.00"), "approved"),  # 100 − 80: the crossing event, partly
    ]
    crossing = SpiffAward.objects.get(employee=c)
    assert crossing.asked == D("40.00")
    assert crossing.reason == "Partly funded: the last 20.00 USD of the budget of 100.00 USD."


def test_ties_on_a_day_are_funded_by_employee_id_not_by_who_was_created_first(ops, cco, plan):
    late, early = _people("E9", "E1")  # E9 created first, E1 wins the tie
    spiff = approved(rule_spiff(ops, budget="60.00", people=[late, early]), ops, cco)
    rows = [(late.pk, date(2021, 5, 7), D("100")), (early.pk, date(2021, 5, 7), D("100"))]

    award_spiff(spiff, END, metrics=values_from(rows))

    assert [(e, amt) for e, _, amt, _ in _awards(spiff)] == [("E1", D("40.00")), ("E9", D("20.00"))]


def test_an_earlier_day_is_funded_before_a_lower_employee_id_of_a_later_day(ops, cco, plan):
    a, z = _people("E1", "E8")
    spiff = approved(rule_spiff(ops, budget="40.00", people=[a, z]), ops, cco)
    rows = [(a.pk, date(2021, 5, 9), D("95")), (z.pk, date(2021, 5, 8), D("95"))]

    award_spiff(spiff, END, metrics=values_from(rows))

    assert [(e, amt) for e, _, amt, _ in _awards(spiff)] == [("E8", D("40.00")), ("E1", D("0.00"))]


def test_below_the_threshold_never_qualifies_and_at_it_does(ops, cco, plan):
    (a,) = _people("E1")
    spiff = approved(rule_spiff(ops, people=[a]), ops, cco)
    rows = [(a.pk, date(2021, 5, 1), D("89.9999")), (a.pk, date(2021, 5, 2), D("90"))]

    award_spiff(spiff, END, metrics=values_from(rows))

    assert [d for _, d, _, _ in _awards(spiff)] == [date(2021, 5, 2)]


def test_per_person_pays_each_person_once_on_their_first_qualifying_day(ops, cco, plan):
    a, b = _people("E1", "E2")
    spiff = approved(rule_spiff(ops, budget="500.00", per="person", people=[a, b]), ops, cco)
    rows = [(a.pk, date(2021, 5, d), D("95")) for d in (3, 4, 5)] + [(b.pk, date(2021, 5, 6), D("95"))]

    award_spiff(spiff, END, metrics=values_from(rows))

    assert [(e, d) for e, d, _, _ in _awards(spiff)] == [("E1", date(2021, 5, 3)), ("E2", date(2021, 5, 6))]


def test_days_outside_the_spiffs_dates_or_after_as_of_do_not_qualify(ops, cco, plan):
    (a,) = _people("E1")
    spiff = approved(rule_spiff(ops, budget="500.00", people=[a]), ops, cco)
    rows = [
        (a.pk, date(2021, 4, 30), D("99")),
        (a.pk, date(2021, 5, 20), D("99")),
        (a.pk, date(2021, 6, 1), D("99")),
    ]

    award_spiff(spiff, date(2021, 5, 19), metrics=values_from(rows))
    assert _awards(spiff) == []

    award_spiff(spiff, date(2021, 6, 30), metrics=values_from(rows))
    assert [d for _, d, _, _ in _awards(spiff)] == [date(2021, 5, 20)]


def _manual(ops, people, budget="100.00"):
    return create_spiff(
        user=ops,
        code="thanks",
        name="Thanks",
        start=START,
        end=END,
        currency="USD",
        kind="manual",
        budget=budget,
        eligibility="list",
        people=people,
    )


def test_a_pending_grant_does_not_count_against_the_cap_and_an_approved_one_does(ops, cco, plan):
    csvp = make_user(Role.CSVP)
    (a,) = _people("E1")
    spiff = approved(_manual(ops, [a]), ops, cco)

    grant = grant_spiff(
        spiff=spiff, employee=a, amount="70.00", day=date(2021, 5, 4), reason="Rescued X", user=csvp
    )
    assert (budget_use(spiff).awarded, budget_use(spiff).pending, budget_use(spiff).remaining) == (
        D("0"),
        D("70.00"),
        D("100.00"),
    )

    approve_grant(award=grant, user=cco)
    assert (budget_use(spiff).awarded, budget_use(spiff).remaining) == (D("70.00"), D("30.00"))


def test_a_grant_beyond_the_budget_left_is_refused_naming_what_is_left(ops, cco, plan):
    from incentives.errors import BudgetExceeded

    (a,) = _people("E1")
    spiff = approved(_manual(ops, [a]), ops, cco)
    first = grant_spiff(spiff=spiff, employee=a, amount="70.00", day=date(2021, 5, 4), reason="one", user=ops)
    approve_grant(award=first, user=cco)

    with pytest.raises(
        BudgetExceeded, match=r"30.01 USD does not fit in thanks's budget: 30.00 USD of 100.00 USD"
    ):
        grant_spiff(spiff=spiff, employee=a, amount="30.01", day=date(2021, 5, 5), reason="two", user=ops)
    exact = grant_spiff(spiff=spiff, employee=a, amount="30.00", day=date(2021, 5, 5), reason="two", user=ops)
    approve_grant(award=exact, user=cco)
    assert budget_use(spiff).remaining == D("0.00")


def test_two_pending_grants_that_together_exceed_the_cap_the_second_approval_is_refused(ops, cco, plan):
    from incentives.errors import BudgetExceeded

    (a,) = _people("E1")
    spiff = approved(_manual(ops, [a]), ops, cco)
    g1 = grant_spiff(spiff=spiff, employee=a, amount="60.00", day=date(2021, 5, 4), reason="one", user=ops)
    g2 = grant_spiff(spiff=spiff, employee=a, amount="60.00", day=date(2021, 5, 5), reason="two", user=ops)
    approve_grant(award=g1, user=cco)

    with pytest.raises(BudgetExceeded):
        approve_grant(award=g2, user=cco)
    g2.refresh_from_db()
    assert g2.status == "pending" and g2.cco_approver is None
