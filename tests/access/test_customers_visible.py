"""customers_visible_to: a CSM's current book, a Geo VP's geo, everything for the rest (DESIGN §1)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Role, User, UserRole
from adoption.access import customers_visible_to
from adoption.models import Ownership
from tests.builders import make_customer, make_user

pytestmark = pytest.mark.django_db


def codes(queryset) -> set[str]:
    return set(queryset.values_list("customer_id", flat=True))


def test_csm_sees_only_their_current_book(csm, customers):
    assert codes(customers_visible_to(csm)) == {"ACME"}


def test_customer_moved_to_another_csm_leaves_the_first_book(csm, other_csm, acme, customers):
    Ownership.objects.create(customer=acme, employee=other_csm, start_date=timezone.localdate())

    assert codes(customers_visible_to(csm)) == set()
    assert codes(customers_visible_to(other_csm)) == {"ACME", "GLOBEX"}


def test_a_move_planned_for_later_does_not_change_todays_book(csm, other_csm, acme, customers):
    Ownership.objects.create(
        customer=acme, employee=other_csm, start_date=timezone.localdate() + timedelta(days=30)
    )

    assert codes(customers_visible_to(csm)) == {"ACME"}
    assert codes(customers_visible_to(other_csm)) == {"GLOBEX"}


def test_book_on_a_past_day_follows_the_ownership_of_that_day(csm, other_csm, acme, customers):
    Ownership.objects.create(customer=acme, employee=other_csm, start_date=date(2022, 1, 1))

    assert codes(customers_visible_to(csm, on=date(2021, 12, 31))) == {"ACME"}
    assert codes(customers_visible_to(csm)) == set()


def test_customer_moved_back_returns_to_the_first_book(csm, other_csm, acme, customers):
    Ownership.objects.create(customer=acme, employee=other_csm, start_date=date(2021, 1, 1))
    Ownership.objects.create(customer=acme, employee=csm, start_date=date(2022, 1, 1))

    assert codes(customers_visible_to(csm)) == {"ACME"}
    assert codes(customers_visible_to(other_csm)) == {"GLOBEX"}


def test_customer_not_yet_owned_is_in_no_book(csm, customers):
    make_customer("NEWCO", geo="AMER")

    assert codes(customers_visible_to(csm)) == {"ACME"}


def test_csvp_sees_every_customer_of_their_geo(csvp, emea_csvp, customers):
    assert codes(customers_visible_to(csvp)) == {"ACME", "GLOBEX"}
    assert codes(customers_visible_to(emea_csvp)) == {"INITECH"}


@pytest.mark.parametrize("persona", ["cco", "finance", "ops", "admin"])
def test_roles_that_see_everything_see_every_customer(persona, request, customers):
    user = request.getfixturevalue(persona)

    assert codes(customers_visible_to(user)) == {"ACME", "GLOBEX", "INITECH"}


def test_superuser_without_any_role_sees_every_customer(admin, customers):
    UserRole.objects.filter(user=admin).delete()
    admin = User.objects.get(pk=admin.pk)

    assert codes(customers_visible_to(admin)) == {"ACME", "GLOBEX", "INITECH"}


def test_user_without_a_role_sees_no_customer(nobody, customers):
    assert codes(customers_visible_to(nobody)) == set()


def test_inactive_user_sees_no_customer_even_their_own(inactive, customers):
    make_customer("OWNED", geo="AMER", owner=inactive)

    assert codes(customers_visible_to(inactive)) == set()


def test_inactive_cco_sees_no_customer(customers):
    retired = make_user(Role.CCO, geo="", is_active=False)

    assert codes(customers_visible_to(retired)) == set()


def test_csvp_without_a_geo_sees_no_customer(customers):
    lost = make_user(Role.CSVP, geo="")

    assert codes(customers_visible_to(lost)) == set()


def test_csm_and_csvp_sees_the_broader_geo_scope(customers):
    both = make_user(Role.CSM, Role.CSVP, geo="AMER")

    assert codes(customers_visible_to(both)) == {"ACME", "GLOBEX"}


def test_csm_and_csvp_without_a_geo_keeps_their_own_book(customers):
    both = make_user(Role.CSM, Role.CSVP, geo="")
    make_customer("MINE", geo="AMER", owner=both)

    assert codes(customers_visible_to(both)) == {"MINE"}


def test_csvp_and_cco_sees_everything(customers):
    both = make_user(Role.CSVP, Role.CCO, geo="EMEA")

    assert codes(customers_visible_to(both)) == {"ACME", "GLOBEX", "INITECH"}


def test_csm_book_is_one_query_however_many_customers(csm, django_assert_num_queries):
    for _ in range(20):
        make_customer(geo="AMER", owner=csm)
    csm = User.objects.get(pk=csm.pk)
    csm.role_codes  # noqa: B018 - the roles are read once per request, not per customer

    with django_assert_num_queries(1):
        assert len(list(customers_visible_to(csm))) == 20
