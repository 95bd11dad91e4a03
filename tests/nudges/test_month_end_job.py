"""The month-end job reads the person_metrics import (docs/design.md §11.1, §11.5) and nudges the month
just ended, once."""

from datetime import date
from decimal import Decimal

from commissions.models import PersonMetric
from recognition.models import Nudge
from recognition.services.nudges import previous_month
from recognition.tasks import month_end_nudges

from .conftest import csms


def test_previous_month_of_the_1st_is_the_month_just_ended():
    assert previous_month(date(2021, 6, 1)) == date(2021, 5, 1)
    assert previous_month(date(2021, 1, 1)) == date(2020, 12, 1)


def test_the_job_reads_stored_metrics_and_a_rerun_sends_nothing(
    db, config, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("recognition.tasks.timezone.localdate", lambda: date(2021, 6, 1))
    low, high = csms(2)
    PersonMetric.objects.bulk_create(
        [
            PersonMetric(
                employee=low, date=date(2021, 5, 1), metric="login_rate", period="month", value=Decimal(40)
            ),
            PersonMetric(employee=high, date=date(2021, 5, 7), metric="login_rate", value=Decimal(80)),
            PersonMetric(employee=high, date=date(2021, 5, 8), metric="login_rate", value=Decimal(90)),
            PersonMetric(employee=low, date=date(2021, 6, 1), metric="login_rate", value=Decimal(1)),  # June
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert month_end_nudges() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert month_end_nudges() == 0
    nudge = Nudge.objects.get()
    assert (nudge.employee, nudge.month, nudge.value, nudge.rank, nudge.of) == (
        low,
        date(2021, 5, 1),
        40,
        1,
        2,
    )
    assert [m.to for m in mailoutbox] == [[low.email]]
