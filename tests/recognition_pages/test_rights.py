"""Who opens which recognition page (accounts.access): ops and the CCO run contests; the CCO and ops read
the nudges, the CCO alone changes them and the wall's needs-attention list; everyone else gets a 403 (and a
contest outside their scope a 404). A refused step writes nothing."""

import pytest

from recognition.models import Contest, NudgeConfig, WallSetting
from recognition.services.contests import start_contest

from .conftest import ROLES, draft_contest, logins_config

pytestmark = pytest.mark.django_db

RUN_CONTESTS = {"ops", "cco"}
SEE_NUDGES = {"ops", "cco"}
CONFIGURE = {"cco"}


def _status(client, person, method: str, url: str, data=None) -> int:
    client.force_login(person)
    return getattr(client, method)(url, data or {}).status_code


@pytest.mark.parametrize("role", ROLES)
def test_only_ops_and_the_cco_open_the_new_contest_form(client, people, role):
    expected = 200 if role in RUN_CONTESTS else 403
    assert _status(client, people[role], "get", "/recognition/contests/new/") == expected


@pytest.mark.parametrize("role", ROLES)
def test_only_ops_and_the_cco_start_a_contest_everyone_in_scope_reads_it(client, people, role):
    contest = draft_contest(people["ops"])  # all CSMs: every role here is in its scope
    client.force_login(people[role])
    page = client.get("/recognition/contests/clean-data-may/")
    assert page.status_code == 200
    offers_start = 'action="/recognition/contests/clean-data-may/start/"' in page.content.decode()
    assert offers_start == (role in RUN_CONTESTS)

    status = _status(client, people[role], "post", "/recognition/contests/clean-data-may/start/")

    contest.refresh_from_db()
    if role in RUN_CONTESTS:
        assert (status, contest.status) == (302, Contest.Status.ACTIVE)
    else:
        assert (status, contest.status) == (403, Contest.Status.DRAFT)


@pytest.mark.parametrize("role", ROLES)
def test_only_ops_and_the_cco_enter_events_and_finish(client, people, role):
    contest = start_contest(contest=draft_contest(people["ops"]), user=people["ops"])
    event = {"employee": people["csm"].pk, "day": "2021-05-03", "points": "-5", "reason": "slip"}
    event |= {"metric": "demerits", "points_per_unit": "-5"}  # the from-metric form's fields
    urls = ("events/", "events/from-metric/", "finish/")
    statuses = [
        _status(client, people[role], "post", f"/recognition/contests/clean-data-may/{u}", event)
        for u in urls
    ]
    contest.refresh_from_db()
    if role in RUN_CONTESTS:
        assert statuses == [302, 302, 302]
        assert contest.events.count() == 1 and contest.status == Contest.Status.FINISHED
    else:
        assert statuses == [403, 403, 403]
        assert not contest.events.exists()
        assert contest.status == Contest.Status.ACTIVE


def test_a_contest_outside_the_scope_is_a_404_even_for_its_buttons(client, people):
    draft_contest(people["ops"], participants="geo", geo="EMEA")
    client.force_login(people["csm"])  # a CSM of AMER
    assert client.get("/recognition/contests/clean-data-may/").status_code == 404
    assert client.post("/recognition/contests/clean-data-may/start/").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_the_cco_and_ops_read_the_nudges_others_are_refused(client, people, role):
    logins_config(people["cco"])
    status = _status(client, people[role], "get", "/recognition/nudges/")
    assert status == (200 if role in SEE_NUDGES else 403)
    if role in SEE_NUDGES:
        html = client.get("/recognition/nudges/").content.decode()
        assert ('href="/recognition/nudges/logins/"' in html) == (role in CONFIGURE)
        assert ('href="/recognition/nudges/new/"' in html) == (role in CONFIGURE)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_cco_edits_and_switches_a_nudge_config(client, people, role):
    logins_config(people["cco"])
    expected = 200 if role in CONFIGURE else 403
    assert _status(client, people[role], "get", "/recognition/nudges/new/") == expected
    assert _status(client, people[role], "get", "/recognition/nudges/logins/") == expected

    edit = {"metric": "login_rate", "subject": "Changed", "message": "Hi $name", "task_title": "A demo"}
    status = _status(client, people[role], "post", "/recognition/nudges/logins/", edit)
    switched = _status(client, people[role], "post", "/recognition/nudges/logins/switch/", {"enabled": "0"})

    config = NudgeConfig.objects.get()
    if role in CONFIGURE:
        assert (status, switched) == (302, 302)
        assert (config.subject, config.enabled) == ("Changed", False)
    else:
        assert (status, switched) == (403, 403)
        assert (config.subject, config.enabled) == ("Your $metric in $month", True)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_cco_switches_the_needs_attention_list(client, people, role):
    data = {"enabled": "1", "metric": "login_rate"}
    status = _status(client, people[role], "post", "/recognition/fame/needs-attention/", data)
    html = client.get("/recognition/fame/").content.decode()
    setting = WallSetting.objects.filter(pk=1).first()
    if role in CONFIGURE:
        assert status == 302
        assert setting.needs_attention and setting.attention_metric == "login_rate"
        assert 'id="needs-attention-setting"' in html
    else:
        assert status == 403
        assert setting is None or not setting.needs_attention
        assert 'id="needs-attention-setting"' not in html


def test_signed_out_people_are_sent_to_sign_in(client, people):
    draft_contest(people["ops"])
    for url in ("/recognition/contests/new/", "/recognition/nudges/", "/recognition/nudges/new/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert client.post("/recognition/contests/clean-data-may/start/").status_code == 302
    assert Contest.objects.get().status == Contest.Status.DRAFT
