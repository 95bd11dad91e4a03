"""Messages name things as the pages do — a grant by its number and SPIFF, a person by e-mail, a reward by
its name and code — never by the database ids of a SPIFF or a person (docs/incentives.md "Pages")."""

from datetime import date
from decimal import Decimal

import pytest

from commissions.services.person_metrics import MetricValue
from core.errors import NotAllowed
from incentives.errors import PointsInvalid, SpiffInvalid
from incentives.models import PointsEntry
from incentives.services.awards import approve_grant, award_spiff, grant_spiff
from incentives.services.points import create_points_rule, earn_points
from incentives.services.redemptions import approve_redemption, create_reward, request_redemption

from .conftest import manual_spiff

pytestmark = pytest.mark.django_db


def test_a_refused_grant_approval_names_the_grant_the_spiff_and_the_person(ops, cco, finance, csm, plan):
    spiff = manual_spiff(ops, cco, budget="500.00")
    award = grant_spiff(
        spiff=spiff, employee=csm, amount="300.00", day=date(2021, 5, 20), reason="Saved.", user=ops
    )

    with pytest.raises(NotAllowed) as refused:
        approve_grant(award=award, user=finance)

    message = refused.value.message
    assert (
        f"may not approve the grant #{award.pk} of saves-may: 300.00 USD to {csm.email} on 2021-05-20"
        in message
    )
    assert f" {spiff.pk}:" not in message and f"to {csm.pk} " not in message


def test_a_decided_request_is_named_by_its_reward_and_person(ops, finance, csm):
    create_points_rule(
        user=ops,
        code="logins",
        name="Logins",
        metric="login_rate",
        threshold="90",
        points=50,
        start=date(2025, 1, 1),
    )
    from commissions.services.person_metrics import values_from

    earn_points(
        date(2025, 1, 1),
        metrics=values_from([(csm.pk, date(2025, 1, 1), Decimal("95"))]),
        today=date(2030, 1, 1),
    )
    reward = create_reward(user=ops, code="mug", name="Mug", kind="training", price=15)
    redemption = request_redemption(reward=reward, user=csm, today=date(2025, 3, 1))
    approve_redemption(redemption=redemption, user=finance, today=date(2025, 3, 2))

    assert str(redemption) == f"the request #{redemption.pk} for Mug (mug) by {csm.email}"
    with pytest.raises(Exception) as again:
        approve_redemption(redemption=redemption, user=finance, today=date(2025, 3, 2))
    assert f"for Mug (mug) by {csm.email} is approved" in again.value.message
    assert str(PointsEntry.objects.get(kind="earned")) == f"{csm.email} earned +50 on 2025-01-31"


def test_a_float_value_is_named_by_the_employee_id_not_the_person_pk(ops, cco, csm, plan):
    from tests.spiffs.conftest import approved, rule_spiff

    spiff = approved(rule_spiff(ops), ops, cco)
    rows = [MetricValue(employee=csm.pk, day=date(2021, 5, 3), value=95.0)]

    with pytest.raises(SpiffInvalid) as refused:
        award_spiff(spiff, date(2021, 5, 31), metrics=lambda **kw: rows)

    assert f"login_rate of employee {csm.employee_id} on 2021-05-03 is a float" in refused.value.message

    create_points_rule(
        user=ops,
        code="logins",
        name="Logins",
        metric="login_rate",
        threshold="90",
        points=5,
        start=date(2021, 5, 1),
    )
    with pytest.raises(PointsInvalid) as points:
        earn_points(date(2021, 5, 1), metrics=lambda **kw: rows, today=date(2030, 1, 1))
    assert f"login_rate of {csm.email} on 2021-05-03 is a float" in points.value.message
