"""A 404 or 403 page says why in a sentence and offers the way back — with DEBUG on too, where Django
would show its technical page listing every URL pattern (config/middleware.py); the API keeps its JSON."""

import pytest
from django.test import RequestFactory, override_settings
from django.utils import timezone
from django.views.defaults import server_error

from accounts.models import Role
from commissions.services.periods import get_period
from core.fiscal import calendar
from tests.builders import make_user

pytestmark = pytest.mark.django_db

HOME_LINK = 'href="/">Back to your home page</a>'
VAGUE = "There is nothing at this address, or it is not yours to see."
DEBUG_MODES = [pytest.param(True, id="debug-on"), pytest.param(False, id="debug-off")]
OUT_OF_SCOPE = [
    "/my/E1009/statements/3/",
    "/requests/99999/",
    "/my/?period=FY27-Q9",
    "/my/E9999/",
    "/console/imports/jobs/abc/",  # matches no route: Resolver404, raised before any view
]


def _friendly_404(response) -> str:
    body = response.content.decode()
    assert response.status_code == 404
    assert "URLconf" not in body
    assert "<h1>Not found</h1>" in body
    assert HOME_LINK in body
    return body


@pytest.mark.parametrize("debug", DEBUG_MODES)
@pytest.mark.parametrize("url", OUT_OF_SCOPE)
def test_a_page_out_of_reach_answers_the_friendly_404(client, url, debug):
    client.force_login(make_user(Role.CSM, Role.OPS))
    with override_settings(DEBUG=debug):
        _friendly_404(client.get(url))


@pytest.mark.parametrize("debug", DEBUG_MODES)
def test_another_persons_page_stays_vague_about_why(client, debug):
    client.force_login(make_user(Role.CSM))
    with override_settings(DEBUG=debug):
        for url in ("/my/E9999/", "/requests/99999/", "/my/E1009/statements/3/"):
            assert VAGUE in _friendly_404(client.get(url)), url


@pytest.mark.parametrize("debug", DEBUG_MODES)
def test_a_path_matching_no_route_answers_the_friendly_404_signed_out_too(client, debug):
    with override_settings(DEBUG=debug):
        body = _friendly_404(client.get("/no-such-page/"))
    assert VAGUE in body
    assert 'href="/accounts/login/">Sign in</a>' in body


def test_the_404_page_links_back_to_the_previous_page_of_this_site_only(client):
    client.force_login(make_user(Role.CSM))
    with override_settings(DEBUG=True):
        here = client.get("/my/E9999/", HTTP_REFERER="http://testserver/requests/")
        elsewhere = client.get("/my/E9999/", HTTP_REFERER="https://elsewhere.example/page/")
    assert 'href="http://testserver/requests/">Back to the previous page</a>' in _friendly_404(here)
    assert "Back to the previous page" not in _friendly_404(elsewhere)


@pytest.mark.parametrize("debug", DEBUG_MODES)
@pytest.mark.parametrize(
    ("code", "sentence"),
    [
        ("FY27-Q9", "“FY27-Q9” is not a quarter: write it like FY27-Q1."),
        ("bogus", "“bogus” is not a quarter: write it like FY27-Q1."),
        ("FY99-Q4", "There is no quarter FY99-Q4 here."),
    ],
)
def test_a_bad_quarter_code_on_my_page_says_what_is_wrong(client, code, sentence, debug):
    csm = make_user(Role.CSM)
    client.force_login(csm)
    with override_settings(DEBUG=debug):
        assert sentence in _friendly_404(client.get("/my/", {"period": code}))
        client.force_login(make_user(Role.CCO, geo=""))
        assert sentence in _friendly_404(client.get(f"/my/{csm.employee_id}/", {"period": code}))


def test_a_quarter_not_started_yet_on_my_page_is_a_friendly_404(client):
    upcoming = get_period(calendar().period_of(timezone.localdate()).next().code)
    client.force_login(make_user(Role.CSM))
    with override_settings(DEBUG=True):
        body = _friendly_404(client.get("/my/", {"period": upcoming.code}))
    assert f"{upcoming.code} has not started yet" in body


@pytest.mark.parametrize(("role", "url"), [(Role.CSVP, "/team/"), (Role.CCO, "/company/")])
@pytest.mark.parametrize("code", ["FY27-Q9", "bogus"])
def test_team_and_company_pages_answer_a_bad_quarter_with_the_friendly_404(client, role, url, code):
    # docs/design.md §6: /team/ and /company/ take ?period= (their quarter picker) like /my/.
    client.force_login(make_user(role, geo="AMER"))
    with override_settings(DEBUG=True):
        body = _friendly_404(client.get(url, {"period": code}))
    assert "URLconf" not in body
    assert f"“{code}” is not a quarter" in body or f"There is no quarter {code} here." in body


@pytest.mark.parametrize("debug", DEBUG_MODES)
def test_a_role_refused_the_console_is_told_why_and_the_way_back(client, debug):
    client.force_login(make_user(Role.CSM))
    with override_settings(DEBUG=debug):
        response = client.get("/console/", HTTP_REFERER="http://testserver/my/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Not allowed</h1>" in body
    assert "Only operations, the CCO, finance and admins see the quarter console." in body
    assert HOME_LINK in body
    assert 'href="http://testserver/my/">Back to the previous page</a>' in body


@pytest.mark.parametrize("debug", DEBUG_MODES)
@pytest.mark.parametrize("url", ["/api/customers/NO-SUCH-CUSTOMER/", "/api/no-such-endpoint/"])
def test_the_apis_404_stays_json(client, url, debug):
    client.force_login(make_user(Role.OPS))
    with override_settings(DEBUG=debug):
        response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"


def test_the_500_page_says_something_went_wrong_without_a_request_context():
    response = server_error(RequestFactory().get("/my/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in body
    assert HOME_LINK in body


@pytest.mark.parametrize(
    ("url", "json"), [pytest.param("/api/employees/", True, id="api"), pytest.param("/my/", False, id="page")]
)
def test_an_unexpected_failure_answers_500_in_the_shape_of_its_side(url, json, monkeypatch, client):
    """An exception no view expected: JSON in the API's error shape under /api/, the 500 page elsewhere."""
    from django.test import Client

    from api.people_views import EmployeeViewSet
    from dashboards.csm import selectors as csm_selectors

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(EmployeeViewSet, "scoped", fail)
    monkeypatch.setattr(csm_selectors, "csms_visible_to", fail)
    user = make_user(Role.OPS, email="someone@example.com")
    browser = Client(raise_request_exception=False)
    browser.force_login(user)
    response = browser.get(url)
    assert response.status_code == 500
    if json:
        assert response.json()["error"]["code"] == "server_error"
        assert "the error is logged" in response.json()["error"]["message"]
    else:
        assert "<h1>Something went wrong</h1>" in response.content.decode()


def test_a_failure_outside_any_api_view_still_answers_json():
    """A middleware's failure on an /api/ path reaches handler500, which keeps the API's shape."""
    from config.middleware import server_error as handler

    response = handler(RequestFactory().get("/api/employees/"))
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert b'"code": "server_error"' in response.content
