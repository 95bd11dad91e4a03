"""The segment and task pages after a new user's trial (docs/design.md §10.5, §10.6): invalid member
filters list and download nothing, an unknown format is a 400, downloads are named by segment and day,
the pages speak of the last evaluated day, play effects are shown, and /tasks/ is paged without a form
per row."""

from datetime import timedelta

import pytest
from django.utils import timezone

from adoption.models import PlayTask, SegmentEvaluation, SegmentMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated(people, customers, low):
    """low_util evaluated on 2 days, the last 3 days ago; C1 entered 12 days before it and left on day 5
    (recovered within the play's 10 days), C2 entered 11 days before and is still in (not recovered),
    C3 entered 2 days before (not measured yet). Each has a task of the play."""
    last = timezone.localdate() - timedelta(days=3)
    SegmentEvaluation.objects.create(segment=low, day=last - timedelta(days=1), members=2, entered=0, left=0)
    SegmentEvaluation.objects.create(segment=low, day=last, members=2, entered=0, left=1)
    play = low.plays.get()
    spans = (
        (customers.c1, 12, 7, people.ann),
        (customers.c2, 11, None, people.bob),
        (customers.c3, 2, None, people.eve),
    )
    for customer, entered, left, csm in spans:
        membership = SegmentMembership.objects.create(
            segment=low,
            customer=customer,
            entered_on=last - timedelta(days=entered),
            left_on=last - timedelta(days=left) if left is not None else None,
        )
        PlayTask.objects.create(
            play=play,
            membership=membership,
            position=0,
            customer=customer,
            assignee=csm,
            title="Call the sponsor",
            created_on=membership.entered_on + timedelta(days=1),
            due_on=membership.entered_on + timedelta(days=4),
        )
    return last


# 7. Invalid filters list nothing and download nothing; formats and file names.


def test_invalid_member_filters_list_nothing_and_name_each_filter(client, people, evaluated):
    client.force_login(people.ops)

    response = client.get("/segments/low_util/", {"csm": "NOPE", "geo": "zz", "since": "bogus"})

    page = response.content.decode()
    assert response.status_code == 400
    assert response.context["table"].rows == []
    assert "CSM: Select a valid choice. NOPE is not one of the available choices." in page
    assert "Geo: Select a valid choice. zz is not one of the available choices." in page
    assert "Entered since: Enter a valid date." in page
    assert 'id="tbl-members"' not in page


def test_a_download_with_an_invalid_filter_is_a_400_naming_it(client, people, evaluated):
    client.force_login(people.ops)

    response = client.get("/segments/low_util/", {"csm": "NOPE", "download": "members", "format": "csv"})

    assert response.status_code == 400
    assert response.content.decode() == (
        "Invalid filter: csm: Select a valid choice. NOPE is not one of the available choices.. "
        "Nothing to download."
    )


def test_an_unknown_download_format_is_a_400_naming_it(client, people, evaluated):
    client.force_login(people.ops)

    for url, table in (("/segments/low_util/", "members"), ("/segments/", "segments"), ("/tasks/", "done")):
        response = client.get(url, {"download": table, "format": "pdf"})
        assert response.status_code == 400, url
        assert response.content.decode() == "Unknown format 'pdf': downloads are csv or xlsx.", url


def test_downloads_are_named_with_the_segment_and_the_last_evaluated_day(client, people, evaluated):
    client.force_login(people.ops)
    day = evaluated.isoformat()

    csv = client.get("/segments/low_util/", {"download": "members", "format": "csv"})
    xlsx = client.get("/segments/low_util/", {"download": "members", "format": "xlsx"})
    listing = client.get("/segments/", {"download": "segments"})
    history = client.get("/segments/customers/C1/", {"download": "history", "format": "csv"})

    assert csv["Content-Disposition"] == f'attachment; filename="low_util-members-{day}.csv"'
    assert xlsx["Content-Disposition"] == f'attachment; filename="low_util-members-{day}.xlsx"'
    assert listing["Content-Disposition"] == f'attachment; filename="segments-{day}.csv"'
    assert history["Content-Disposition"] == f'attachment; filename="C1-segments-{day}.csv"'


# 8. As of the last evaluated day.


def test_the_segment_pages_speak_of_the_last_evaluated_day_not_today(client, people, evaluated):
    client.force_login(people.ops)
    day, today = evaluated.isoformat(), timezone.localdate().isoformat()

    listing = client.get("/segments/").content.decode()
    segment = client.get("/segments/low_util/")

    assert f"Segments as of {day}, the last evaluated day." in listing
    assert f"Members of Low utilisation as of {day}" in segment.content.decode()
    assert f"Members as of {day}, the last evaluated day." in segment.content.decode()
    assert today not in listing and today not in segment.content.decode()
    rows = {row["customer_id"]: row["days"] for row in segment.context["table"].rows}
    assert rows == {"C2": 11, "C3": 2}  # days counted to the last evaluated day


def test_before_any_evaluation_the_list_says_so(client, people, low):
    client.force_login(people.ops)

    assert "No segment has been evaluated yet" in client.get("/segments/").content.decode()


# 3. The play's effect, shown with its definition.


def test_the_play_effect_is_shown_on_the_list_and_the_segment_page_with_its_definition(
    client, people, evaluated
):
    client.force_login(people.ops)

    (row,) = client.get("/segments/").context["table"].rows
    segment = client.get("/segments/low_util/")

    # measured: C1 (left) and C2 (entered 11 ≥ 10 days before); recovered: C1 (left after 5 days)
    assert row["effect"] == "Win the users back: 1 of 2 recovered (50.0%) within 10 days"
    page = segment.content.decode()
    assert f"as of {evaluated.isoformat()}: 1 of 2 recovered (50.0%) within 10 days" in page
    assert "measured are those that entered the segment at least its recovery days before the day" in page
    (effect,) = segment.context["plays"]
    assert (effect["measured"], effect["recovered"], str(effect["share"])) == (2, 1, "0.500000")


def test_the_admin_play_list_shows_the_effect(client, evaluated):
    from accounts.models import Role
    from tests.builders import make_user

    client.force_login(make_user(Role.ADMIN, geo="", email="admin@example.com"))

    page = client.get("/admin/adoption/play/").content.decode()

    assert "1 of 2 recovered (50.0%) within 10 days" in page


# 9. /tasks/ is paged and has no form per row.


def test_the_tasks_page_is_paged_by_200_with_a_link_per_task_not_a_form(client, people, evaluated):
    membership = SegmentMembership.objects.get(customer__customer_id="C2")
    PlayTask.objects.bulk_create(
        PlayTask(
            play=membership.segment.plays.get(),
            membership=membership,
            position=n,
            customer=membership.customer,
            assignee=people.bob,
            title=f"Task {n}",
            created_on=evaluated,
            due_on=evaluated + timedelta(days=n),
        )
        for n in range(1, 201)
    )
    client.force_login(people.ops)

    first = client.get("/tasks/")
    second = client.get("/tasks/", {"page": 2})

    assert len(first.context["rows"]) == 200 and len(second.context["rows"]) == 3
    assert "Open (203)" in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()
    assert first.content.decode().count("<form") <= 2  # the page's own forms, none per task
    task = first.context["rows"][0]["task"]
    assert f'href="/tasks/{task.pk}/"' in first.content.decode()


def test_a_task_is_completed_on_its_own_page(client, people, evaluated):
    task = PlayTask.objects.get(customer__customer_id="C1")
    client.force_login(people.ann)

    page = client.get(f"/tasks/{task.pk}/")
    done = client.post(f"/tasks/{task.pk}/complete/", {"note": "Called."})

    assert page.status_code == 200
    assert f'action="/tasks/{task.pk}/complete/"' in page.content.decode()
    assert done.status_code == 302
    assert PlayTask.objects.get(pk=task.pk).status == "done"
    client.force_login(people.eve)
    assert client.get(f"/tasks/{task.pk}/").status_code == 404  # outside Eve's reach
