"""The wall of fame (docs/design.md §11.5): winners seen by everyone in the contest's scope; the
needs-attention list off by default and, when on, for managers only."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from commissions.services.person_metrics import values_from
from core.errors import NotAllowed
from recognition import selectors
from recognition.services.contests import create_contest, finish_contest, start_contest
from recognition.services.nudges import previous_month
from recognition.services.wall import set_needs_attention
from tests.builders import make_user

from .conftest import END, START

D = Decimal


@pytest.fixture
def emea_contest(db, ops):
    make_user(Role.CSM, geo="EMEA", name="Eve Winner")  # the one participant: the winner at 100
    contest = create_contest(
        user=ops, code="emea-may", name="EMEA May", start=START, end=END, participants="geo", geo="EMEA"
    )
    start_contest(contest=contest, user=ops)
    finish_contest(contest=contest, user=ops, on=END)
    return contest


def test_winners_are_on_the_wall_for_the_contests_scope_only(db, emea_contest, client):
    assert [w.employee.name for w in emea_contest.winners.all()] == ["Eve Winner"]
    client.force_login(make_user(Role.CSM, geo="EMEA"))
    assert "Eve Winner" in client.get("/recognition/fame/").content.decode()
    client.force_login(make_user(Role.CSM, geo="AMER"))
    page = client.get("/recognition/fame/").content.decode()
    assert "EMEA May" not in page
    assert client.get("/recognition/contests/emea-may/").status_code == 404


def test_needs_attention_is_off_by_default_even_for_the_cco(db, cco, client):
    client.force_login(cco)
    assert selectors.needs_attention(cco, metrics=values_from([])) is None
    assert 'id="needs-attention"' not in client.get("/recognition/fame/").content.decode()


def test_needs_attention_when_on_is_hidden_from_csms_and_shown_to_managers(db, cco):
    set_needs_attention(user=cco, enabled=True, metric="login_rate")
    month = previous_month(date.today())
    amer = [make_user(Role.CSM, geo="AMER") for _ in range(3)]
    emea = make_user(Role.CSM, geo="EMEA")
    source = values_from([(amer[0].pk, month, D(30)), (amer[1].pk, month, D(90)), (emea.pk, month, D(10))])
    assert selectors.needs_attention(amer[0], metrics=source) is None

    vp = make_user(Role.CSVP, geo="AMER")
    seen = selectors.needs_attention(vp, metrics=source)
    assert [(p, v, r) for p, v, r in seen.bottom] == [(amer[0], D(30), 1)]  # their geo only
    assert seen.without_value == [amer[2]]

    everyone = selectors.needs_attention(cco, metrics=source)
    assert [p for p, _, _ in everyone.bottom] == [emea]


def test_the_needs_attention_section_is_not_on_a_csms_page(db, cco, client):
    set_needs_attention(user=cco, enabled=True, metric="login_rate")
    client.force_login(make_user(Role.CSM))
    assert 'id="needs-attention"' not in client.get("/recognition/fame/").content.decode()


def test_only_the_cco_switches_the_needs_attention_list(db, ops):
    with pytest.raises(NotAllowed):
        set_needs_attention(user=ops, enabled=True, metric="login_rate")
