"""A closed quarter on "My quarter" (DESIGN §5 "Publishing"): its statements are published and linked; its
figures are not labelled as estimates, which only an open quarter's projections are."""

import pytest

from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores

pytestmark = pytest.mark.django_db


def test_a_closed_quarter_links_its_published_statements(client, worked, worked_run):
    client.force_login(worked)

    page = client.get("/my/?period=FY22-Q2").content.decode()

    notice = page[page.index('id="published-statements"') :]
    notice = notice[: notice.index("</p>")]
    assert "FY22-Q2 is closed: its statements are published" in notice
    assert f'href="/my/statements/{worked_run.pk}/"' in notice and "2,333.33 USD" in notice
    assert "estimates, not statements" not in page and "projected (an estimate)" not in page


def test_someone_else_opening_the_csms_closed_quarter_gets_their_links(client, worked, worked_run, ops):
    client.force_login(ops)

    page = client.get("/my/E1/?period=FY22-Q2").content.decode()

    assert f'href="/my/E1/statements/{worked_run.pk}/"' in page


def test_an_open_quarter_labels_its_projections_as_estimates(client, worked, ops):
    pull_scores(period=get_period("FY22-Q2"), user=ops)
    client.force_login(worked)

    page = client.get("/my/?period=FY22-Q2").content.decode()

    assert "estimates, not statements" in page and "projected (an estimate)" in page
    assert 'id="published-statements"' not in page
