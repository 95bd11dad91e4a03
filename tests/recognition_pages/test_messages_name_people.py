"""Messages of the recognition services name a person by employee id and e-mail, never by a database id
(docs/incentives.md "Contests")."""

from datetime import date
from decimal import Decimal

import pytest

from commissions.models import PersonMetric
from recognition.errors import RecognitionInvalid
from recognition.models import ContestEvent
from recognition.services.contests import events_from_metric, start_contest
from tests.builders import make_user

from .conftest import draft_contest

pytestmark = pytest.mark.django_db
URL = "/recognition/contests/"


def test_a_fractional_metric_value_names_the_person_by_employee_id_and_email(client, people):
    ops, csm = people["ops"], people["csm"]
    contest = start_contest(contest=draft_contest(ops), user=ops)
    PersonMetric.objects.create(
        employee=csm, date=date(2021, 5, 3), metric="login_rate", value=Decimal("92.5000")
    )
    expected = (
        f"login_rate of {csm.employee_id} ({csm.email}) on 2021-05-03 is 92.5: a whole count is needed."
    )

    with pytest.raises(RecognitionInvalid) as refused:
        events_from_metric(contest=contest, user=ops, metric="login_rate", points_per_unit="-5")
    assert expected in refused.value.message
    assert f"of {csm.pk} on" not in refused.value.message

    client.force_login(ops)
    response = client.post(
        f"{URL}clean-data-may/events/from-metric/", {"metric": "login_rate", "points_per_unit": "-5"}
    )
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not ContestEvent.objects.exists()


def test_a_person_without_an_employee_id_is_named_by_email(people):
    ops = people["ops"]
    contest = start_contest(contest=draft_contest(ops), user=ops)
    newcomer = make_user("csm")
    type(newcomer).objects.filter(pk=newcomer.pk).update(employee_id=None)
    PersonMetric.objects.create(
        employee=newcomer, date=date(2021, 5, 4), metric="demerits", value=Decimal("0.5")
    )
    with pytest.raises(RecognitionInvalid, match=f"demerits of {newcomer.email} on 2021-05-04 is 0.5: "):
        events_from_metric(contest=contest, user=ops, metric="demerits", points_per_unit="-5")


def test_recognition_rows_name_contests_configs_and_people_never_by_database_id(people):
    from commissions.services.person_metrics import values_from
    from recognition.models import ContestWinner, Nudge, NudgeMonth
    from recognition.services.contests import add_event, finish_contest
    from recognition.services.nudges import send_nudges

    from .conftest import logins_config

    ops, csm = people["ops"], people["csm"]
    contest = start_contest(contest=draft_contest(ops), user=ops)
    add_event(contest=contest, user=ops, employee=csm, day=date(2021, 5, 3), points="5", reason="Demo")
    finish_contest(contest=contest, user=ops, on=date(2021, 6, 1))
    logins_config(people["cco"])
    send_nudges(date(2021, 5, 1), metrics=values_from([(csm.pk, date(2021, 5, 3), Decimal(40))]))

    assert str(ContestEvent.objects.get()) == f"clean-data-may: +5.00 to {csm.email} on 2021-05-03"
    assert str(ContestWinner.objects.get()) == f"clean-data-may: {csm.email} (105.00)"
    assert str(Nudge.objects.get()) == f"logins 2021-05 {csm.email} (rank 1 of 1)"
    assert str(NudgeMonth.objects.get()) == "logins 2021-05: 1 of 1"
