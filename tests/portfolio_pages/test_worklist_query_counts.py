"""The segments-and-tasks tables cost the team and company pages a fixed number of queries, whatever the
number of CSMs, geos, segments, members or tasks (docs/performance.md's query-count rule)."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from adoption.models import Play, PlayTask, Segment, SegmentMembership
from tests.builders import make_customer, make_user


def _queries(client, url: str) -> int:
    client.get(url)  # warm: the quarter's row, lazily created rows, the cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _segment(code: str) -> Segment:
    return Segment.objects.create(code=code, name=code.title(), rule="low_utilisation")


def _csm_with_work(geo: str, employee_id: str, segments: list[Segment]) -> None:
    """A CSM of ``geo`` with a customer in each of ``segments`` and an open task on each membership."""
    csm = make_user(Role.CSM, geo=geo, employee_id=employee_id)
    customer = make_customer(f"C-{employee_id}", geo=geo, owner=csm, start_date=date(2026, 1, 1))
    today = timezone.localdate()
    for segment in segments:
        member = SegmentMembership.objects.create(segment=segment, customer=customer, entered_on=today)
        play, _ = Play.objects.get_or_create(
            segment=segment, code=f"p-{segment.code}", defaults={"name": "P", "tasks": []}
        )
        PlayTask.objects.create(
            play=play,
            membership=member,
            position=0,
            customer=customer,
            assignee=csm,
            title="Call",
            created_on=today,
            due_on=today,
        )


def test_team_table_costs_the_same_for_two_csms_and_segments_as_for_twenty_and_six(client, csvp):
    first = [_segment("s1"), _segment("s2")]
    for n in range(2):
        _csm_with_work("AMER", f"A{n}", first)
    client.force_login(csvp)
    small = _queries(client, "/team/")
    more = first + [_segment(f"s{n}") for n in range(3, 7)]
    for n in range(2, 20):
        _csm_with_work("AMER", f"A{n}", more)

    assert _queries(client, "/team/") == small
    table = client.get("/team/").context["tables"]["segments_tasks_per_csm"]
    assert len(table.rows) == 20 and len(table.columns) == 9
    assert sum(row["open_tasks"] for row in table.rows) == 2 * 2 + 18 * 6


def test_company_table_costs_the_same_for_one_geo_as_for_six(client, cco):
    segments = [_segment("s1")]
    _csm_with_work("AMER", "A0", segments)
    client.force_login(cco)
    one = _queries(client, "/company/")
    segments += [_segment(f"s{n}") for n in range(2, 6)]
    for geo in ("APAC", "EMEA", "LATAM", "ANZ", "JP"):
        _csm_with_work(geo, f"{geo}-1", segments)

    assert _queries(client, "/company/") == one
    table = client.get("/company/").context["worklist_table"]
    assert [row["geo"] for row in table.rows] == ["AMER", "ANZ", "APAC", "EMEA", "JP", "LATAM"]
    assert len(table.columns) == 8
