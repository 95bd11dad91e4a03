"""A quarter nothing happened in yet is shown by the console without creating it (DESIGN §5: pages never
create a quarter on a GET); its pull, a write, starts it. The picker offers every quarter a plan covers."""

import pytest

from accounts.models import Role
from commissions.models import Period
from commissions.services.plans import load_plan
from tests.builders import make_user
from tests.quarter.conftest import WORKED

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(db):
    return load_plan(source=(WORKED / "plan.yaml").read_text(), file_name="plan.yaml")


def test_a_quarter_with_no_row_is_shown_without_creating_it(as_user, ops, plan):
    response = as_user(ops).get("/console/?period=FY22-Q2")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was pulled, calculated or filed for FY22-Q2 yet." in html
    assert 'id="pull-scores"' in html
    assert not Period.objects.exists()


def test_the_default_quarter_is_not_created_by_opening_the_console(as_user, ops):
    assert as_user(ops).get("/console/").status_code == 200
    assert not Period.objects.exists()


def test_the_picker_offers_every_begun_quarter_a_plan_covers(as_user, ops, plan):
    codes = as_user(ops).get("/console/").context["codes"]

    assert {"FY22-Q1", "FY22-Q2", "FY22-Q3", "FY22-Q4"} <= set(codes)


def test_the_pull_of_a_shown_quarter_starts_it(as_user, ops, plan):
    response = as_user(ops).post("/console/pull/", {"period": "FY22-Q2"}, follow=True)

    assert Period.objects.filter(code="FY22-Q2").exists()
    assert "Pulled the scores of 0 customers for FY22-Q2." in response.content.decode()


def test_a_quarter_no_plan_covers_says_so_and_offers_no_pull(as_user, ops, plan):
    html = as_user(ops).get("/console/?period=FY30-Q1").content.decode()

    assert "No plan covers FY30-Q1" in html and "Load the plan of its fiscal year first." in html
    assert 'id="pull-scores"' not in html
    assert not Period.objects.exists()


def test_a_reader_without_the_pull_right_sees_no_pull_button(as_user, plan):
    cco = make_user(Role.CCO)

    html = as_user(cco).get("/console/?period=FY22-Q2").content.decode()

    assert 'id="pull-scores"' not in html
