"""The admin shows scorecards and versions read-only; ops loads a new version through its form."""

import pytest
from django.test import Client

from accounts.models import Role
from adoption.models import ScorecardVersion
from adoption.scorecards.loading import load_scorecard
from tests.builders import make_user

from .conftest import CORE_YAML, scorecard_yaml

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("segments")]


def signed_in(*roles):
    client = Client()
    client.force_login(make_user(*roles))
    return client


def test_an_admin_reads_scorecards_and_versions_but_cannot_change_them():
    version = load_scorecard(CORE_YAML, user=None).version
    client = signed_in(Role.ADMIN)

    listing = client.get("/admin/adoption/scorecard/")
    assert listing.status_code == 200 and "Core adoption" in listing.content.decode()
    page = client.get(f"/admin/adoption/scorecardversion/{version.pk}/change/")
    assert page.status_code == 200
    assert 'name="effective_from"' not in page.content.decode()  # read-only: no input
    assert client.post(f"/admin/adoption/scorecardversion/{version.pk}/delete/").status_code == 403


def test_ops_loads_a_new_version_from_the_admin_form():
    load_scorecard(CORE_YAML, user=None)
    client = signed_in(Role.ADMIN, Role.OPS)

    response = client.post(
        "/admin/adoption/scorecard/load/",
        {"source": scorecard_yaml(CORE_YAML, version="2", effective_from="2026-04-01")},
    )

    assert response.status_code == 302
    assert list(ScorecardVersion.objects.values_list("version", flat=True)) == [1, 2]


def test_an_admin_without_ops_is_refused_by_the_load_form():
    client = signed_in(Role.ADMIN)

    page = client.get("/admin/adoption/scorecard/load/")
    assert "needs the ops role" in page.content.decode()
    response = client.post("/admin/adoption/scorecard/load/", {"source": CORE_YAML})

    assert response.status_code == 200
    assert "managing scorecards needs the ops role" in response.content.decode()
    assert not ScorecardVersion.objects.exists()
