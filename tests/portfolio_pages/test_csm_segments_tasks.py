"""The CSM's page lists their segments (how many of their customers are in each now) and their open play
tasks (title, customer, due date, overdue flagged), within what the viewer may see (adoption.access)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from adoption.models import Play, PlayTask, Segment, SegmentMembership
from dashboards.csm import worklist
from tests.builders import make_customer

START = date(2026, 1, 1)


@pytest.fixture
def world(csm, other_csm):
    """Ana's customers A1–A3 (A3 in EMEA), Ben's B1; two active segments and an inactive one."""
    today = timezone.localdate()
    a1, a2 = (make_customer(f"A{n}", name=f"Ana {n}", owner=csm, start_date=START) for n in (1, 2))
    a3 = make_customer("A3", name="Ana 3", geo="EMEA", owner=csm, start_date=START)
    b1 = make_customer("B1", name="Ben 1", owner=other_csm, start_date=START)
    low = Segment.objects.create(code="low_util", name="Low utilisation", rule="low_utilisation")
    Segment.objects.create(code="key_user_left", name="Key user left", rule="key_user_left")
    Segment.objects.create(code="old", name="Retired", rule="top_usage", active=False)
    members = {
        "a1": SegmentMembership.objects.create(
            segment=low, customer=a1, entered_on=today - timedelta(days=9)
        ),
        "a3": SegmentMembership.objects.create(
            segment=low, customer=a3, entered_on=today - timedelta(days=2)
        ),
        "b1": SegmentMembership.objects.create(
            segment=low, customer=b1, entered_on=today - timedelta(days=2)
        ),
    }
    # A2 left the segment: not counted.
    SegmentMembership.objects.create(
        segment=low, customer=a2, entered_on=today - timedelta(days=20), left_on=today - timedelta(days=5)
    )
    play = Play.objects.create(segment=low, code="outreach", name="Outreach", tasks=[])

    def task(member, assignee, title, due_in: int, position: int = 0, done: bool = False):
        return PlayTask.objects.create(
            play=play,
            membership=members[member],
            position=position,
            customer=members[member].customer,
            assignee=assignee,
            title=title,
            created_on=today - timedelta(days=9),
            due_on=today + timedelta(days=due_in),
            status="done" if done else "open",
            completed_at=timezone.now() if done else None,
        )

    task("a1", csm, "Call the sponsor", -1)  # due yesterday: overdue
    task("a1", csm, "Run a training", 0, position=1)  # due today: not overdue
    task("a3", csm, "Done already", -3, done=True)
    task("b1", other_csm, "Ben's own task", -1)
    return today


def test_segments_count_the_books_current_members(client, csm, world):
    client.force_login(csm)

    response = client.get("/my/")

    counts = [(s.code, s.members) for s in response.context["segments"]]
    assert counts == [("key_user_left", 0), ("low_util", 2)]  # A1 and A3; A2 left; B1 is Ben's
    html = response.content.decode()
    assert '<a href="/segments/low_util/?csm=E100">Low utilisation</a>: <span class="count">2</span>' in html


def test_open_tasks_are_the_csms_own_soonest_due_first_with_the_overdue_flagged(client, csm, world):
    client.force_login(csm)

    response = client.get("/my/")

    tasks = [(t.title, t.customer_id, t.due_on, t.overdue) for t in response.context["tasks"]]
    assert tasks == [
        ("Call the sponsor", "A1", world - timedelta(days=1), True),
        ("Run a training", "A1", world, False),
    ]
    html = response.content.decode()
    assert "Open tasks (2)" in html
    assert '<span class="overdue">overdue</span>' in html
    assert "Ben&#x27;s own task" not in html and "Done already" not in html
    assert 'href="/tasks/"' in html


def test_a_geo_vp_sees_the_csms_tasks_and_only_their_geos_members(client, csvp, csm, world):
    client.force_login(csvp)

    response = client.get("/my/E100/")

    assert [t.title for t in response.context["tasks"]] == ["Call the sponsor", "Run a training"]
    # A3 is an EMEA customer: outside an AMER Geo VP's reach (adoption.access.memberships_visible_to).
    assert [(s.code, s.members) for s in response.context["segments"]] == [
        ("key_user_left", 0),
        ("low_util", 1),
    ]


def test_no_segment_and_no_task_say_so(client, csm):
    client.force_login(csm)

    html = client.get("/my/").content.decode()

    assert "No segment is defined yet." in html
    assert "No open task." in html


def test_segments_and_tasks_cost_one_query_each(csm, world, django_assert_num_queries):
    assert csm.role_codes  # read once per request, by the page's own access checks
    with django_assert_num_queries(1):
        segments = worklist.book_segments(csm, csm, world)
    with django_assert_num_queries(1):
        tasks = worklist.open_tasks(csm, csm, world)

    assert len(segments) == 2 and len(tasks) == 2
