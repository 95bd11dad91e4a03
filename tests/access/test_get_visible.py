"""get_visible: an object outside a person's scope is a 404, its existence not revealed (DESIGN §1)."""

import pytest
from django.http import Http404

from accounts.access import get_visible
from adoption.access import customers_visible_to
from approvals.access import requests_visible_to
from commissions.access import payouts_visible_to

pytestmark = pytest.mark.django_db


def test_returns_the_object_in_scope(csm, acme, customers):
    assert get_visible(customers_visible_to(csm), customer_id="ACME") == acme


def test_object_outside_scope_is_404(csm, customers):
    with pytest.raises(Http404):
        get_visible(customers_visible_to(csm), customer_id="GLOBEX")


def test_object_outside_scope_and_missing_object_look_the_same(csm, customers):
    with pytest.raises(Http404) as outside:
        get_visible(customers_visible_to(csm), customer_id="INITECH")
    with pytest.raises(Http404) as missing:
        get_visible(customers_visible_to(csm), customer_id="NO-SUCH-CUSTOMER")

    assert str(outside.value) == str(missing.value)


def test_other_geo_request_is_404_for_a_csvp(csvp, requests_by_customer):
    amer, emea = requests_by_customer["ACME"], requests_by_customer["INITECH"]

    assert get_visible(requests_visible_to(csvp), pk=amer.pk) == amer
    with pytest.raises(Http404):
        get_visible(requests_visible_to(csvp), pk=emea.pk)


def test_someone_elses_payout_is_404_for_a_csm(csm, published):
    other = published.payouts.exclude(employee=csm).first()

    with pytest.raises(Http404):
        get_visible(payouts_visible_to(csm), pk=other.pk)
    assert get_visible(payouts_visible_to(csm), run=published).employee == csm


def test_user_without_a_role_gets_404_for_everything(nobody, customers):
    with pytest.raises(Http404):
        get_visible(customers_visible_to(nobody), customer_id="ACME")
