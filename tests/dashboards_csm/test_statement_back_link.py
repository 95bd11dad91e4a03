"""A statement's "Back to the quarter" returns to the quarter it is a statement of, not the current one."""

import pytest

pytestmark = pytest.mark.django_db


def test_back_to_the_quarter_names_the_statements_quarter(client, worked, worked_run):
    client.force_login(worked)

    html = client.get(f"/my/statements/{worked_run.pk}/").content.decode()

    assert 'href="/my/?period=FY22-Q2"' in html
