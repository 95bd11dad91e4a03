"""The inquiry form checks what a link prefills and what is sent: a quarter that does not exist or is not
offered, a customer outside the CSM's books, an over-long or control-character text give a clear error —
said on the form shown without the unusable value (a GET), or a refusal (400, a POST) — never a 500, and
nothing is written (docs/design.md §5 "Inquiries")."""

import pytest

from approvals.models import Inquiry
from commissions.models import Period
from tests.builders import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def asking(client, e1):
    client.force_login(e1)
    return client


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"period": "FY99-Q9", "component": "NRR"}, "FY99-Q9 is not a quarter to ask about; choose one of"),
        ({"period": "next quarter", "component": "NRR"}, "next quarter is not a quarter to ask about"),
        ({"period": "FY30-Q1", "component": "NRR"}, "FY30-Q1 is not a quarter to ask about"),
        (
            {"period": "FY22-Q2", "component": "N" * 65},
            "The statement line (component code) given is over 64",
        ),
        ({"period": "FY22-Q2", "component": "NRR", "message": "Why\x07?"}, "holds a control character"),
        ({"period": "FY22-Q2", "message": "x" * 2001}, "The question given is over 2,000 characters"),
    ],
)
def test_a_prefill_that_cannot_be_used_is_said_on_the_page(asking, query, error):
    response = asking.get("/requests/inquiries/new/", query)
    assert response.status_code == 200 and 'id="prefill-errors"' in response.content.decode()
    assert error in response.content.decode()
    assert not Period.objects.filter(code="FY30-Q1").exists()  # a GET creates no quarter


def test_a_prefilled_customer_outside_the_csms_books_is_refused(asking, other_csm):
    make_customer("C9", name="Someone Else's", owner=other_csm)
    response = asking.get("/requests/inquiries/new/", {"period": "FY22-Q2", "customer": "C9"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "C9 is not a customer of your book, now or at the quarter&#x27;s end." in page
    assert 'value="C9"' not in page  # the unusable value is dropped from the form


def test_a_sound_prefill_shows_the_form_filled(asking):
    response = asking.get(
        "/requests/inquiries/new/", {"period": "FY22-Q2", "customer": "C1", "message": "About C1: "}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="prefill-errors"' not in page
    assert '<option value="C1" selected>' in page and "About C1: </textarea>" in page


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"period": "FY99-Q9", "component": "NRR"}, "FY99"),
        ({"period": "FY30-Q1", "component": "NRR"}, "FY30"),
        ({"period": "FY22-Q2", "customer": "C9"}, "C9 is not a customer of your book"),
        ({"period": "FY22-Q2", "component": "NRR", "message": "Why is this \x1b so low?"}, "U+001B"),
        ({"period": "FY22-Q2", "component": "NRR", "message": "Why is this \x00 so low?"}, "Null characters"),
        ({"period": "FY22-Q2", "component": "NRR", "message": "y" * 2001}, "at most 2000 characters"),
    ],
)
def test_a_bad_question_is_refused_with_its_reason(asking, other_csm, data, error):
    make_customer("C9", owner=other_csm)
    response = asking.post("/requests/inquiries/new/", {"message": "Why is this line so low?", **data})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Inquiry.objects.exists()
    assert not Period.objects.filter(code="FY30-Q1").exists()
