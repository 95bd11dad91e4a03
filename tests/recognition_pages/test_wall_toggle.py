"""The CCO switches the wall of fame's needs-attention list from /recognition/fame/ (docs/incentives.md
"Wall of fame"): on with its metric, off; switched on without a metric it is refused with a message."""

import pytest

from recognition.models import WallSetting

pytestmark = pytest.mark.django_db
URL = "/recognition/fame/needs-attention/"


def test_the_cco_switches_the_list_on_and_off(client, people):
    cco = people["cco"]
    client.force_login(cco)
    page = client.get("/recognition/fame/").content.decode()
    assert "Needs-attention list: off" in page and 'id="needs-attention"' not in page
    assert not WallSetting.objects.exists()  # showing the page wrote nothing

    on = client.post(URL, {"enabled": "1", "metric": "login_rate"}, follow=True).content.decode()
    assert "The needs-attention list is on: the bottom 5% of login_rate last month." in on
    assert "Needs-attention list: on (login_rate)" in on
    assert 'id="needs-attention"' in on  # the CCO is a manager: the list shows
    setting = WallSetting.objects.get()
    assert (setting.needs_attention, setting.attention_metric, setting.changed_by) == (
        True,
        "login_rate",
        cco,
    )

    off = client.post(URL, {"enabled": "0"}, follow=True).content.decode()
    assert "The needs-attention list is off." in off and 'id="needs-attention"' not in off
    assert WallSetting.objects.get().needs_attention is False


def test_switching_on_without_a_metric_is_refused_and_changes_nothing(client, people):
    client.force_login(people["cco"])
    html = client.post(URL, {"enabled": "1", "metric": ""}, follow=True).content.decode()
    assert "The needs-attention list names the metric whose bottom performers it lists." in html
    setting = WallSetting.objects.filter(pk=1).first()
    assert setting is None or not setting.needs_attention


def test_a_bad_metric_code_is_named(client, people):
    client.force_login(people["cco"])
    html = client.post(URL, {"enabled": "1", "metric": "Login Rate"}, follow=True).content.decode()
    assert "is no metric. A rule reads a code of the person_metrics import" in html
    assert not WallSetting.objects.exists()


def test_the_toggle_is_a_post(client, people):
    client.force_login(people["cco"])
    assert client.get(URL).status_code == 405
