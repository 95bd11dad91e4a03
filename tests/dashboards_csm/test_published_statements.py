"""A CSM reads a quarter's statement once the quarter is closed (DESIGN §5: closing publishes them)."""

import pytest

from accounts.models import Role
from commissions.models import Plan
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from commissions.services.runs import calculate
from tests.builders import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_run(worked, ops):
    """The worked example pulled and calculated; the quarter still open."""
    period = get_period("FY22-Q2")
    pull_scores(period=period, user=ops)
    return calculate(period=period, plan=Plan.objects.get(), user=ops).run


def test_a_csm_gets_404_for_the_statement_of_an_open_quarters_run(client, worked, open_run):
    client.force_login(worked)

    assert client.get(f"/my/statements/{open_run.pk}/").status_code == 404
    assert client.get(f"/my/E1/statements/{open_run.pk}/").status_code == 404
    page = client.get("/my/?period=FY22-Q2").content.decode()
    assert f"/my/statements/{open_run.pk}/" not in page  # no link to an unpublished statement
    assert "estimates, not statements" in page  # the projection says what it is


def test_a_csm_reads_the_statement_once_the_quarter_is_closed(client, worked, worked_run):
    client.force_login(worked)

    response = client.get(f"/my/statements/{worked_run.pk}/")

    assert response.status_code == 200 and "2,333.33" in response.content.decode()
    assert f"/my/statements/{worked_run.pk}/" in client.get("/my/?period=FY22-Q2").content.decode()


def test_the_geo_vp_and_ops_read_an_open_quarters_statement(client, worked, open_run):
    for person in (make_user(Role.CSVP, geo="AMER"), make_user(Role.OPS, geo="")):
        client.force_login(person)
        assert client.get(f"/my/E1/statements/{open_run.pk}/").status_code == 200


def test_a_csm_who_is_also_the_geo_vp_reads_open_statements_of_the_geo(client, worked, open_run):
    client.force_login(make_user(Role.CSM, Role.CSVP, geo="AMER"))

    assert client.get(f"/my/E1/statements/{open_run.pk}/").status_code == 200
