"""The recognition pages show the service's refusal of a metric on the form's metric field (a message on
the wall of fame), and write nothing (docs/incentives.md "Pages"). ``attainment`` is the name a metric
code's shape lets through and the one reader refuses."""

from datetime import date

import pytest

from recognition.models import ContestEvent, NudgeConfig, WallSetting
from recognition.services.contests import create_contest, start_contest

from .conftest import END, START

pytestmark = pytest.mark.django_db
REFUSAL = "attainment is a quarter&#x27;s attainment"  # as the page escapes it


def test_a_nudge_config_on_attainment_is_refused_on_its_metric_field(client, cco):
    client.force_login(cco)
    response = client.post(
        "/recognition/nudges/new/",
        {
            "code": "logins",
            "metric": "attainment",
            "geo": "",
            "subject": "Your $metric in $month",
            "message": "Hello $name",
            "task_title": "Prepare a demo",
            "enabled": "on",
        },
    )
    assert response.status_code == 400
    (error,) = response.context["form"].errors["metric"]
    assert error.startswith("attainment is a quarter's attainment") and "kpi.dau_mau" in error
    assert REFUSAL in response.content.decode()
    assert not NudgeConfig.objects.exists()


def test_events_from_attainment_are_refused_on_the_metric_field(client, ops, csm):
    contest = create_contest(
        user=ops, code="clean-may", name="Clean May", start=START, end=END, participants="list", people=[csm]
    )
    start_contest(contest=contest, user=ops)
    client.force_login(ops)
    response = client.post(
        "/recognition/contests/clean-may/events/from-metric/",
        {"metric": "attainment", "points_per_unit": "-5", "as_of": date(2021, 5, 31).isoformat()},
    )
    assert response.status_code == 400
    (error,) = response.context["metric_form"].errors["metric"]
    assert error.startswith("attainment is a quarter's attainment")
    assert not ContestEvent.objects.exists()


def test_the_needs_attention_list_on_attainment_is_refused_naming_it(client, cco):
    client.force_login(cco)
    html = client.post(
        "/recognition/fame/needs-attention/", {"enabled": "1", "metric": "attainment"}, follow=True
    ).content.decode()
    assert REFUSAL in html  # on the form's metric field (commissions.forms.MetricCodeField)
    setting = WallSetting.objects.filter(pk=1).first()
    assert setting is None or not setting.needs_attention
