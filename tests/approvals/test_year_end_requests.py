"""Year-end requests (issue 14, DESIGN §5): a closed quarter takes an exception or extra credit only within
the window that opens on its fiscal year's last pull date (FY22: 2022-02-01) and lasts
``YEAR_END_WINDOW_DAYS`` days, the last one included; several quarters of one fiscal year are filed at once,
all or none."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from approvals import selectors, year_end
from approvals.models import Request, RequestStep
from approvals.services import approve, file_requests
from commissions.services.periods import get_period
from core.errors import AttainError, NotAllowed, PeriodClosed
from tests.builders import make_customer

from .conftest import JUSTIFICATION, close_directly, file_exception, file_extra_credit

pytestmark = pytest.mark.django_db

REFUSED_Q2 = (
    "FY22-Q2 is closed: cannot file a request. A year-end request for it can be filed from 2022-02-01 "
    "to 2022-04-02."
)


@pytest.fixture
def today(monkeypatch):
    """``today(date(...))`` makes that day the local date of every service and selector."""

    def set_today(day: date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return set_today


@pytest.fixture
def closed_q2(period, ops):
    close_directly(period, ops)
    return period


def file_many(user, customer, periods, kind=Request.Kind.EXCEPTION, value="1") -> list[Request]:
    return file_requests(
        user=user, kind=kind, customer=customer, periods=periods, value=value, justification=JUSTIFICATION
    )


# --- the window ---------------------------------------------------------------------------------------------


def test_the_window_opens_on_the_fiscal_years_last_pull_date_and_lasts_the_setting(period, settings):
    assert year_end.window(period) == (date(2022, 2, 1), date(2022, 4, 2))
    assert year_end.window(get_period("FY22-Q4")) == (date(2022, 2, 1), date(2022, 4, 2))
    settings.YEAR_END_WINDOW_DAYS = 10
    assert year_end.window(period) == (date(2022, 2, 1), date(2022, 2, 11))


def test_the_window_follows_the_configured_fiscal_calendar(period, settings):
    settings.FISCAL_YEAR_START_MONTH = 1  # FY22 is calendar 2022: its last pull is 2023-01-01
    assert year_end.window(period) == (date(2023, 1, 1), date(2023, 3, 2))


@pytest.mark.parametrize("day", [date(2022, 2, 1), date(2022, 3, 1), date(2022, 4, 2)])
def test_a_closed_quarter_takes_a_request_within_its_year_end_window(csvp, customer, closed_q2, today, day):
    today(day)
    request = file_exception(csvp, customer, closed_q2)
    request.refresh_from_db()
    assert request.period == closed_q2 and request.status == Request.Status.PENDING_CCO
    assert file_extra_credit(csvp, customer, closed_q2).period == closed_q2


@pytest.mark.parametrize("day", [date(2021, 9, 1), date(2022, 1, 31), date(2022, 4, 3), date(2026, 12, 6)])
def test_a_closed_quarter_refuses_a_request_outside_its_window_naming_the_dates(
    csvp, customer, closed_q2, today, day
):
    today(day)
    with pytest.raises(PeriodClosed) as refused:
        file_exception(csvp, customer, closed_q2)
    assert refused.value.message == REFUSED_Q2
    with pytest.raises(PeriodClosed, match="2022-02-01 to 2022-04-02"):
        file_extra_credit(csvp, customer, closed_q2)
    assert not Request.objects.exists()


def test_the_window_length_is_the_setting_day_n_included(csvp, customer, closed_q2, today, settings):
    settings.YEAR_END_WINDOW_DAYS = 10
    today(date(2022, 2, 11))
    assert file_exception(csvp, customer, closed_q2).period == closed_q2
    today(date(2022, 2, 12))
    with pytest.raises(PeriodClosed, match="from 2022-02-01 to 2022-02-11"):
        file_extra_credit(csvp, customer, closed_q2)


@pytest.mark.parametrize("day", [date(2021, 9, 1), date(2022, 3, 1), date(2026, 12, 6)])
def test_an_open_quarter_takes_a_request_whatever_the_day(csvp, customer, period, today, day):
    today(day)
    assert file_exception(csvp, customer, period).period == period


def test_only_the_customers_geo_vp_files_a_year_end_request(emea_csvp, customer, closed_q2, today):
    today(date(2022, 3, 1))
    with pytest.raises(NotAllowed, match="C100 is in AMER"):
        file_exception(emea_csvp, customer, closed_q2)
    assert not Request.objects.exists()


def test_a_year_end_request_follows_the_usual_steps(csvp, customer, closed_q2, today, cco, finance):
    today(date(2022, 3, 1))
    exception = approve(request=file_exception(csvp, customer, closed_q2), user=cco, comment="Effort shown.")
    assert exception.status == Request.Status.PENDING_FINANCE
    assert approve(request=exception, user=finance, comment="Budgeted.").status == Request.Status.APPROVED
    extra = approve(request=file_extra_credit(csvp, customer, closed_q2), user=cco, comment="Deserved.")
    assert extra.status == Request.Status.APPROVED


# --- several quarters at once -------------------------------------------------------------------------------


def test_one_request_per_quarter_is_filed_each_with_its_step_and_e_mail(
    csvp, customer, closed_q2, today, cco, deliver, mailoutbox
):
    today(date(2022, 3, 1))
    q3, q4 = get_period("FY22-Q3"), get_period("FY22-Q4")
    with deliver():
        filed = file_many(csvp, customer, [q4, closed_q2, q3], value="1.2")
    assert [r.period.code for r in filed] == ["FY22-Q2", "FY22-Q3", "FY22-Q4"]
    assert {(r.kind, r.customer, r.value, r.status) for r in filed} == {
        ("exception", customer, Decimal("1.2"), Request.Status.PENDING_CCO)
    }
    assert RequestStep.objects.filter(request__in=filed, action=RequestStep.Action.FILED).count() == 3
    assert len(mailoutbox) == 3 and all(m.to == [cco.email] for m in mailoutbox)


def test_a_refused_quarter_files_nothing_and_is_named(csvp, customer, period, today, ops):
    q3 = get_period("FY22-Q3")
    close_directly(period, ops)
    today(date(2022, 5, 1))  # after FY22's window: the closed FY22-Q2 is refused, the open FY22-Q3 is not
    with pytest.raises(PeriodClosed, match="^FY22-Q2 is closed: .* from 2022-02-01 to 2022-04-02"):
        file_many(csvp, customer, [q3, period])
    assert not Request.objects.exists()


def test_an_open_request_of_one_quarter_refuses_the_whole_filing_naming_that_quarter(
    csvp, customer, closed_q2, today
):
    today(date(2022, 3, 1))
    q3, q4 = get_period("FY22-Q3"), get_period("FY22-Q4")
    earlier = file_exception(csvp, customer, q3)
    with pytest.raises(AttainError, match="^C100 already has an open exception request for FY22-Q3.$"):
        file_many(csvp, customer, [closed_q2, q3, q4])
    assert list(Request.objects.all()) == [earlier]


def test_quarters_of_two_fiscal_years_are_refused(csvp, customer, period):
    with pytest.raises(AttainError) as refused:
        file_many(csvp, customer, [period, get_period("FY23-Q1"), get_period("FY22-Q3")])
    assert refused.value.message == (
        "The quarters of one filing must be of one fiscal year, not of FY22: FY22-Q2, FY22-Q3; FY23: FY23-Q1."
    )
    assert not Request.objects.exists()


def test_a_quarter_chosen_twice_is_refused(csvp, customer, period):
    with pytest.raises(AttainError, match="^FY22-Q2 is chosen more than once: choose each quarter once.$"):
        file_many(csvp, customer, [period, get_period("FY22-Q2")])
    assert not Request.objects.exists()


def test_no_quarter_is_refused(csvp, customer):
    with pytest.raises(AttainError, match="^Choose at least one quarter.$"):
        file_many(csvp, customer, [])


def test_the_value_is_checked_once_for_every_quarter(csvp, customer, period):
    with pytest.raises(AttainError, match="between 0 and the customer cap 1.5"):
        file_many(csvp, customer, [period, get_period("FY22-Q3")], value="1.6")
    assert not Request.objects.exists()


def test_the_same_customer_in_another_kind_is_independent(csvp, customer, closed_q2, today):
    today(date(2022, 3, 1))
    file_many(csvp, customer, [closed_q2])
    assert len(file_many(csvp, make_customer("C200", geo="AMER"), [closed_q2])) == 1
    assert len(file_many(csvp, customer, [closed_q2], kind=Request.Kind.EXTRA_CREDIT, value="0.5")) == 1


# --- what the form and the API offer -----------------------------------------------------------------------


def test_closed_quarters_are_offered_only_within_their_window(closed_q2, today, ops):
    q3 = get_period("FY22-Q3")
    close_directly(q3, ops)
    q4 = get_period("FY22-Q4")
    today(date(2022, 3, 1))
    assert [p.code for p in selectors.filing_periods()] == ["FY22-Q4", "FY22-Q3", "FY22-Q2"]
    today(date(2022, 4, 3))
    assert [p.code for p in selectors.filing_periods()] == ["FY22-Q4"]
    assert q4.is_closed is False


def test_a_closed_quarter_not_offered_is_refused_with_its_window(closed_q2, today):
    today(date(2022, 4, 3))
    with pytest.raises(PeriodClosed) as refused:
        selectors.offered_period("FY22-Q2", selectors.filing_periods())
    assert refused.value.message == REFUSED_Q2
