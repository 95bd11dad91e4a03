"""/incentives/spiffs/new/ (docs/incentives.md "Pages"): ops or a Geo VP drafts a SPIFF in the browser
(``create_spiff``); every bad value is named on the form and nothing is written."""

from decimal import Decimal

import pytest

from accounts.models import Role
from incentives.models import Spiff, SpiffEvent
from tests.builders import make_user

from .conftest import persona

pytestmark = pytest.mark.django_db

URL = "/incentives/spiffs/new/"


def rule_data(**changes) -> dict:
    """A good rule SPIFF: 40.00 USD per day a login rate is ≥ 90, within 1,000.00, for AMER's CSMs."""
    data = {
        "code": "logins-may",
        "name": "Logins in May",
        "description": "Log in every day.",
        "start": "2021-05-01",
        "end": "2021-05-31",
        "currency": "usd",
        "budget": "1000.00",
        "kind": "rule",
        "metric": "login_rate",
        "threshold": "90",
        "amount": "40.00",
        "per": "event",
        "eligibility": "geo",
        "geo": "AMER",
        "people": "",
    }
    return data | changes


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("ops", 200),
        ("csvp", 200),
        ("cco", 403),
        ("finance", 403),
        ("csm", 403),
        ("admin", 403),
        ("none", 403),
    ],
)
def test_who_may_open_the_new_spiff_page(client, role, status):
    client.force_login(persona(role))

    assert client.get(URL).status_code == status


def test_someone_signed_out_is_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_list_offers_new_spiff_only_to_who_may_draft_one(client):
    for role, offered in (("ops", True), ("csvp", True), ("cco", False), ("finance", False)):
        client.force_login(persona(role))
        assert ('id="new-spiff"' in client.get("/incentives/spiffs/").content.decode()) is offered, role


def test_ops_drafts_a_rule_spiff_that_shows_up_in_the_list(client, ops, csm):
    client.force_login(ops)

    response = client.post(URL, rule_data())

    assert response.status_code == 302 and response.url == "/incentives/spiffs/logins-may/"
    spiff = Spiff.objects.get()
    assert (spiff.status, spiff.kind, spiff.created_by) == ("draft", "rule", ops)
    assert (spiff.metric, spiff.threshold, spiff.amount, spiff.per) == (
        "login_rate",
        Decimal("90"),
        Decimal("40.00"),
        "event",
    )
    assert (spiff.budget, spiff.currency, spiff.eligibility, spiff.geo) == (
        Decimal("1000.00"),
        "USD",
        "geo",
        "AMER",
    )
    assert list(SpiffEvent.objects.values_list("action", flat=True)) == ["created"]
    detail = client.get(response.url).content.decode()
    assert "Drafted logins-may" in detail and 'id="propose-form"' in detail
    listing = client.get("/incentives/spiffs/").content.decode()
    row = listing[listing.index('data-spiff="logins-may"') :]
    assert "1,000.00 USD" in row.split("</tr>")[0] and "Draft" in row.split("</tr>")[0]


def test_ops_drafts_a_manual_spiff_for_named_people(client, ops):
    a = make_user(Role.CSM, employee_id="E7")
    b = make_user(Role.CSM, employee_id="E8", geo="EMEA")
    client.force_login(ops)

    data = rule_data(kind="manual", eligibility="list", geo="", people="E8, E7", threshold="", amount="")
    response = client.post(URL, data)

    assert response.status_code == 302
    spiff = Spiff.objects.get()
    assert (spiff.kind, spiff.metric, spiff.threshold, spiff.amount, spiff.per) == (
        "manual",
        "",
        None,
        None,
        "",
    )
    assert set(spiff.people.all()) == {a, b}


@pytest.mark.parametrize("metric", ["data_quality", "kpi.dau_mau", "scorecard_average"])
def test_an_imported_metric_no_row_holds_yet_and_a_built_in_one_are_metrics(client, ops, csm, metric):
    client.force_login(ops)

    assert client.post(URL, rule_data(metric=metric)).status_code == 302
    assert Spiff.objects.get().metric == metric


def test_a_geo_vp_drafts_for_their_own_geo_and_the_form_starts_there(client, csvp):
    client.force_login(csvp)
    form = client.get(URL).context["form"]
    assert (form["eligibility"].value(), form["geo"].value()) == ("geo", "AMER")

    response = client.post(URL, rule_data())

    assert response.status_code == 302
    assert Spiff.objects.get().created_by == csvp


def test_a_geo_vp_drafting_for_every_csm_is_refused_on_the_form(client, csvp):
    client.force_login(csvp)

    response = client.post(URL, rule_data(eligibility="all", geo=""))

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any("a Geo VP proposes SPIFFs for their own geo (AMER)" in e for e in errors)
    assert Spiff.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end": "2021-04-30"}, "end", "The SPIFF ends (2021-04-30) before it starts (2021-05-01)."),
        ({"start": "2021-13-01"}, "start", "Enter a valid date."),
        ({"amount": "-40.00"}, "amount", "The amount must be above 0."),
        ({"amount": "0"}, "amount", "The amount must be above 0."),
        ({"budget": "-1.00"}, "budget", "The budget must be above 0."),
        ({"budget": "10.005"}, "budget", "The budget has at most 2 decimals (cents)."),
        ({"budget": "a lot"}, "budget", "The budget must be an amount such as 1250.00."),
        ({"threshold": "-1"}, "threshold", "The threshold is 0 or more: metric values are never negative."),
        (
            {"metric": "Login Rate"},
            "metric",
            "'Login Rate' is no metric. A rule reads a code of the person_metrics import",
        ),
        ({"metric": "attainment"}, "metric", "attainment is a quarter's attainment"),
        ({"metric": "kpi.nope"}, "metric", "kpi.nope names no computed KPI"),
        ({"metric": ""}, "metric", "A rule SPIFF names its metric."),
        ({"per": ""}, "per", "A rule SPIFF pays per qualifying event or once per person."),
        ({"currency": "US$"}, "currency", "A currency is a 3-letter ISO code such as USD or EUR."),
        ({"code": "new"}, "code", "The code new is the address of a page: choose another."),
        ({"code": "logins may"}, "code", "A code holds letters, digits, - and _ only."),
        ({"geo": "MARS"}, "geo", "Select a valid choice. MARS is not one of the available choices."),
        ({"geo": ""}, "geo", "A SPIFF for a geo's CSMs names the geo."),
        (
            {"eligibility": "list", "people": ""},
            "people",
            "A SPIFF for named people lists at least one employee id.",
        ),
        (
            {"eligibility": "list", "people": "E404 E405"},
            "people",
            "No person with the employee id E404, E405 among the people you see.",
        ),
    ],
)
def test_bad_input_is_named_on_its_field_and_nothing_is_written(client, ops, changes, field, message):
    make_user(Role.CSM, geo="AMER")  # AMER is a geo somebody belongs to
    client.force_login(ops)

    response = client.post(URL, rule_data(**changes))

    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in e for e in errors), errors
    assert message.split(" (")[0].split(":")[0] in response.content.decode().replace("&#x27;", "'")
    assert Spiff.objects.count() == SpiffEvent.objects.count() == 0


def test_a_code_taken_is_named_and_the_first_spiff_is_unchanged(client, ops, csm):
    client.force_login(ops)
    client.post(URL, rule_data())

    response = client.post(URL, rule_data(name="Another", budget="5.00"))

    assert response.context["form"].errors["code"] == ["The code logins-may is taken by another SPIFF."]
    assert list(Spiff.objects.values_list("name", "budget")) == [("Logins in May", Decimal("1000.00"))]


def test_a_csm_posting_the_form_is_refused_and_nothing_is_written(client):
    client.force_login(persona("csm"))

    assert client.post(URL, rule_data()).status_code == 403
    assert Spiff.objects.count() == 0
