"""A SPIFF, points rule or nudge config stored with a metric the one reader refuses — written before its
name was checked, or naming a KPI no longer computed — is reported and skipped by its scheduled job, and
the others run (docs/incentives.md "Operations"). Each such row is made directly, as a legacy row."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Role
from commissions.models import PersonMetric
from incentives.models import PointsEntry, PointsRule, Spiff, SpiffAward
from incentives.services.points import create_points_rule
from incentives.services.spiffs import approve_spiff, create_spiff, propose_spiff
from incentives.tasks import award_spiffs, earn_monthly_points
from recognition.models import Nudge, NudgeConfig, NudgeMonth
from recognition.services.nudges import save_config, send_nudges
from recognition.tasks import month_end_nudges
from tests.builders import assign_plan, make_user

from .conftest import END, START

pytestmark = pytest.mark.django_db
D = Decimal


def login_rate(person, day: date, value: str) -> None:
    PersonMetric.objects.create(employee=person, date=day, metric="login_rate", value=D(value))


@pytest.fixture
def people(db):
    return make_user(Role.CSM, employee_id="A-1"), make_user(Role.CSM, employee_id="B-2")


# --- the nightly SPIFF job -----------------------------------------------------------------------------


def legacy_spiff(code: str, metric: str, ops, cco) -> Spiff:
    return Spiff.objects.create(
        code=code,
        name=code,
        start=START,
        end=END,
        currency="USD",
        kind=Spiff.Kind.RULE,
        metric=metric,
        threshold=D("0"),
        amount=D("10.00"),
        per=Spiff.Per.EVENT,
        budget=D("100.00"),
        status=Spiff.Status.APPROVED,
        created_by=ops,
        proposed_by=ops,
        cco_approver=cco,
    )


def test_the_spiff_job_reports_and_skips_a_spiff_on_a_refused_metric_and_awards_the_others(ops, cco, people):
    assign_plan(make_user(Role.CSM, employee_id="Z-PLAN"))  # FY22 has a plan: its quarters may be written
    a, b = people
    login_rate(a, date(2021, 5, 1), "95")
    login_rate(b, date(2021, 5, 2), "89")  # below 90
    good = create_spiff(
        user=ops,
        code="logins-may",
        name="Logins",
        start=START,
        end=END,
        currency="USD",
        kind="rule",
        metric="login_rate",
        threshold=D("90"),
        amount="40.00",
        per="event",
        budget="100.00",
    )
    approve_spiff(spiff=propose_spiff(spiff=good, user=ops), user=cco)
    legacy_spiff("attained", "attainment", ops, cco)
    legacy_spiff("garbled", "bad code!", ops, cco)

    result = award_spiffs(today="2021-05-04")

    spiffs = result["spiffs"]
    assert spiffs["logins-may"] == {"written": 1, "funded": "40.00", "closed": 0}
    assert spiffs["attained"]["refused"].startswith("attainment is a quarter's attainment")
    assert spiffs["garbled"]["refused"].startswith("'bad code!' is no metric.")
    assert list(SpiffAward.objects.values_list("spiff__code", "employee__employee_id", "amount")) == [
        ("logins-may", "A-1", D("40.00"))
    ]


# --- the nightly points job ----------------------------------------------------------------------------


def test_the_points_job_reports_and_skips_a_rule_on_a_refused_metric_and_the_others_earn(ops, people):
    a, b = people
    login_rate(a, date(2021, 5, 1), "95")
    login_rate(b, date(2021, 5, 1), "80")
    create_points_rule(
        user=ops, code="logins", name="Logins", metric="login_rate", threshold="90", points=10, start=START
    )
    for code, metric in (("attained", "attainment"), ("unknown-kpi", "kpi.nope")):
        PointsRule.objects.create(code=code, name=code, metric=metric, threshold=D(0), points=5, start=START)

    result = earn_monthly_points(today="2021-06-01")

    refused = result.pop("refused")
    assert result == {"month": "2021-05", "lots": 1, "points": 10, "already": 0}
    assert sorted(refused) == ["attained", "unknown-kpi"]
    assert refused["attained"].startswith("attainment is a quarter's attainment")
    assert refused["unknown-kpi"].startswith("kpi.nope names no computed KPI")
    assert list(PointsEntry.objects.values_list("rule__code", "employee__employee_id", "points")) == [
        ("logins", "A-1", 10)
    ]


def test_the_earn_points_command_names_the_skipped_rule_and_fails_after_the_others_earned(
    ops, people, capsys
):
    a, _ = people
    login_rate(a, date(2021, 5, 1), "95")
    create_points_rule(
        user=ops, code="logins", name="Logins", metric="login_rate", threshold="90", points=10, start=START
    )
    PointsRule.objects.create(
        code="attained", name="A", metric="attainment", threshold=D(0), points=5, start=START
    )

    with pytest.raises(CommandError, match="Some points rules earned nothing"):
        call_command("earn_points", "--month", "2021-05")

    out, err = capsys.readouterr()
    assert "2021-05: 1 lot(s), 10 point(s) earned" in out
    assert "attained: earned nothing: attainment is a quarter's attainment" in err
    assert PointsEntry.objects.count() == 1


# --- the month-end nudges ------------------------------------------------------------------------------


def test_the_nudge_job_reports_and_skips_a_config_on_a_refused_metric_and_the_others_nudge(
    cco, people, monkeypatch
):
    monkeypatch.setattr("recognition.tasks.timezone.localdate", lambda: date(2021, 6, 1))
    low, high = people
    login_rate(low, date(2021, 5, 1), "40")
    login_rate(high, date(2021, 5, 1), "90")
    save_config(user=cco, code="logins", metric="login_rate", subject="s", message="m", task_title="t")
    NudgeConfig.objects.create(code="attained", metric="attainment", subject="s", message="m", task_title="t")

    assert month_end_nudges() == 1  # ceil(5% × 2) = 1: the lowest of login_rate

    assert list(Nudge.objects.values_list("config__code", "employee__employee_id")) == [("logins", "A-1")]
    assert list(NudgeMonth.objects.values_list("config__code", flat=True)) == ["logins"]  # not "attained"
    run = send_nudges(date(2021, 5, 1))  # again, as ops would: the refusal is named
    assert run.skipped == {"logins": "already sent"}
    assert list(run.refused) == ["attained"]
    assert run.refused["attained"].startswith("attainment is a quarter's attainment")
