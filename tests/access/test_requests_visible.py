"""requests_visible_to and inquiries_visible_to (DESIGN §1, §5)."""

import pytest
from django.utils import timezone

from accounts.models import Role
from adoption.models import Ownership
from approvals.access import inquiries_visible_to, requests_visible_to
from tests.builders import make_user

pytestmark = pytest.mark.django_db


def request_customers(queryset) -> set[str]:
    return set(queryset.values_list("customer__customer_id", flat=True))


def inquiry_authors(queryset) -> set[str]:
    return set(queryset.values_list("employee__email", flat=True))


class TestRequests:
    @pytest.fixture(autouse=True)
    def _requests(self, requests_by_customer):
        pass

    def test_csm_sees_requests_about_their_current_book(self, csm):
        assert request_customers(requests_visible_to(csm)) == {"ACME"}

    def test_csm_loses_sight_of_a_request_when_the_customer_moves(self, csm, other_csm, acme):
        Ownership.objects.create(customer=acme, employee=other_csm, start_date=timezone.localdate())

        assert request_customers(requests_visible_to(csm)) == set()
        assert request_customers(requests_visible_to(other_csm)) == {"ACME", "GLOBEX"}

    def test_csvp_sees_the_requests_of_their_geo_whoever_filed_them(self, csvp, emea_csvp):
        assert request_customers(requests_visible_to(csvp)) == {"ACME", "GLOBEX"}
        assert request_customers(requests_visible_to(emea_csvp)) == {"INITECH"}

    @pytest.mark.parametrize("persona", ["cco", "finance", "ops", "admin"])
    def test_roles_that_see_everything_see_every_request(self, persona, request):
        assert request_customers(requests_visible_to(request.getfixturevalue(persona))) == {
            "ACME",
            "GLOBEX",
            "INITECH",
        }

    def test_user_without_a_role_sees_no_request(self, nobody):
        assert request_customers(requests_visible_to(nobody)) == set()

    def test_inactive_user_sees_no_request(self, inactive):
        assert request_customers(requests_visible_to(inactive)) == set()

    def test_csm_and_csvp_sees_the_geo(self):
        both = make_user(Role.CSM, Role.CSVP, geo="EMEA")

        assert request_customers(requests_visible_to(both)) == {"INITECH"}


class TestInquiries:
    @pytest.fixture(autouse=True)
    def _inquiries(self, inquiries_by_employee):
        pass

    def test_csm_sees_only_their_own_inquiries(self, csm):
        assert inquiry_authors(inquiries_visible_to(csm)) == {"csm@example.com"}

    def test_csvp_sees_the_inquiries_of_their_geo(self, csvp, emea_csvp):
        assert inquiry_authors(inquiries_visible_to(csvp)) == {"csm@example.com", "other.csm@example.com"}
        assert inquiry_authors(inquiries_visible_to(emea_csvp)) == {"emea.csm@example.com"}

    @pytest.mark.parametrize("persona", ["cco", "finance", "ops", "admin"])
    def test_roles_that_see_everything_see_every_inquiry(self, persona, request):
        assert inquiry_authors(inquiries_visible_to(request.getfixturevalue(persona))) == {
            "csm@example.com",
            "other.csm@example.com",
            "emea.csm@example.com",
        }

    def test_user_without_a_role_sees_no_inquiry(self, nobody):
        assert inquiry_authors(inquiries_visible_to(nobody)) == set()

    def test_inactive_user_sees_no_inquiry(self, inactive):
        assert inquiry_authors(inquiries_visible_to(inactive)) == set()
