"""/audit/ offers the incentives' kinds as filters and lists their history to whoever sees the audit
trail, in the page and its CSV (docs/audit.md); nobody else sees it."""

import pytest
from django.urls import reverse

from incentives.services.spiffs import propose_spiff
from tests.spiffs.conftest import rule_spiff

from .conftest import ON_POSTGRES, as_

KINDS = {
    "spiff": "SPIFF",
    "spiff_award": "SPIFF award",
    "points_rule": "Points rule",
    "reward": "Reward",
    "redemption": "Points redemption",
    "points_entry": "Points entry",
    "contest": "Contest",
    "contest_event": "Contest event",
    "contest_winner": "Contest winner",
    "wall_setting": "Wall of fame setting",
    "nudge_config": "Nudge config",
    "nudge": "Nudge",
}


@pytest.fixture
def proposed(ops):
    with as_(ops):
        return propose_spiff(spiff=rule_spiff(ops), user=ops, comment="For May's login push")


def test_the_filter_offers_each_kind_of_incentive_history(client, ops):
    client.force_login(ops)

    choices = dict(client.get(reverse("audit:log")).context["form"].fields["object_type"].choices)

    # A reward records nothing of its making: only PostgreSQL's row events list it (docs/audit.md).
    offered = KINDS if ON_POSTGRES else {key: title for key, title in KINDS.items() if key != "reward"}
    assert {key: choices.get(key) for key in offered} == offered


def test_the_page_and_its_csv_list_the_spiff_steps(client, ops, proposed):
    client.force_login(ops)

    page = client.get(reverse("audit:log"), {"object_type": "spiff"}).content.decode()
    csv = b"".join(client.get(reverse("audit:log"), {"object_type": "spiff", "format": "csv"})).decode()

    assert "logins-may" in page and "Proposed" in page and "For May&#x27;s login push" in page
    assert ",ops@example.com,SPIFF," in csv and ",Proposed," in csv


@pytest.mark.parametrize("who", ["finance", "cco"])
def test_finance_and_the_cco_see_it_too(client, request, who, proposed):
    client.force_login(request.getfixturevalue(who))

    assert "logins-may" in client.get(reverse("audit:log"), {"object_type": "spiff"}).content.decode()


def test_a_csm_may_not_see_the_audit_trail(client, csm, proposed):
    client.force_login(csm)

    assert client.get(reverse("audit:log"), {"object_type": "spiff"}).status_code == 403
