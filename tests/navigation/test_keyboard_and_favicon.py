"""Every page starts with a skip link to its content, which it can receive focus at, and names a favicon
served from our own static files (no request to the internet)."""

import pytest

from accounts.models import Role
from tests.builders import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/accounts/login/", "/"])
def test_every_page_starts_with_a_skip_link_to_its_content(client, url):
    client.force_login(make_user(Role.CSM))

    html = client.get(url, follow=True).content.decode()

    body = html[html.index("<body>") :]
    assert body.index('class="skip-link" href="#main"') < body.index("<header>")
    assert '<main id="main" tabindex="-1">' in html


def test_the_favicon_is_our_own_static_file(client):
    from django.contrib.staticfiles import finders

    html = client.get("/accounts/login/").content.decode()

    assert 'rel="icon" href="/static/favicon.svg"' in html
    assert finders.find("favicon.svg")
