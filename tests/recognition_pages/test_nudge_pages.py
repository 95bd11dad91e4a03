"""/recognition/nudges/ (docs/incentives.md "Nudges for the bottom 5%"): the CCO writes a config's e-mail
and task and switches it on or off; a bad text is named on the form and nothing changes; the record shows
each nudge's month, person, value, rank, whether it was e-mailed and its task."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role, User
from commissions.services.person_metrics import values_from
from recognition.models import Nudge, NudgeConfig
from recognition.services.nudges import mark_emailed, send_nudges
from tests.builders import make_user

from .conftest import logins_config

pytestmark = pytest.mark.django_db
D = Decimal
URL = "/recognition/nudges/"


def _config_form(**changes) -> dict:
    return {
        "code": "logins",
        "metric": "login_rate",
        "geo": "",
        "subject": "Your $metric in $month",
        "message": "Hello $name, your $metric in $month was $value. Task: $task",
        "task_title": "Prepare a 5-minute demo of a feature",
        "enabled": "on",
    } | changes


def test_the_cco_makes_a_config_and_edits_its_text(client, people):
    cco = people["cco"]
    client.force_login(cco)
    response = client.post(f"{URL}new/", _config_form(geo="AMER"))
    assert response.status_code == 302 and response["Location"] == URL
    config = NudgeConfig.objects.get()
    assert (config.metric, config.geo, config.enabled, config.changed_by) == ("login_rate", "AMER", True, cco)

    form = client.get(f"{URL}logins/").content.decode()
    assert "Hello $name, your $metric" in form and "disabled" in form  # the code stays

    edited = _config_form(code="renamed", subject="About last month", task_title="Shadow a top CSM")
    assert client.post(f"{URL}logins/", edited).status_code == 302
    config = NudgeConfig.objects.get()  # the code is not renamed: still one config, "logins"
    assert (config.code, config.subject, config.task_title) == (
        "logins",
        "About last month",
        "Shadow a top CSM",
    )
    page = client.get(URL).content.decode()
    assert "About last month" in page and "Saved the nudge config logins." in page


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"message": "Hello $nom"}, "The message uses an unknown or broken placeholder"),
        ({"message": "Costs 5$"}, "The message uses an unknown or broken placeholder"),
        ({"subject": ""}, "This field is required."),
        ({"metric": "Login Rate"}, "is no metric. A rule reads a code of the person_metrics import"),
        ({"metric": "attainment"}, "a daily or monthly rule cannot"),
        ({"code": "new"}, "names the page that makes one"),
    ],
)
def test_a_bad_config_is_named_on_the_form_and_nothing_changes(client, people, changes, named):
    logins_config(people["cco"], code="before")
    client.force_login(people["cco"])
    response = client.post(f"{URL}new/", _config_form(**changes))
    assert response.status_code == 400
    assert named in response.content.decode()
    assert list(NudgeConfig.objects.values_list("code", flat=True)) == ["before"]

    edit = client.post(f"{URL}before/", _config_form(**changes))
    if "code" not in changes:
        assert edit.status_code == 400 and named in edit.content.decode()
    config = NudgeConfig.objects.get()
    assert (config.subject, config.message) == (
        "Your $metric in $month",
        "Hello $name, your $metric in $month was $value. Task: $task",
    )


@pytest.mark.parametrize("metric", ["kpi.dau_mau", "scorecard_average"])
def test_a_config_may_read_a_metric_attain_knows_per_csm(client, people, metric):
    # docs/design.md §11.1: the pages accept what the one metric check accepts, built-in names too.
    client.force_login(people["cco"])
    response = client.post(f"{URL}new/", _config_form(metric=metric))
    assert response.status_code == 302
    assert NudgeConfig.objects.get().metric == metric


def test_a_new_config_does_not_overwrite_one_of_the_same_code(client, people):
    logins_config(people["cco"])
    client.force_login(people["cco"])
    response = client.post(f"{URL}new/", _config_form(subject="Other"))
    assert response.status_code == 400
    assert "A nudge config logins exists already: edit it." in response.content.decode()
    assert NudgeConfig.objects.get().subject == "Your $metric in $month"


def test_the_cco_switches_a_config_off_and_on(client, people):
    logins_config(people["cco"])
    client.force_login(people["cco"])
    off = client.post(f"{URL}logins/switch/", {"enabled": "0"}, follow=True).content.decode()
    assert "Switched logins off: it sends nothing." in off
    assert NudgeConfig.objects.get().enabled is False
    assert send_nudges(date(2021, 5, 1), metrics=values_from([])).skipped == {"logins": "switched off"}
    client.post(f"{URL}logins/switch/", {"enabled": "1"})
    assert NudgeConfig.objects.get().enabled is True


def test_an_unknown_config_is_a_404(client, people):
    client.force_login(people["cco"])
    assert client.get(f"{URL}nope/").status_code == 404
    assert client.post(f"{URL}nope/switch/", {"enabled": "0"}).status_code == 404
    assert not NudgeConfig.objects.exists()


def _nudged_may(cco) -> list[Nudge]:
    """May 2021: 21 CSMs with a login rate (50..70), one without: ceil(5% × 21) = 2 nudged."""
    logins_config(cco)
    csms = [make_user(Role.CSM, name=f"CSM {i:02d}") for i in range(22)]
    rows = [(p.pk, date(2021, 5, 10), D(50 + i)) for i, p in enumerate(csms[:21])]
    rows.append((csms[0].pk, date(2021, 5, 20), D("41")))  # CSM 00: mean (50 + 41) / 2 = 45.5
    send_nudges(date(2021, 5, 1), metrics=values_from(rows))
    return list(Nudge.objects.order_by("rank"))


def test_the_record_shows_month_person_value_rank_emailed_and_task(client, people):
    first, second = _nudged_may(people["cco"])
    mark_emailed(first)
    client.force_login(people["ops"])  # ops reads the record too

    html = client.get(URL).content.decode()

    row = html[html.index(f'data-nudge="{first.pk}"') :]
    row = row[: row.index("</tr>")]
    for text in ("2021-05", "logins (login_rate)", "CSM 00", "45.5", "1 of 21", "Prepare a 5-minute demo"):
        assert text in row, text
    assert "Not yet" not in row
    other = html[html.index(f'data-nudge="{second.pk}"') :]
    other = other[: other.index("</tr>")]
    assert "CSM 01" in other and "51" in other and "2 of 21" in other and "Not yet" in other
    # The month decided: 21 with a value, 2 without (CSM 21 and the people fixture's CSM), 2 nudged.
    assert '<td class="num">21</td><td class="num">2</td><td class="num">2</td>' in html
    assert "Switch off" not in html  # ops reads, the CCO changes


def test_the_record_of_one_month(client, people):
    _nudged_may(people["cco"])
    client.force_login(people["cco"])
    assert client.get(URL, {"month": "2021-05"}).content.decode().count("data-nudge=") == 2
    assert "No nudge sent that month." in client.get(URL, {"month": "2021-06"}).content.decode()


def test_the_record_reads_in_a_constant_number_of_queries(client, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    _nudged_may(people["cco"])
    client.force_login(people["cco"])
    few = count()
    logins_config(people["cco"], code="quality", metric="data_quality")
    csms = User.objects.filter(roles__role=Role.CSM).order_by("pk")
    send_nudges(
        date(2021, 6, 1), metrics=values_from([(p.pk, date(2021, 6, 2), D(i)) for i, p in enumerate(csms)])
    )
    assert Nudge.objects.count() > 2
    assert count() == few
