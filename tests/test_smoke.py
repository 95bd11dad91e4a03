import pytest


@pytest.mark.django_db
def test_home_page_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/landing/"


@pytest.mark.django_db
def test_login_page_renders(client):
    response = client.get("/accounts/login/?next=/")

    assert response.status_code == 200
    assert b"Attain" in response.content
