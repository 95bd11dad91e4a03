"""A contest run from the browser (docs/incentives.md "Contests"): drafted through a form whose bad values
are named on it and write nothing, started, its events entered by hand and fetched from a person metric,
finished with its winners — ranked 1, 1, 1, 4 and the prize split to the cent — and frozen afterwards; an
event on a closed quarter's day is refused with a message."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from commissions.models import Period, PersonMetric
from core.fiscal import calendar
from recognition.models import Contest, ContestEvent, ContestWinner
from recognition.services.contests import start_contest
from tests.builders import make_user

from .conftest import draft_contest

pytestmark = pytest.mark.django_db
D = Decimal
URL = "/recognition/contests/"


def _contest_form(**changes) -> dict:
    return {
        "code": "clean-data-may",
        "name": "Clean data in May",
        "start": "2021-05-01",
        "end": "2021-05-31",
        "participants": "all",
        "starting_score": "100",
        "prize": "",
        "currency": "",
        "tie_break": "share",
    } | changes


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"end": "2021-04-30"}, "The contest ends (2021-04-30) before it starts (2021-05-01)."),
        ({"prize": "250.00"}, "A prize states its currency."),
        ({"prize": "-10", "currency": "EUR"}, "A prize is an amount above 0 (or none)."),
        ({"prize": "10.005", "currency": "EUR"}, "Ensure that there are no more than 2 decimal places."),
        ({"currency": "EU", "prize": "10"}, "A currency is a 3-letter code such as EUR."),
        ({"participants": "geo"}, "A contest for a geo names the geo."),
        ({"participants": "list"}, "A contest for named people lists at least one person."),
        ({"participants": "list", "people": "E900, E901"}, "No employee E900, E901."),
        ({"code": "new"}, "&#x27;new&#x27; names the page that makes one: choose another code."),
        ({"start": "31/05/2021"}, "Enter a valid date."),
    ],
)
def test_a_bad_contest_is_named_on_the_form_and_nothing_is_written(client, people, changes, named):
    client.force_login(people["ops"])
    response = client.post(f"{URL}new/", _contest_form(**changes))
    assert response.status_code == 400
    assert named in response.content.decode()
    assert 'id="contest-form"' in response.content.decode()  # the form again, as it was sent
    assert not Contest.objects.exists()


def test_a_taken_code_is_named_on_the_code_field(client, people):
    draft_contest(people["ops"])
    client.force_login(people["cco"])
    response = client.post(f"{URL}new/", _contest_form(name="Another"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Contest with this Code already exists." in html
    assert html.index("already exists") > html.index('name="code"')  # under the code's field
    assert list(Contest.objects.values_list("name", flat=True)) == ["Clean data in May"]


def _rows(html: str, people: list) -> list[str]:
    return [
        p.employee_id for p in sorted(people, key=lambda p: html.index(f'data-employee="{p.employee_id}"'))
    ]


def test_create_start_events_finish_with_a_three_way_tie(client, people):
    ann, bob, cat, dan = (
        make_user(Role.CSM, employee_id=e, name=n)
        for e, n in [("E1", "Ann"), ("E2", "Bob"), ("E3", "Cat"), ("E4", "Dan")]
    )
    ops = people["ops"]
    client.force_login(ops)

    # Drafted for four named people (ids in any separator), starting at 100, a prize of 200.00 EUR.
    response = client.post(
        f"{URL}new/",
        _contest_form(participants="list", people="E4, E2\nE1 E3", prize="200.00", currency="eur"),
    )
    assert response.status_code == 302 and response["Location"] == f"{URL}clean-data-may/"
    contest = Contest.objects.get()
    assert (contest.status, contest.prize, contest.currency) == ("draft", D("200.00"), "EUR")
    assert set(contest.people.all()) == {ann, bob, cat, dan}

    assert client.post(f"{URL}clean-data-may/start/").status_code == 302
    contest.refresh_from_db()
    assert contest.status == "active"

    # By hand: Ann −5 then +10 (105), Bob +5 (105); Cat nothing (100).
    for person, day, points, reason in [
        (ann, "2021-05-03", "-5", "Data-quality slip"),
        (ann, "2021-05-10", "10", "Cleaned every account"),
        (bob, "2021-05-04", "5", "Closed duplicate contacts"),
    ]:
        data = {"employee": person.pk, "day": day, "points": points, "reason": reason}
        assert client.post(f"{URL}clean-data-may/events/", data).status_code == 302
    # From a metric: Dan's contacts_added on two days × 2.50 = +2.50 twice (105); fetched again, nothing new.
    PersonMetric.objects.bulk_create(
        [
            PersonMetric(employee=dan, date=date(2021, 5, d), metric="contacts_added", value=D(1))
            for d in (5, 6)
        ]
    )
    metric = {"metric": "contacts_added", "points_per_unit": "2.50", "as_of": ""}
    first = client.post(f"{URL}clean-data-may/events/from-metric/", metric, follow=True)
    assert "2 events from contacts_added entered." in first.content.decode()
    again = client.post(f"{URL}clean-data-may/events/from-metric/", metric, follow=True)
    assert "No new event from contacts_added" in again.content.decode()
    assert ContestEvent.objects.filter(employee=dan).count() == 2

    html = client.get(f"{URL}clean-data-may/").content.decode()
    assert _rows(html, [ann, bob, cat, dan]) == ["E1", "E2", "E4", "E3"]  # rank 1, 1, 1, 4; ties by id

    # Finished: 200.00 ÷ 3 = 66.66 each, the 2 cents left to the first two by employee id.
    finished = client.post(f"{URL}clean-data-may/finish/", follow=True).content.decode()
    assert "Winners: Ann (105, 66.67 EUR); Bob (105, 66.67 EUR); Dan (105, 66.66 EUR)." in finished
    winners = ContestWinner.objects.filter(contest=contest).order_by("employee__employee_id")
    assert [(w.employee.employee_id, w.score, w.prize_share) for w in winners] == [
        ("E1", D(105), D("66.67")),
        ("E2", D(105), D("66.67")),
        ("E4", D(105), D("66.66")),
    ]
    assert sum(w.prize_share for w in winners) == D("200.00")
    assert 'id="contest-winners"' in finished and 'id="event-form"' not in finished  # no more events

    # Frozen: an event posted anyway is refused with a message, nothing written.
    data = {"employee": cat.pk, "day": "2021-05-20", "points": "50", "reason": "Late"}
    refused = client.post(f"{URL}clean-data-may/events/", data)
    assert refused.status_code == 409
    assert "is finished: its events and winners never change." in refused.content.decode()
    assert ContestEvent.objects.filter(employee=cat).count() == 0


def test_an_event_on_a_day_of_a_closed_quarter_is_refused_with_a_message(client, people):
    ops, csm = people["ops"], people["csm"]
    start_contest(contest=draft_contest(ops), user=ops)
    quarter = calendar().period_of(date(2021, 5, 3)).code
    Period.objects.create(
        code=quarter,
        start=date(2021, 5, 1),
        end=date(2021, 7, 31),
        status="closed",
        closed_at=timezone.now(),
        closed_by=ops,
    )
    client.force_login(ops)
    data = {"employee": csm.pk, "day": "2021-05-03", "points": "-5", "reason": "Data-quality slip"}
    response = client.post(f"{URL}clean-data-may/events/", data)
    html = response.content.decode()
    assert response.status_code == 409
    assert f"2021-05-03 lies in a closed quarter ({quarter}): frozen." in html
    assert 'class="message error"' in html
    assert not ContestEvent.objects.exists()


def test_bad_event_values_are_named_on_the_event_form(client, people):
    ops, csm = people["ops"], people["csm"]
    start_contest(contest=draft_contest(ops), user=ops)
    outsider = make_user(Role.FINANCE)
    client.force_login(ops)
    cases = [
        ({"employee": csm.pk, "day": "2021-05-03", "points": "0", "reason": "x"}, "0 points is no event"),
        ({"employee": csm.pk, "day": "2021-06-03", "points": "1", "reason": "x"}, "outside the contest"),
        ({"employee": csm.pk, "day": "2021-05-03", "points": "1.234", "reason": "x"}, "2 decimal places"),
        (
            {"employee": outsider.pk, "day": "2021-05-03", "points": "1", "reason": "x"},
            "Select a valid choice",
        ),
        ({"employee": csm.pk, "day": "2021-05-03", "points": "1", "reason": ""}, "This field is required"),
    ]
    for data, named in cases:
        response = client.post(f"{URL}clean-data-may/events/", data)
        assert response.status_code == 400, data
        assert named in response.content.decode(), data
    assert not ContestEvent.objects.exists()


def test_a_fractional_metric_value_is_refused_on_the_metric_form(client, people):
    ops, csm = people["ops"], people["csm"]
    start_contest(contest=draft_contest(ops), user=ops)
    PersonMetric.objects.create(employee=csm, date=date(2021, 5, 3), metric="demerits", value=D("1.5"))
    client.force_login(ops)
    response = client.post(
        f"{URL}clean-data-may/events/from-metric/", {"metric": "demerits", "points_per_unit": "-5"}
    )
    assert response.status_code == 400
    assert (
        "demerits of" in response.content.decode() and "a whole count is needed." in response.content.decode()
    )
    assert not ContestEvent.objects.exists()


def test_a_contest_does_not_finish_before_its_last_day(client, people):
    ops = people["ops"]
    today = timezone.localdate()
    contest = draft_contest(ops, code="this-month")
    Contest.objects.filter(pk=contest.pk).update(end=date(today.year + 1, 1, 1))
    start_contest(contest=contest, user=ops)
    client.force_login(ops)
    html = client.post(f"{URL}this-month/finish/", follow=True).content.decode()
    assert "it finishes on or after that day." in html
    contest.refresh_from_db()
    assert contest.status == "active" and not contest.winners.exists()


def test_starting_twice_is_refused_with_a_message(client, people):
    start_contest(contest=draft_contest(people["ops"]), user=people["ops"])
    client.force_login(people["cco"])
    html = client.post(f"{URL}clean-data-may/start/", follow=True).content.decode()
    assert "this step needs it draft." in html


def test_the_contest_page_reads_in_a_constant_number_of_queries(client, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ops = people["ops"]
    contest = start_contest(contest=draft_contest(ops), user=ops)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{URL}clean-data-may/").status_code == 200
        return len(queries)

    client.force_login(ops)
    few = count()
    for i in range(4):
        person = make_user(Role.CSM)
        ContestEvent.objects.create(
            contest=contest, employee=person, day=date(2021, 5, 3 + i), points=D(-1), reason="slip"
        )
    assert count() == few
