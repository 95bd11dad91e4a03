"""Every path that stores a metric's name refuses one the one reader cannot serve, naming it, and writes
nothing (docs/design.md §11.1): a SPIFF rule (``create_spiff``), a points rule (``create_points_rule``), a
contest's events from a metric (``events_from_metric``), a nudge config (``save_config``) and the wall of
fame's needs-attention list (``set_needs_attention``). An imported code — even one no row holds yet — and
the built-in daily metrics are accepted."""

from datetime import date
from decimal import Decimal

import pytest

from commissions.models import PersonMetric
from incentives.errors import PointsInvalid, SpiffInvalid
from incentives.models import PointsRule, Spiff, SpiffEvent
from incentives.services.points import create_points_rule
from incentives.services.spiffs import create_spiff
from recognition.errors import RecognitionInvalid
from recognition.models import ContestEvent, NudgeConfig, WallSetting
from recognition.services.contests import create_contest, events_from_metric, start_contest
from recognition.services.nudges import save_config, switch
from recognition.services.wall import set_needs_attention

from .conftest import ACCEPTED, END, REFUSED, START

pytestmark = pytest.mark.django_db
D = Decimal


def spiff_on(ops, metric: str) -> Spiff:
    return create_spiff(
        user=ops,
        code="rule-may",
        name="A rule in May",
        start=START,
        end=END,
        currency="USD",
        kind="rule",
        metric=metric,
        threshold=D("90"),
        amount="40.00",
        per="event",
        budget="100.00",
    )


def points_rule_on(ops, metric: str) -> PointsRule:
    return create_points_rule(
        user=ops, code="rule", name="A rule", metric=metric, threshold="90", points=10, start=START
    )


def nudge_config_on(cco, metric: str, code: str = "logins") -> NudgeConfig:
    return save_config(
        user=cco,
        code=code,
        metric=metric,
        subject="Your $metric in $month",
        message="Hello $name, your $metric in $month was $value.",
        task_title="Prepare a 5-minute demo of a feature",
    )


def active_contest(ops, csm):
    contest = create_contest(
        user=ops,
        code="clean-may",
        name="Clean data in May",
        start=START,
        end=END,
        participants="list",
        people=[csm],
    )
    return start_contest(contest=contest, user=ops)


# --- SPIFF rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("metric", "named"), REFUSED)
def test_a_spiff_rule_on_a_metric_the_reader_refuses_is_refused_and_not_written(ops, metric, named):
    with pytest.raises(SpiffInvalid) as refused:
        spiff_on(ops, metric)
    assert f"  - metric: {named}" in refused.value.message
    assert not Spiff.objects.exists() and not SpiffEvent.objects.exists()


@pytest.mark.parametrize("metric", ACCEPTED)
def test_a_spiff_rule_on_an_imported_or_builtin_metric_is_drafted(ops, metric):
    assert spiff_on(ops, metric).metric == metric
    assert Spiff.objects.get().status == Spiff.Status.DRAFT


def test_a_manual_spiff_names_no_metric_and_is_not_checked(ops):
    spiff = create_spiff(
        user=ops,
        code="saves",
        name="Saves",
        start=START,
        end=END,
        currency="USD",
        kind="manual",
        budget="100.00",
        metric="attainment",  # ignored: a manual SPIFF has no rule
    )
    assert spiff.metric == ""


# --- points rules --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("metric", "named"), REFUSED)
def test_a_points_rule_on_a_metric_the_reader_refuses_is_refused_and_not_written(ops, metric, named):
    with pytest.raises(PointsInvalid) as refused:
        points_rule_on(ops, metric)
    assert f"  - metric: {named}" in refused.value.message
    assert not PointsRule.objects.exists()


@pytest.mark.parametrize("metric", ACCEPTED)
def test_a_points_rule_on_an_imported_or_builtin_metric_is_made(ops, metric):
    assert points_rule_on(ops, metric).metric == metric


# --- contests' events from a metric --------------------------------------------------------------------


@pytest.mark.parametrize(("metric", "named"), REFUSED)
def test_events_from_a_metric_the_reader_refuses_are_refused_and_none_written(ops, csm, metric, named):
    contest = active_contest(ops, csm)
    with pytest.raises(RecognitionInvalid) as refused:
        events_from_metric(contest=contest, user=ops, metric=metric, points_per_unit="-5")
    assert f"  - metric: {named}" in refused.value.message
    assert not ContestEvent.objects.exists()


def test_events_from_an_imported_metric_are_written(ops, csm):
    contest = active_contest(ops, csm)
    PersonMetric.objects.create(employee=csm, date=date(2021, 5, 3), metric="demerits", value=D(2))
    (event,) = events_from_metric(contest=contest, user=ops, metric="demerits", points_per_unit="-5")
    assert (event.day, event.points) == (date(2021, 5, 3), D("-10.00"))  # 2 demerits × −5


@pytest.mark.parametrize("metric", ["kpi.dau_mau", "scorecard_average"])
def test_events_from_a_builtin_metric_are_read_without_refusal(ops, csm, metric):
    # No KPI day or score is stored: nothing to write, and nothing refused.
    assert (
        events_from_metric(contest=active_contest(ops, csm), user=ops, metric=metric, points_per_unit="1")
        == []
    )


# --- nudge configs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("metric", "named"), REFUSED)
def test_a_nudge_config_on_a_metric_the_reader_refuses_is_refused_and_not_written(cco, metric, named):
    with pytest.raises(RecognitionInvalid) as refused:
        nudge_config_on(cco, metric)
    assert f"  - metric: {named}" in refused.value.message
    assert not NudgeConfig.objects.exists()


@pytest.mark.parametrize("metric", ACCEPTED)
def test_a_nudge_config_on_an_imported_or_builtin_metric_is_saved(cco, metric):
    assert nudge_config_on(cco, metric).metric == metric


def test_editing_a_config_onto_a_refused_metric_changes_nothing(cco):
    nudge_config_on(cco, "login_rate")
    with pytest.raises(RecognitionInvalid, match="metric: attainment is a quarter's attainment"):
        save_config(user=cco, code="logins", metric="attainment", subject="Changed too")
    config = NudgeConfig.objects.get()
    assert (config.metric, config.subject) == ("login_rate", "Your $metric in $month")


def test_a_config_stored_with_a_refused_metric_may_be_switched_off_but_not_on(cco):
    # Written before the check existed: the CCO can still stop it, and cannot start it again unmended.
    NudgeConfig.objects.create(code="old", metric="attainment", subject="s", message="m", task_title="t")
    assert switch(user=cco, code="old", enabled=False).enabled is False
    with pytest.raises(RecognitionInvalid, match="metric: attainment is a quarter's attainment"):
        switch(user=cco, code="old", enabled=True)
    assert NudgeConfig.objects.get().enabled is False
    assert save_config(user=cco, code="old", metric="login_rate", enabled=True).enabled is True


# --- the wall of fame's needs-attention list -----------------------------------------------------------


@pytest.mark.parametrize(("metric", "named"), REFUSED)
def test_the_needs_attention_list_on_a_refused_metric_is_not_switched_on(cco, metric, named):
    with pytest.raises(RecognitionInvalid) as refused:
        set_needs_attention(user=cco, enabled=True, metric=metric)
    assert refused.value.message.startswith("The needs-attention list was not switched on: ")
    assert named in refused.value.message
    setting = WallSetting.objects.filter(pk=1).first()
    assert setting is None or (not setting.needs_attention and setting.attention_metric == "")


@pytest.mark.parametrize("metric", ACCEPTED)
def test_the_needs_attention_list_on_an_imported_or_builtin_metric_is_switched_on(cco, metric):
    setting = set_needs_attention(user=cco, enabled=True, metric=metric)
    assert (setting.needs_attention, setting.attention_metric) == (True, metric)


def test_switching_the_list_off_needs_no_readable_metric(cco):
    WallSetting.objects.create(pk=1, needs_attention=True, attention_metric="attainment")  # stored before
    assert set_needs_attention(user=cco, enabled=False).needs_attention is False
