"""employees_visible_to: a CSM sees themselves, a Geo VP their geo, the rest everyone (DESIGN §1)."""

import pytest

from accounts.access import employees_visible_to
from accounts.models import Role
from tests.builders import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def everyone(csm, other_csm, emea_csm, csvp, emea_csvp, cco, finance, ops, admin, nobody, inactive):
    return {
        u.email
        for u in [csm, other_csm, emea_csm, csvp, emea_csvp, cco, finance, ops, admin, nobody, inactive]
    }


def emails(queryset) -> set[str]:
    return set(queryset.values_list("email", flat=True))


def test_csm_sees_only_themselves(csm, everyone):
    assert emails(employees_visible_to(csm)) == {"csm@example.com"}


def test_csvp_sees_the_people_of_their_geo(csvp, emea_csvp, everyone):
    assert emails(employees_visible_to(csvp)) == {
        "csm@example.com",
        "other.csm@example.com",
        "csvp@example.com",
        "nobody@example.com",
        "inactive@example.com",
    }
    assert emails(employees_visible_to(emea_csvp)) == {"emea.csm@example.com", "emea.csvp@example.com"}


@pytest.mark.parametrize("persona", ["cco", "finance", "ops", "admin"])
def test_roles_that_see_everything_see_everyone(persona, request, everyone):
    assert emails(employees_visible_to(request.getfixturevalue(persona))) == everyone


def test_user_without_a_role_sees_nobody(nobody, everyone):
    assert emails(employees_visible_to(nobody)) == set()


def test_inactive_user_sees_nobody_not_even_themselves(inactive, everyone):
    assert emails(employees_visible_to(inactive)) == set()


def test_csm_and_csvp_sees_the_geo(everyone):
    both = make_user(Role.CSM, Role.CSVP, geo="EMEA", email="both@example.com")

    assert emails(employees_visible_to(both)) == {
        "emea.csm@example.com",
        "emea.csvp@example.com",
        "both@example.com",
    }
