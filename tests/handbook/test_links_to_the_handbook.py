"""The handbooks are reachable from where people work (docs/handbook.md "Where it is"): the header and the
home page link /handbook/ for every role, and a CSM's quarter page links each of their plans' handbooks
for the quarter shown."""

import pytest

from commissions.services.periods import get_period

from .conftest import PAGE

pytestmark = pytest.mark.django_db


def test_the_quarter_page_links_each_plans_handbook_for_the_quarter(client, e1):
    get_period("FY22-Q2")  # the quarter page shows quarters that exist; reading one creates none
    client.force_login(e1)

    response = client.get("/my/", {"period": "FY22-Q2"})

    assert response.status_code == 200
    link = f'href="{PAGE}?period=FY22-Q2"'
    assert link in response.content.decode()
    assert client.get(f"{PAGE}?period=FY22-Q2").status_code == 200  # the link opens for them


def test_the_header_and_home_page_link_the_handbooks_which_list_the_persons_plan(client, e1):
    client.force_login(e1)

    home = client.get("/")

    assert "/handbook/" in {place.url for place in home.context["places"]}
    assert '<a href="/handbook/">Handbooks</a>' in home.content.decode()
    assert f'href="{PAGE}"' in client.get("/handbook/").content.decode()
