"""The handbook's 403 sentence names everyone ``access.may_see_handbook`` lets read it — the Geo VP of a
member's geo too — because the sentence is built from the same list of readers as the rule."""

import html

import pytest

from accounts import access
from accounts.models import Role
from commissions.models import Plan
from tests.builders import make_user

from .conftest import PAGE, PLAN

pytestmark = pytest.mark.django_db

EVERY_READER = (
    "it is for the people on the plan, their managers, the Geo VP of their geo, the CCO, finance, ops and "
    "admins."
)


def _text(response) -> str:
    return html.unescape(" ".join(response.content.decode().split()))


def test_the_refusal_names_the_geo_vp_of_their_geo(client, e1):
    client.force_login(make_user(Role.CSVP, geo="EMEA", email="vp-emea@example.com"))

    response = client.get(PAGE)

    assert response.status_code == 403
    assert f"vp-emea@example.com may not read the handbook of {PLAN}: {EVERY_READER}" in _text(response)


def test_a_geo_vp_of_a_members_geo_reads_what_the_sentence_says_they_may(client, e1):
    client.force_login(make_user(Role.CSVP, geo=e1.geo, email="vp-amer@example.com"))

    assert client.get(PAGE).status_code == 200


def test_each_group_the_sentence_names_is_one_the_rule_admits(e1, manager, other_csm):
    """Every group of ``HANDBOOK_READERS`` is in the sentence, and its test admits its persona and refuses
    a person outside it; the sentence changes only with that list."""
    plan = Plan.objects.get(code=PLAN)
    members = plan.assignments.all()
    personas = {
        "the people on the plan": e1,
        "their managers": manager,
        "the Geo VP of their geo": make_user(Role.CSVP, geo=e1.geo, email="vp@example.com"),
    }
    reason = access.may_see_handbook(other_csm, plan).reason

    assert [words for words, _ in access.HANDBOOK_READERS] == list(personas)
    for words, admits in access.HANDBOOK_READERS:
        assert words in reason
        assert admits(personas[words], members), words
        assert not admits(other_csm, members), words
    assert reason.endswith(f"{access.handbook_readers_text()}.")
    assert access.handbook_readers_text().endswith(access.EVERYTHING_READERS)
