"""Who may see and act on the quarter console (DESIGN §1: ops acts; cco and finance look on)."""

import pytest

from commissions.models import ScorePull

from .conftest import URL

pytestmark = pytest.mark.django_db


def test_ops_sees_the_console_with_its_actions(as_user, ops, worked):
    response = as_user(ops).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="pull-scores"' in html and 'id="calculate"' in html and 'id="close-period"' in html
    assert "Quarter console · FY22-Q2" in html


@pytest.mark.parametrize("persona", ["cco", "finance", "admin_user"])
def test_cco_finance_and_admin_see_the_console_read_only(request, as_user, worked, persona):
    response = as_user(request.getfixturevalue(persona)).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "pull-scores" not in html and 'id="calculate"' not in html and "close-period" not in html
    assert "Read-only" in html


@pytest.mark.parametrize("persona", ["csm", "csvp"])
def test_csm_and_csvp_are_refused(request, as_user, persona):
    client = as_user(request.getfixturevalue(persona))

    assert client.get("/console/").status_code == 403
    assert client.get("/console/runs/1/progress/").status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/console/")

    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_cco_cannot_pull_through_the_page(as_user, cco, worked, django_capture_on_commit_callbacks):
    client = as_user(cco)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/console/pull/", {"period": "FY22-Q2"})

    assert response.status_code == 403
    assert not ScorePull.objects.exists()
    assert client.get("/console/export/?period=FY22-Q2").status_code == 403


def test_default_quarter_is_the_last_ended_one(as_user, ops):
    from django.utils import timezone

    from core.fiscal import calendar

    response = as_user(ops).get("/console/")

    assert response.status_code == 200
    assert response.context["code"] == calendar().last_ended_before(timezone.localdate()).code
