"""Filing an exception or extra credit (DESIGN §5): who, for which customer and quarter, what value."""

from decimal import Decimal

import pytest

from accounts.models import Role
from approvals.models import Request, RequestStep
from approvals.services import file_request, reject, withdraw
from commissions.services.plans import load_plan
from core.errors import AttainError, NotAllowed, PeriodClosed
from tests.builders import make_customer, make_user

from .conftest import JUSTIFICATION, WORKED_PLAN, close_directly, file_exception, file_extra_credit

pytestmark = pytest.mark.django_db


def test_csvp_of_the_customers_geo_files_an_exception(csvp, customer, period):
    request = file_exception(csvp, customer, period, value="1.2")
    request.refresh_from_db()
    assert request.kind == Request.Kind.EXCEPTION and request.status == Request.Status.PENDING_CCO
    assert request.value == Decimal("1.2") and request.filed_by == csvp
    assert request.customer == customer and request.period == period and request.version == 1
    assert request.justification == JUSTIFICATION


def test_csvp_of_the_customers_geo_files_extra_credit(csvp, customer, period):
    request = file_extra_credit(csvp, customer, period, value="0.25")
    request.refresh_from_db()
    assert request.kind == Request.Kind.EXTRA_CREDIT and request.status == Request.Status.PENDING_CCO
    assert request.value == Decimal("0.25")


@pytest.mark.parametrize("value", ["0", "1.5", Decimal("0.75"), 1])
def test_exception_value_may_be_anything_from_0_to_the_customer_cap(csvp, customer, period, value):
    assert file_exception(csvp, customer, period, value=value).value == Decimal(str(value))


@pytest.mark.parametrize("value", ["0.0001", "1", 1])
def test_extra_credit_points_may_be_anything_above_0_up_to_1(csvp, customer, period, value):
    assert file_extra_credit(csvp, customer, period, value=value).value == Decimal(str(value))


def test_filing_records_a_filed_step(csvp, customer, period):
    request = file_exception(csvp, customer, period)
    step = RequestStep.objects.get(request=request)
    assert (step.action, step.role, step.actor, step.status_after) == (
        RequestStep.Action.FILED,
        Role.CSVP,
        csvp,
        Request.Status.PENDING_CCO,
    )
    assert step.comment == JUSTIFICATION and step.at is not None


@pytest.mark.parametrize("role", [Role.CSM, Role.CCO, Role.OPS, Role.FINANCE, Role.ADMIN])
def test_only_a_csvp_files_a_request(customer, period, role):
    with pytest.raises(NotAllowed, match="Only a Geo VP"):
        file_exception(make_user(role, geo="AMER"), customer, period)
    with pytest.raises(NotAllowed, match="Only a Geo VP"):
        file_extra_credit(make_user(role, geo="AMER"), customer, period)
    assert not Request.objects.exists()


def test_inactive_csvp_cannot_file(customer, period):
    with pytest.raises(NotAllowed):
        file_exception(make_user(Role.CSVP, geo="AMER", is_active=False), customer, period)
    assert not Request.objects.exists()


def test_csvp_of_another_geo_cannot_file_for_the_customer(emea_csvp, customer, period):
    with pytest.raises(NotAllowed, match="C100 is in AMER; you file for EMEA"):
        file_exception(emea_csvp, customer, period)
    with pytest.raises(NotAllowed, match="C100 is in AMER"):
        file_extra_credit(emea_csvp, customer, period)
    assert not Request.objects.exists()


def test_closed_quarter_refuses_a_request(csvp, customer, period, ops):
    close_directly(period, ops)
    with pytest.raises(PeriodClosed, match="FY22-Q2 is closed: cannot file a request"):
        file_exception(csvp, customer, period)
    with pytest.raises(PeriodClosed, match="FY22-Q2 is closed"):
        file_extra_credit(csvp, customer, period)
    assert not Request.objects.exists()


@pytest.mark.parametrize("value", ["1.5001", "2", "-0.01", -1])
def test_exception_outside_0_to_customer_cap_is_refused(csvp, customer, period, value):
    with pytest.raises(AttainError, match="between 0 and the customer cap 1.5"):
        file_exception(csvp, customer, period, value=value)
    assert not Request.objects.exists()


def test_customer_cap_comes_from_the_quarters_plan(csvp, customer, period):
    load_plan(source=WORKED_PLAN.read_text().replace("customer_cap: 1.5", "customer_cap: 1.2"))
    with pytest.raises(AttainError, match="customer cap 1.2"):
        file_exception(csvp, customer, period, value="1.25")
    assert file_exception(csvp, customer, period, value="1.2").value == Decimal("1.2")


@pytest.mark.parametrize("value", ["0", "0.0", "1.0001", "2", "-0.5"])
def test_extra_credit_outside_0_exclusive_to_1_is_refused(csvp, customer, period, value):
    with pytest.raises(AttainError, match="more than 0 and at most 1"):
        file_extra_credit(csvp, customer, period, value=value)
    assert not Request.objects.exists()


@pytest.mark.parametrize("value", ["abc", "", "  ", None, "1,5", "NaN", "Infinity", "one"])
def test_value_that_is_not_a_number_is_refused(csvp, customer, period, value):
    with pytest.raises(AttainError, match="is not a number"):
        file_exception(csvp, customer, period, value=value)
    with pytest.raises(AttainError, match="is not a number"):
        file_extra_credit(csvp, customer, period, value=value)
    assert not Request.objects.exists()


@pytest.mark.parametrize("justification", ["", None, "too short", "x" * 19, "   " + "y" * 19 + "   "])
def test_justification_of_fewer_than_20_characters_is_refused(csvp, customer, period, justification):
    with pytest.raises(AttainError, match="at least 20 characters"):
        file_exception(csvp, customer, period, justification=justification)
    assert not Request.objects.exists()


def test_justification_of_exactly_20_characters_is_enough(csvp, customer, period):
    assert file_exception(csvp, customer, period, justification="x" * 20).justification == "x" * 20


def test_justification_of_more_than_2000_characters_is_refused_and_2000_is_enough(csvp, customer, period):
    with pytest.raises(AttainError, match="100,000 characters long: at most 2,000"):
        file_exception(csvp, customer, period, justification="x" * 100_000)
    assert not Request.objects.exists()
    assert len(file_exception(csvp, customer, period, justification="x" * 2000).justification) == 2000


def test_second_open_request_of_the_same_kind_is_refused_with_a_clear_message(csvp, customer, period):
    first = file_exception(csvp, customer, period)
    with pytest.raises(AttainError, match="C100 already has an open exception request for FY22-Q2"):
        file_exception(csvp, customer, period, value="0.5")
    file_extra_credit(csvp, customer, period)
    with pytest.raises(AttainError, match="C100 already has an open extra credit request for FY22-Q2"):
        file_extra_credit(csvp, customer, period, value="0.1")
    assert Request.objects.count() == 2
    assert list(Request.objects.filter(kind=Request.Kind.EXCEPTION)) == [first]


def test_second_open_request_is_refused_at_every_open_status(csvp, customer, period, cco, finance):
    from approvals.services import approve

    request = file_exception(csvp, customer, period)
    request = approve(request=request, user=cco, comment="ok for me")
    with pytest.raises(AttainError, match="already has an open exception request"):
        file_exception(csvp, customer, period)
    approve(request=request, user=finance, comment="ok for finance")
    with pytest.raises(AttainError, match="already has an open exception request"):
        file_exception(csvp, customer, period)


def test_a_new_request_may_follow_a_rejected_or_withdrawn_one(csvp, customer, period, cco):
    reject(request=file_exception(csvp, customer, period), user=cco, comment="Not convincing.")
    withdraw(request=file_exception(csvp, customer, period), user=csvp)
    assert file_exception(csvp, customer, period).status == Request.Status.PENDING_CCO
    assert Request.objects.count() == 3


def test_the_same_kind_for_another_customer_is_independent(csvp, customer, period):
    file_exception(csvp, customer, period)
    other = make_customer("C200", geo="AMER")
    assert file_exception(csvp, other, period).customer == other


def test_unknown_kind_is_refused(csvp, customer, period):
    with pytest.raises(AttainError, match="Unknown request kind"):
        file_request(
            user=csvp, kind="bonus", customer=customer, period=period, value="1", justification=JUSTIFICATION
        )
