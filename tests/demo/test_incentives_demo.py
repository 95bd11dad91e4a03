"""The demo's incentives (demo/incentives.py): six months of person metrics, the SPIFFs, points, contests
and nudges of docs/incentives.md, written through the services as ``seed_demo`` does — before the demo's
quarters close, which they never hold — and written once."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role, User
from commissions import hooks
from commissions.models import Period, PersonMetric
from demo.incentives import seed_demo_incentives
from incentives.models import PointsEntry, PointsRule, Redemption, Reward, Spiff, SpiffAward
from incentives.quarter_close import redemptions_blocking_close, spiffs_blocking_close
from incentives.services.points import balance_of
from incentives.services.spiffs import budget_use
from recognition.models import (
    Contest,
    ContestEvent,
    ContestWinner,
    Nudge,
    NudgeConfig,
    NudgeMonth,
    WallSetting,
)
from recognition.services.contests import standings
from tests.worlds import built_once

DEMO_DAY = date(2026, 11, 25)  # FY27-Q4 (Nov–Jan): Q1 and Q2 closed, Q3 open for review
MONTHS = [date(2026, m, 1) for m in range(5, 11)]  # May–October 2026, the six full months before
OCTOBER = date(2026, 10, 1)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo company as ``seed_demo`` builds it: the incentives before the quarters."""
    from demo.company import seed_demo
    from demo.quarters import run_demo_quarters

    with built_once(django_db_blocker):
        seed_demo(today=DEMO_DAY)
        line = seed_demo_incentives(today=DEMO_DAY)
        quarters = run_demo_quarters(today=DEMO_DAY)
        yield {"line": line, "quarters": quarters}


@pytest.fixture
def demo(world, db):
    return world


def csms() -> list[User]:
    return list(User.objects.filter(roles__role=Role.CSM).order_by("employee_id"))


def october_login_rates() -> dict[str, Decimal]:
    rows = PersonMetric.objects.filter(metric="login_rate", date=OCTOBER).select_related("employee")
    return {row.employee.name: row.value for row in rows}


def test_six_months_of_monthly_metrics_and_three_weeks_of_daily_contacts(demo):
    people = csms()
    assert len(people) == 12
    for metric in ("login_rate", "data_quality"):
        rows = PersonMetric.objects.filter(metric=metric)
        assert rows.count() == 12 * 6
        assert set(rows.values_list("date", flat=True)) == set(MONTHS)
        assert set(rows.values_list("period", flat=True)) == {PersonMetric.Period.MONTH}
        assert all(Decimal(0) <= v <= Decimal(100) for v in rows.values_list("value", flat=True))
    # 4–24 November 2026 holds 15 weekdays; a count for each CSM on each.
    contacts = PersonMetric.objects.filter(metric="contacts_added")
    days = set(contacts.values_list("date", flat=True))
    assert len(days) == 15 and min(days) == date(2026, 11, 4) and max(days) == date(2026, 11, 24)
    assert all(day.weekday() < 5 for day in days)
    assert contacts.count() == 15 * 12
    assert "imported 324 person-metric rows" in demo["line"]
    # Some above the bars and some below, every month.
    for month in MONTHS:
        logins = PersonMetric.objects.filter(metric="login_rate", date=month).values_list("value", flat=True)
        assert any(v >= 90 for v in logins) and any(v < 90 for v in logins)


def test_the_rule_spiff_pays_150_once_to_each_csm_at_90_or_more_in_october(demo):
    spiff = Spiff.objects.get(code="login-sprint")
    assert (spiff.status, spiff.kind, spiff.per, spiff.metric) == ("approved", "rule", "person", "login_rate")
    assert (spiff.start, spiff.end, spiff.threshold) == (OCTOBER, date(2026, 10, 31), Decimal(90))
    qualified = sorted(name for name, value in october_login_rates().items() if value >= 90)
    awards = list(spiff.awards.select_related("employee", "period"))
    assert sorted(a.employee.name for a in awards) == qualified
    assert 0 < len(awards) < 10  # the budget of 1,500.00 is partly used
    assert all(a.amount == Decimal("150.00") and a.status == SpiffAward.Status.APPROVED for a in awards)
    assert all(a.day == OCTOBER and a.period.code == "FY27-Q3" for a in awards)
    used = budget_use(spiff)
    assert used.awarded == len(awards) * Decimal("150.00")
    assert used.remaining == Decimal("1500.00") - used.awarded and used.pending == 0


def test_the_spiff_granted_by_hand_has_a_grant_approved_and_one_waiting_for_the_cco(demo):
    spiff = Spiff.objects.get(code="renewal-saves")
    assert (spiff.status, spiff.kind) == ("approved", "manual")
    approved = spiff.awards.get(status=SpiffAward.Status.APPROVED)
    assert approved.employee.name == "Maya Patel" and approved.amount == Decimal("500.00")
    assert approved.granted_by.has_role(Role.CSVP) and approved.cco_approver.has_role(Role.CCO)
    assert approved.day == date(2026, 11, 13)
    pending = spiff.awards.get(status=SpiffAward.Status.PENDING)
    assert pending.amount == Decimal("300.00") and pending.day == DEMO_DAY
    assert pending.period.code == "FY27-Q4" and pending.cco_approver is None
    used = budget_use(spiff)
    assert (used.awarded, used.pending, used.remaining) == (
        Decimal("500.00"),
        Decimal("300.00"),
        Decimal("1500.00"),
    )


def test_a_geo_vps_spiff_of_next_month_waits_for_the_cco(demo):
    spiff = Spiff.objects.get(code="quality-kickoff")
    assert spiff.status == Spiff.Status.PROPOSED and spiff.cco_approver is None
    assert (spiff.start, spiff.end) == (date(2026, 12, 1), date(2026, 12, 31))
    assert spiff.eligibility == Spiff.Eligibility.GEO and spiff.proposed_by.geo == spiff.geo
    assert spiff.proposed_by.has_role(Role.CSVP)


def test_points_are_earned_by_the_rules_month_by_month(demo):
    levels = {
        (row.employee_id, row.metric, row.date): row.value
        for row in PersonMetric.objects.filter(period=PersonMetric.Period.MONTH)
    }
    rules = {rule.code: rule for rule in PointsRule.objects.all()}
    assert set(rules) == {"logins-90", "quality-95"}
    for code, metric, bar, points in (
        ("logins-90", "login_rate", 90, 10),
        ("quality-95", "data_quality", 95, 15),
    ):
        earned = {
            (lot.employee_id, lot.month)
            for lot in PointsEntry.objects.filter(rule=rules[code], kind=PointsEntry.Kind.EARNED)
        }
        expected = {(pk, day) for (pk, m, day), value in levels.items() if m == metric and value >= bar}
        assert earned == expected and expected
        assert set(PointsEntry.objects.filter(rule=rules[code]).values_list("points", flat=True)) == {points}


def test_login_points_of_may_and_june_expired_after_four_months(demo):
    expired = PointsEntry.objects.filter(kind=PointsEntry.Kind.EXPIRED).select_related("lot__rule")
    assert expired.exists()
    for entry in expired:
        assert entry.lot.rule.code == "logins-90" and entry.lot.month in MONTHS[:2]
        # May's points count all of September, June's all of October (design.md §11.4).
        assert entry.on == {MONTHS[0]: date(2026, 10, 1), MONTHS[1]: date(2026, 11, 1)}[entry.lot.month]
    # Every lot past its last day is spent or written off, whatever a request reserved.
    for person in csms():
        assert balance_of(person, DEMO_DAY).expiring == 0
        assert balance_of(person, DEMO_DAY).balance >= 0


def test_a_training_was_handed_out_and_a_gift_card_waits_for_ops_or_finance(demo):
    assert set(Reward.objects.values_list("kind", flat=True)) == set(Reward.Kind.values)
    gift = Reward.objects.get(kind=Reward.Kind.CASH)
    assert (gift.price, gift.cash_amount) == (40, Decimal("50.00"))

    fulfilled = Redemption.objects.get(status=Redemption.Status.FULFILLED)
    assert fulfilled.reward.kind == Reward.Kind.TRAINING and fulfilled.points == 45
    assert fulfilled.requested_on == date(2026, 9, 3)
    assert (fulfilled.decided_on, fulfilled.fulfilled_on) == (date(2026, 9, 4), date(2026, 9, 10))
    redeemed = PointsEntry.objects.filter(redemption=fulfilled, kind=PointsEntry.Kind.REDEEMED)
    assert sum(redeemed.values_list("points", flat=True)) == -45

    pending = Redemption.objects.get(status=Redemption.Status.PENDING)
    assert pending.reward == gift and pending.requested_on == DEMO_DAY and pending.period is None
    assert balance_of(pending.employee, DEMO_DAY).reserved == 40
    assert balance_of(pending.employee, DEMO_DAY).available >= 0


def test_the_finished_contest_has_two_winners_tied_at_100_sharing_the_prize(demo):
    contest = Contest.objects.get(code="clean-data")
    assert contest.status == Contest.Status.FINISHED
    assert (contest.start, contest.end) == (date(2026, 9, 1), date(2026, 9, 30))
    winners = list(ContestWinner.objects.filter(contest=contest).select_related("employee"))
    # The two best data-quality levels of the demo (98 and 97) made no slip.
    assert sorted(w.employee.name for w in winners) == ["Amélie Laurent", "Maya Patel"]
    assert all(w.score == Decimal(100) and w.prize_share == Decimal("125.00") for w in winners)
    assert sum(w.prize_share for w in winners) == contest.prize == Decimal("250.00")
    ranks = [s.rank for s in standings(contest)]
    assert ranks[:3] == [1, 1, 3]
    events = ContestEvent.objects.filter(contest=contest)
    assert events.count() == sum((0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5))
    assert set(events.values_list("points", flat=True)) == {Decimal(-5)}


def test_the_running_contest_counts_two_points_per_contact_added(demo):
    contest = Contest.objects.get(code="contacts-sprint")
    assert contest.status == Contest.Status.ACTIVE
    assert contest.start <= DEMO_DAY <= contest.end
    from_metric = ContestEvent.objects.filter(contest=contest, source_metric="contacts_added")
    contacts = PersonMetric.objects.filter(
        metric="contacts_added", date__gte=contest.start, date__lt=DEMO_DAY, value__gt=0
    )
    assert from_metric.count() == contacts.count() > 0
    assert sum(from_metric.values_list("points", flat=True)) == 2 * sum(
        contacts.values_list("value", flat=True)
    )
    by_hand = ContestEvent.objects.get(contest=contest, source_metric="")
    assert by_hand.points == Decimal(-5)


def test_the_bottom_login_rate_of_october_was_nudged_once_and_the_needs_attention_list_is_off(demo):
    config = NudgeConfig.objects.get()
    assert config.enabled and config.metric == "login_rate"
    rates = october_login_rates()
    [month] = NudgeMonth.objects.all()
    # ceil(5 % × 12) = 1 person, plus anyone tied with them (design.md §11.5).
    lowest = min(rates.values())
    nudged = {n.employee.name for n in Nudge.objects.select_related("employee")}
    assert nudged == {name for name, value in rates.items() if value == lowest}
    assert len(nudged) >= math.ceil(Decimal("0.05") * 12)
    assert (month.month, month.with_value, month.nudged) == (OCTOBER, 12, len(nudged))
    assert all(n.task == config.task_title and n.of == 12 for n in Nudge.objects.all())
    assert not WallSetting.objects.filter(needs_attention=True).exists()


def test_the_demo_quarters_close_and_the_one_left_for_review_waits_for_nothing_of_the_incentives(demo):
    assert [line.split(":")[0] for line in demo["quarters"][:3]] == ["FY27-Q1", "FY27-Q2", "FY27-Q3"]
    assert "closed" in demo["quarters"][1] and "open for review" in demo["quarters"][2]
    review = Period.objects.get(code="FY27-Q3")
    assert spiffs_blocking_close(review) == [] and redemptions_blocking_close(review) == []
    # What is left to decide lies in the running quarter, which cannot close before it ends.
    running = Period.objects.get(code="FY27-Q4")
    waiting = " ".join(spiffs_blocking_close(running) + redemptions_blocking_close(running))
    assert "renewal-saves" in waiting and "quality-kickoff" in waiting and "Gift card" in waiting
    # The October SPIFF is paid with FY27-Q3's payroll.
    lines = [line for line in hooks.payroll_lines(review) if line.type == "spiff"]
    assert sum(line.amount for line in lines) == budget_use(Spiff.objects.get(code="login-sprint")).awarded


def test_seeding_again_adds_nothing(demo):
    models = (PersonMetric, Spiff, SpiffAward, PointsRule, PointsEntry, Reward, Redemption)
    models += (Contest, ContestEvent, ContestWinner, NudgeConfig, Nudge, NudgeMonth)
    before = {model.__name__: model.objects.count() for model in models}
    assert seed_demo_incentives(today=DEMO_DAY) is None
    assert {model.__name__: model.objects.count() for model in models} == before
