"""The admin of segments, plays and tasks (params and tasks checked as ``load_segments`` checks them),
and the selectors the CSM's page reads: ``segments_for`` and ``open_tasks_for`` within a person's reach."""

import pytest
from django.urls import reverse

from accounts.models import Role
from adoption.models import PlayTask, Segment, SegmentMembership
from adoption.portfolio.segment_selectors import open_tasks_for, segments_for
from adoption.portfolio.segments import evaluate_day
from tests.builders import make_user

from .conftest import day, set_utilisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return make_user(Role.ADMIN, geo="", email="admin@example.com")


def test_the_admin_lists_segments_plays_and_tasks(client, admin_user, customers, low):
    set_utilisation(customers.c1, day(0), 50)
    evaluate_day(day(0))
    client.force_login(admin_user)

    for name in ("segment", "play", "playtask"):
        response = client.get(reverse(f"admin:adoption_{name}_changelist"))
        assert response.status_code == 200, name
    assert client.get(reverse("admin:adoption_segment_change", args=[low.pk])).status_code == 200
    task = PlayTask.objects.first()
    assert client.get(reverse("admin:adoption_playtask_change", args=[task.pk])).status_code == 200
    assert client.get(reverse("admin:adoption_playtask_add")).status_code == 403


def test_the_admin_refuses_params_that_do_not_fit_the_rule_naming_the_param(client, admin_user):
    client.force_login(admin_user)
    data = {
        "code": "low",
        "name": "Low",
        "description": "",
        "rule": "low_utilisation",
        "active": "on",
        "plays-TOTAL_FORMS": "0",
        "plays-INITIAL_FORMS": "0",
    }

    bad = client.post(reverse("admin:adoption_segment_add"), {**data, "params": '{"threshold": "1.5"}'})
    good = client.post(reverse("admin:adoption_segment_add"), {**data, "params": '{"threshold": "0.5"}'})

    assert bad.status_code == 200
    assert "low_utilisation: threshold must be a ratio from 0 to 1" in bad.content.decode()
    assert good.status_code == 302
    assert Segment.objects.get().created_by == admin_user


def test_the_admin_refuses_tasks_that_are_not_title_and_due_days(client, admin_user, low):
    client.force_login(admin_user)
    data = {"segment": low.pk, "code": "p2", "name": "P2", "recovery_days": 30, "active": "on"}

    bad = client.post(reverse("admin:adoption_play_add"), {**data, "tasks": '[{"title": "Call"}]'})

    assert (
        "tasks[0].due_days must be a whole number of days from 0 to 3,650, not None" in bad.content.decode()
    )


def test_segments_for_counts_the_members_on_a_day_within_the_reach(people, customers, low):
    Segment.objects.create(code="quiet", name="Quiet", rule="key_user_left")
    SegmentMembership.objects.create(segment=low, customer=customers.c1, entered_on=day(0), left_on=day(5))
    SegmentMembership.objects.create(segment=low, customer=customers.c2, entered_on=day(3))
    SegmentMembership.objects.create(segment=low, customer=customers.c3, entered_on=day(0))

    def counts(user, on):
        return [(s.code, s.name, s.members) for s in segments_for(user, on)]

    assert counts(people.ann, day(4)) == [("low_util", "Low utilisation", 1), ("quiet", "Quiet", 0)]
    assert counts(people.ann, day(5)) == [("low_util", "Low utilisation", 0), ("quiet", "Quiet", 0)]
    assert counts(people.vp_amer, day(4)) == [("low_util", "Low utilisation", 2), ("quiet", "Quiet", 0)]
    assert counts(people.ops, day(4)) == [("low_util", "Low utilisation", 3), ("quiet", "Quiet", 0)]
    assert counts(people.ops, day(2))[0] == ("low_util", "Low utilisation", 2)


def test_open_tasks_for_a_csm_are_their_own_and_for_a_geo_vp_their_geos(people, customers, low):
    for customer in (customers.c1, customers.c2, customers.c3):
        set_utilisation(customer, day(0), 50)
    evaluate_day(day(0))

    def whose(user):
        return sorted({t.assignee.email for t in open_tasks_for(user)})

    assert whose(people.ann) == ["ann@example.com"]
    assert whose(people.vp_amer) == ["ann@example.com", "bob@example.com"]
    assert whose(people.vp_emea) == ["eve@example.com"]
    assert whose(people.cco) == ["ann@example.com", "bob@example.com", "eve@example.com"]
    assert len(open_tasks_for(people.ann)) == 2
