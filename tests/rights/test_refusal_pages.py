"""A refused page says why and offers the way back (templates/403.html), as the API's refusals do."""

import pytest

from accounts.models import Role
from tests.builders import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        ("/team/", "The team page is for Geo VPs, the CCO, finance and operations."),
        ("/company/", "The company page is for the CCO, finance, operations and admins."),
        ("/console/", "Only operations, the CCO, finance and admins see the quarter console."),
        ("/audit/", "The audit trail is for ops, finance, the CCO and admins."),
        (
            "/requests/new/",
            "may not file requests. Only a Geo VP (csvp) files exception and extra-credit requests.",
        ),
    ],
)
def test_a_csm_refused_a_page_is_told_why(client, url, sentence):
    client.force_login(make_user(Role.CSM, email="casey@example.com"))

    response = client.get(url)

    assert response.status_code == 403
    body = response.content.decode()
    assert sentence in body
    assert "<p></p>" not in body
    assert 'href="/">Back to your home page</a>' in body


def test_a_cco_refused_closing_a_quarter_is_told_why(client):
    client.force_login(make_user(Role.CCO, geo="", email="chief@example.com"))

    response = client.post("/console/close/", {"period": "FY22-Q2"})

    assert response.status_code == 403
    body = response.content.decode()
    assert "chief@example.com may not close a quarter: closing a quarter needs the ops role." in body
    assert 'href="/">Back to your home page</a>' in body
