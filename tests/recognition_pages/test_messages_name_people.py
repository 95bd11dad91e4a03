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
