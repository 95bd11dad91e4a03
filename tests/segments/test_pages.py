"""The segment and task pages (docs/design.md §10.5, §10.6): each person sees the members and tasks of
their reach — a CSM their book, a Geo VP their geo, ops, the CCO and finance everything — filters and
downloads hold what the page shows, and a task is completed from /tasks/ by who may."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from adoption.models import PlayTask, SegmentEvaluation, SegmentMembership

pytestmark = pytest.mark.django_db


def ago(days: int):
    """``days`` before the last evaluated day (yesterday): the day the segment pages speak of."""
    return timezone.localdate() - timedelta(days=days + 1)


@pytest.fixture
def world(people, customers, low):
    """C1 (Ann, AMER) entered 3 days ago; C2 (Bob, AMER) 20 days ago; C3 (Eve, EMEA) left 2 days ago after
    10 days and entered again the day before; C4 (nobody's) left 30 days ago — counted back from the last
    evaluated day, yesterday. Ann and Eve have a task each."""
    m1 = SegmentMembership.objects.create(segment=low, customer=customers.c1, entered_on=ago(3))
    SegmentMembership.objects.create(segment=low, customer=customers.c2, entered_on=ago(20))
    SegmentMembership.objects.create(segment=low, customer=customers.c3, entered_on=ago(12), left_on=ago(2))
    m3 = SegmentMembership.objects.create(segment=low, customer=customers.c3, entered_on=ago(1))
    SegmentMembership.objects.create(segment=low, customer=customers.c4, entered_on=ago(40), left_on=ago(30))
    SegmentEvaluation.objects.create(segment=low, day=ago(0), members=3, entered=1, left=0)
    play = low.plays.get()
    for membership, csm in ((m1, people.ann), (m3, people.eve)):
        PlayTask.objects.create(
            play=play,
            membership=membership,
            position=0,
            customer=membership.customer,
            assignee=csm,
            title="Call the sponsor",
            created_on=membership.entered_on,
            due_on=membership.entered_on + timedelta(days=3),
        )
    return low


def member_ids(response) -> list[str]:
    return [row["customer_id"] for row in response.context["table"].rows]


def test_pages_need_sign_in_and_a_role(client, people, world):
    for url in ("/segments/", "/segments/low_util/", "/tasks/", "/segments/customers/C1/"):
        assert client.get(url).status_code == 302, url
    client.force_login(people.ae)  # no role
    for url in ("/segments/", "/segments/low_util/", "/tasks/"):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize(
    ("who", "members", "entered", "left"),
    [("ann", 1, 1, 0), ("bob", 1, 0, 0), ("vp_amer", 2, 1, 0), ("vp_emea", 1, 1, 1), ("finance", 3, 2, 1)],
)
def test_the_list_counts_members_and_the_last_7_days_within_each_persons_reach(
    client, people, world, who, members, entered, left
):
    client.force_login(getattr(people, who))

    response = client.get("/segments/")

    (row,) = response.context["table"].rows
    assert (row["members"], row["entered"], row["left"]) == (members, entered, left)
    assert row["rule"] == "Utilisation below 60 %"
    assert row["plays"] == "Win the users back"
    assert 'href="/segments/low_util/"' in response.content.decode()


@pytest.mark.parametrize(
    ("who", "members"),
    [
        ("ann", ["C1"]),
        ("eve", ["C3"]),
        ("vp_amer", ["C2", "C1"]),
        ("ops", ["C2", "C1", "C3"]),
        ("cco", ["C2", "C1", "C3"]),
    ],
)
def test_a_segment_shows_todays_members_of_the_persons_reach_longest_in_first(
    client, people, world, who, members
):
    client.force_login(getattr(people, who))

    response = client.get("/segments/low_util/")

    assert response.status_code == 200
    assert member_ids(response) == members


def test_a_members_row_has_entered_on_days_in_segment_csm_and_geo(client, people, world):
    client.force_login(people.ops)

    rows = {row["customer_id"]: row for row in client.get("/segments/low_util/").context["table"].rows}

    assert rows["C2"] == {
        "customer_id": "C2",
        "customer": "Globex",
        "geo": "AMER",
        "csm": "Bob Amer",
        "csm_id": "E-BOB",
        "entered_on": ago(20),
        "days": 20,
    }
    assert (rows["C3"]["entered_on"], rows["C3"]["days"]) == (ago(1), 1)  # the current membership


def test_members_filter_by_csm_geo_and_entered_since(client, people, world):
    client.force_login(people.ops)

    assert member_ids(client.get("/segments/low_util/", {"csm": "E-BOB"})) == ["C2"]
    assert member_ids(client.get("/segments/low_util/", {"geo": "EMEA"})) == ["C3"]
    assert member_ids(client.get("/segments/low_util/", {"since": ago(3).isoformat()})) == ["C1", "C3"]
    assert member_ids(client.get("/segments/low_util/", {"geo": "AMER", "since": ago(3).isoformat()})) == [
        "C1"
    ]


def test_a_csm_cannot_filter_their_way_to_another_csms_members(client, people, world):
    client.force_login(people.ann)

    response = client.get("/segments/low_util/", {"csm": "E-BOB"})

    # an id outside the reach is no choice: an invalid filter, named, and nobody listed (never Bob's C2)
    assert response.status_code == 400 and member_ids(response) == []
    assert "Select a valid choice. E-BOB is not one of the available choices." in response.content.decode()


def test_an_unknown_segment_is_a_404(client, people, world):
    client.force_login(people.ops)

    assert client.get("/segments/nope/").status_code == 404


def test_the_csv_download_holds_the_filtered_members(client, people, world):
    client.force_login(people.vp_amer)

    response = client.get("/segments/low_util/", {"download": "members", "format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Customer ID",
        "Customer",
        "Geo",
        "CSM",
        "CSM employee ID",
        "Entered on",
        "Days in segment",
    ]
    assert rows[1:] == [
        ["C2", "Globex", "AMER", "Bob Amer", "E-BOB", ago(20).isoformat(), "20"],
        ["C1", "Acme", "AMER", "Ann Amer", "E-ANN", ago(3).isoformat(), "3"],
    ]


def test_the_excel_download_holds_the_same_rows(client, people, world):
    client.force_login(people.ops)

    response = client.get("/segments/low_util/", {"geo": "EMEA", "download": "members", "format": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "Customer ID"
    assert [row[:5] for row in values[1:]] == [("C3", "Initech", "EMEA", "Eve Emea", "E-EVE")]


def test_the_segments_list_downloads_too(client, people, world):
    client.force_login(people.ops)

    response = client.get("/segments/", {"download": "segments", "format": "csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][:4] == ["Low utilisation", "low_util", "Utilisation below 60 %", "3"]


def test_a_customers_membership_history_lists_every_entry_and_exit(client, people, world):
    client.force_login(people.eve)

    response = client.get("/segments/customers/C3/")

    rows = response.context["table"].rows
    assert [(r["segment"], r["entered_on"], r["left_on"], r["days"], r["status"]) for r in rows] == [
        ("Low utilisation", ago(1), None, 1, "member"),
        ("Low utilisation", ago(12), ago(2), 10, "left"),
    ]


def test_a_customer_outside_the_reach_is_a_404(client, people, world):
    client.force_login(people.ann)

    assert client.get("/segments/customers/C3/").status_code == 404
    assert client.get("/segments/customers/C1/").status_code == 200


def test_the_segment_page_reads_few_queries_whatever_the_members(
    client, people, world, django_assert_max_num_queries
):
    client.force_login(people.ops)

    with django_assert_max_num_queries(14):
        client.get("/segments/low_util/")


# --- tasks -------------------------------------------------------------------------------------------


def open_titles(response) -> list[str]:
    return [row["task"].customer.customer_id for row in response.context["rows"]]


@pytest.mark.parametrize(
    ("who", "customers_seen", "may_complete"),
    [
        ("ann", ["C1"], [True]),
        ("bob", [], []),
        ("vp_amer", ["C1"], [True]),
        ("vp_emea", ["C3"], [True]),
        ("ops", ["C1", "C3"], [True, True]),
        ("finance", ["C1", "C3"], [False, False]),
    ],
)
def test_open_tasks_are_the_persons_own_their_geos_or_all(
    client, people, world, who, customers_seen, may_complete
):
    client.force_login(getattr(people, who))

    response = client.get("/tasks/")

    assert open_titles(response) == customers_seen  # soonest due first
    assert [row["may_complete"] for row in response.context["rows"]] == may_complete


def test_the_assignee_completes_a_task_with_a_note_and_it_moves_to_recently_done(client, people, world):
    task = PlayTask.objects.get(assignee=people.ann)
    client.force_login(people.ann)

    response = client.post(f"/tasks/{task.pk}/complete/", {"note": "Called Jo; training on Monday."})

    assert response.status_code == 302 and response.url == "/tasks/"
    task.refresh_from_db()
    assert (task.status, task.completed_by, task.note) == (
        "done",
        people.ann,
        "Called Jo; training on Monday.",
    )
    page = client.get("/tasks/")
    assert open_titles(page) == []
    assert [row["note"] for row in page.context["done"].rows] == ["Called Jo; training on Monday."]
    assert "Done: Call the sponsor (C1)." in page.content.decode()


def test_another_csms_task_is_a_404_and_finance_is_refused_with_a_403(client, people, world):
    task = PlayTask.objects.get(assignee=people.ann)

    client.force_login(people.bob)
    assert client.post(f"/tasks/{task.pk}/complete/", {"note": "Not mine."}).status_code == 404
    client.force_login(people.vp_emea)
    assert client.post(f"/tasks/{task.pk}/complete/", {"note": "Not my geo."}).status_code == 404
    client.force_login(people.finance)
    assert client.post(f"/tasks/{task.pk}/complete/", {"note": "Finance."}).status_code == 403
    task.refresh_from_db()
    assert task.status == "open"


def test_a_note_is_required_and_at_most_2000_characters_on_the_page(client, people, world):
    task = PlayTask.objects.get(assignee=people.ann)
    client.force_login(people.ann)

    blank = client.post(f"/tasks/{task.pk}/complete/", {"note": "  "})
    long = client.post(f"/tasks/{task.pk}/complete/", {"note": "x" * 2001})

    assert blank.status_code == 400 and "Write a note: what was done." in blank.content.decode()
    assert long.status_code == 400 and "at most 2000 characters" in long.content.decode()
    task.refresh_from_db()
    assert task.status == "open"


def test_completing_a_done_task_again_says_so(client, people, world):
    task = PlayTask.objects.get(assignee=people.ann)
    client.force_login(people.ann)
    client.post(f"/tasks/{task.pk}/complete/", {"note": "Called."})
    client.force_login(people.vp_amer)

    response = client.post(f"/tasks/{task.pk}/complete/", {"note": "Called too."})

    assert response.status_code == 409
    assert "was already completed on" in response.content.decode()
    assert "by ann@example.com" in response.content.decode()


def test_completing_is_a_post(client, people, world):
    task = PlayTask.objects.get(assignee=people.ann)
    client.force_login(people.ann)

    assert client.get(f"/tasks/{task.pk}/complete/").status_code == 405


def test_the_tasks_page_reads_the_same_queries_for_2_or_22_tasks(
    client, people, world, django_assert_num_queries
):
    client.force_login(people.ops)
    with CaptureQueriesContext(connection) as few:
        client.get("/tasks/")
    membership = SegmentMembership.objects.filter(left_on__isnull=True).first()
    play = world.plays.get()
    PlayTask.objects.bulk_create(
        PlayTask(
            play=play,
            membership=membership,
            position=n,
            customer=membership.customer,
            assignee=people.bob,
            title=f"Task {n}",
            created_on=ago(1),
            due_on=ago(0),
        )
        for n in range(1, 21)
    )

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/tasks/")
    assert len(response.context["rows"]) == 22
