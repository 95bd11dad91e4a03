"""Payouts, component lines and customer lines follow the employee's scope (DESIGN §1)."""

import pytest
from django.utils import timezone

from accounts.models import Role
from adoption.models import Ownership
from commissions.access import component_results_visible_to, customer_results_visible_to, payouts_visible_to
from tests.builders import make_user

pytestmark = pytest.mark.django_db

SELECTORS = [payouts_visible_to, component_results_visible_to, customer_results_visible_to]
ALL = {"csm@example.com", "other.csm@example.com", "emea.csm@example.com"}
AMER = {"csm@example.com", "other.csm@example.com"}


def employees(queryset) -> set[str]:
    return set(queryset.values_list("employee__email", flat=True))


@pytest.fixture(params=SELECTORS, ids=lambda selector: selector.__name__)
def visible_to(request, run):
    return request.param


def test_csm_sees_only_their_own_results(visible_to, csm, published):
    assert employees(visible_to(csm)) == {"csm@example.com"}


def test_csvp_sees_the_results_of_their_geo(visible_to, csvp, emea_csvp):
    assert employees(visible_to(csvp)) == AMER
    assert employees(visible_to(emea_csvp)) == {"emea.csm@example.com"}


@pytest.mark.parametrize("persona", ["cco", "finance", "ops", "admin"])
def test_roles_that_see_everything_see_every_result(visible_to, persona, request):
    assert employees(visible_to(request.getfixturevalue(persona))) == ALL


def test_user_without_a_role_sees_no_result(visible_to, nobody):
    assert employees(visible_to(nobody)) == set()


def test_inactive_user_sees_no_result(visible_to, inactive):
    assert employees(visible_to(inactive)) == set()


def test_csm_and_csvp_sees_the_geo(visible_to):
    both = make_user(Role.CSM, Role.CSVP, geo="AMER")

    assert employees(visible_to(both)) == AMER


def test_a_csm_keeps_seeing_their_payout_after_their_customer_moves(published, csm, other_csm, acme):
    """Results belong to the CSM they were calculated for, not to today's owner of the customer."""
    Ownership.objects.create(customer=acme, employee=other_csm, start_date=timezone.localdate())

    assert employees(payouts_visible_to(csm)) == {"csm@example.com"}
    assert set(customer_results_visible_to(csm).values_list("customer__customer_id", flat=True)) == {"ACME"}
