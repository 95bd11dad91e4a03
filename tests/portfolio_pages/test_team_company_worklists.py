"""The team page counts each CSM's segments and open tasks, the company page each geo's, as "My quarter"
counts a book's (dashboards.worklists): open memberships of active segments, the customer's owner today,
open tasks, overdue when due before today; each count opens the page it summarises, both tables download,
and each viewer sees only their reach."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from adoption.models import Ownership, Play, PlayTask, Segment, SegmentMembership
from tests.builders import make_customer, make_user

START = date(2026, 1, 1)


@pytest.fixture
def world(csm, other_csm, emea_csm):
    """AMER: Ana (E100) owns A1, A2, M1 (Ben's until 10 days ago) and A3 (an EMEA customer); Ben (E200)
    owns B1 and M2 (Ana's until yesterday). EMEA: Eva (E300) owns E1. Segments: low_util, key_user_left
    and the inactive "old"."""
    today = timezone.localdate()
    a1, a2 = (make_customer(f"A{n}", owner=csm, start_date=START) for n in (1, 2))
    a3 = make_customer("A3", geo="EMEA", owner=csm, start_date=START)
    m1 = make_customer("M1", owner=other_csm, start_date=START)
    Ownership.objects.create(customer=m1, employee=csm, start_date=today - timedelta(days=10))
    m2 = make_customer("M2", owner=csm, start_date=START)
    Ownership.objects.create(customer=m2, employee=other_csm, start_date=today - timedelta(days=1))
    b1 = make_customer("B1", owner=other_csm, start_date=START)
    e1 = make_customer("E1", geo="EMEA", owner=emea_csm, start_date=START)
    low = Segment.objects.create(code="low_util", name="Low utilisation", rule="low_utilisation")
    left = Segment.objects.create(code="key_user_left", name="Key user left", rule="key_user_left")
    old = Segment.objects.create(code="old", name="Retired", rule="top_usage", active=False)
    entered = today - timedelta(days=20)
    members = {
        c.customer_id: SegmentMembership.objects.create(segment=low, customer=c, entered_on=entered)
        for c in (a1, a3, m1, m2, e1)
    }
    members["B1"] = SegmentMembership.objects.create(segment=left, customer=b1, entered_on=entered)
    SegmentMembership.objects.create(segment=old, customer=a1, entered_on=entered)  # inactive: no column
    # A2 left low_util five days ago: counted nowhere.
    SegmentMembership.objects.create(
        segment=low, customer=a2, entered_on=entered, left_on=today - timedelta(days=5)
    )
    play = Play.objects.create(segment=low, code="outreach", name="Outreach", tasks=[])

    def task(customer_id, assignee, due_in: int, position: int = 0, done: bool = False):
        PlayTask.objects.create(
            play=play,
            membership=members[customer_id],
            position=position,
            customer=members[customer_id].customer,
            assignee=assignee,
            title=f"Task {customer_id} {position}",
            created_on=entered,
            due_on=today + timedelta(days=due_in),
            status="done" if done else "open",
            completed_at=timezone.now() if done else None,
        )

    task("A1", csm, -1)  # overdue
    task("A1", csm, 0, position=1)  # due today: open, not overdue
    task("A1", csm, -3, position=2, done=True)  # done: not open
    task("A3", csm, 3)  # an EMEA customer's task of an AMER CSM
    task("B1", other_csm, -1)  # overdue
    task("E1", emea_csm, -2)  # overdue
    return today


def _counts(table, first: str) -> dict[str, dict[str, int]]:
    """row name -> {column label: value} of the table's counts."""
    return {row[first]: {c.label: row[c.key] for c in table.columns if c.key != first} for row in table.rows}


def test_each_csm_counts_the_customers_they_own_today_and_their_open_and_overdue_tasks(client, cco, world):
    client.force_login(cco)

    table = client.get("/team/?geo=AMER").context["tables"]["segments_tasks_per_csm"]

    assert [c.label for c in table.columns] == [
        "CSM",
        "Key user left",
        "Low utilisation",
        "Open tasks",
        "Overdue tasks",
    ]
    # Ana: A1, A3 and M1 (hers since 10 days ago); not A2 (left), not M2 (Ben's since yesterday).
    # Ben: M2 and B1. Tasks: Ana's two open on A1 (one overdue) and A3's; the done one is not open.
    assert _counts(table, "csm") == {
        "Ana Csm": {"Key user left": 0, "Low utilisation": 3, "Open tasks": 3, "Overdue tasks": 1},
        "Ben Csm": {"Key user left": 1, "Low utilisation": 1, "Open tasks": 1, "Overdue tasks": 1},
    }


def test_each_geo_counts_its_customers_segments_and_their_open_and_overdue_tasks(client, cco, world):
    client.force_login(cco)

    table = client.get("/company/").context["worklist_table"]

    # AMER: A1, M1, M2 in low_util, B1 in key_user_left; EMEA: A3 and E1. Tasks by the customer's geo:
    # AMER A1's two (one overdue) and B1's (overdue); EMEA A3's (due in 3 days) and E1's (overdue).
    assert _counts(table, "geo") == {
        "AMER": {"Key user left": 1, "Low utilisation": 3, "Open tasks": 3, "Overdue tasks": 2},
        "EMEA": {"Key user left": 0, "Low utilisation": 2, "Open tasks": 2, "Overdue tasks": 1},
    }


def test_team_table_links_each_csm_to_their_page_and_each_count_to_the_narrowed_segment(client, cco, world):
    client.force_login(cco)

    html = client.get("/team/?geo=AMER").content.decode()

    assert '<th scope="row" class="text" data-sort="ana csm"><a href="/my/E100/">Ana Csm</a></th>' in html
    assert '<a href="/segments/low_util/?csm=E100">3</a>' in html
    assert '<a href="/segments/key_user_left/?csm=E200">1</a>' in html
    assert '<a href="/tasks/">3</a>' in html  # the tasks page has no filter: it opens whole
    assert "<caption" in html and 'id="table-segments-tasks-per-csm"' in html
    assert html.count('<div class="table-scroll table-responsive">') >= 5


def test_company_table_links_each_geo_to_its_team_and_each_count_to_the_segment_in_that_geo(
    client, cco, world
):
    client.force_login(cco)

    html = client.get("/company/").content.decode()

    assert '<a href="/team/?geo=EMEA">EMEA</a>' in html
    assert '<a href="/segments/low_util/?geo=EMEA">2</a>' in html
    assert '<a href="/segments/key_user_left/?geo=AMER">1</a>' in html


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_both_tables_download_as_csv_and_excel(client, cco, world):
    client.force_login(cco)

    team = _csv(client.get("/team/?geo=AMER&download=segments-tasks-per-csm&format=csv"))
    company = _csv(client.get("/company/?download=segments-tasks-per-geo&format=csv"))
    excel = client.get("/company/?download=segments-tasks-per-geo&format=xlsx")

    assert team == [
        ["CSM", "Key user left", "Low utilisation", "Open tasks", "Overdue tasks"],
        ["Ana Csm", "0", "3", "3", "1"],
        ["Ben Csm", "1", "1", "1", "1"],
    ]
    assert company == [
        ["Geo", "Key user left", "Low utilisation", "Open tasks", "Overdue tasks"],
        ["AMER", "1", "3", "3", "2"],
        ["EMEA", "0", "2", "2", "1"],
    ]
    assert excel.status_code == 200 and excel.content[:2] == b"PK"


def test_a_geo_vp_sees_only_their_geos_csms_and_customers(client, csvp, emea_csvp, world):
    client.force_login(csvp)

    amer = client.get("/team/?geo=EMEA").context["tables"]["segments_tasks_per_csm"]  # ?geo= is ignored

    # A3 is an EMEA customer: outside an AMER Geo VP's reach; Ana's task on it is hers, so it counts.
    assert _counts(amer, "csm")["Ana Csm"] == {
        "Key user left": 0,
        "Low utilisation": 2,
        "Open tasks": 3,
        "Overdue tasks": 1,
    }
    assert list(_counts(amer, "csm")) == ["Ana Csm", "Ben Csm"]
    client.force_login(emea_csvp)
    emea = client.get("/team/").context["tables"]["segments_tasks_per_csm"]
    assert _counts(emea, "csm") == {
        "Eva Csm": {"Key user left": 0, "Low utilisation": 1, "Open tasks": 1, "Overdue tasks": 1}
    }


def test_a_csm_is_refused_both_pages_and_their_downloads(client, csm, world):
    client.force_login(csm)

    assert client.get("/team/").status_code == 403
    assert client.get("/team/?download=segments-tasks-per-csm&format=csv").status_code == 403
    assert client.get("/company/?download=segments-tasks-per-geo&format=csv").status_code == 403


def test_no_segment_and_no_task_leave_zero_tasks_per_csm(client, csvp, csm):
    client.force_login(csvp)

    table = client.get("/team/").context["tables"]["segments_tasks_per_csm"]

    assert [c.label for c in table.columns] == ["CSM", "Open tasks", "Overdue tasks"]
    assert table.rows[0]["open_tasks"] == 0 and table.rows[0]["overdue_tasks"] == 0


def test_a_newcomer_to_the_geo_is_listed_with_zero_counts(client, cco, world):
    make_user(Role.CSM, geo="AMER", name="Cid New", employee_id="E900")
    client.force_login(cco)

    table = client.get("/team/?geo=AMER").context["tables"]["segments_tasks_per_csm"]

    assert _counts(table, "csm")["Cid New"] == {
        "Key user left": 0,
        "Low utilisation": 0,
        "Open tasks": 0,
        "Overdue tasks": 0,
    }
