"""The incentives' and recognition's rows in the admin: each listed and shown, none added, changed or
deleted there — the services are the only way to change them (docs/design.md §11.3-11.5)."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import Role, User
from commissions.models import PersonMetric
from commissions.services.person_metrics import values_from
from incentives.models import (
    PointsEntry,
    PointsRule,
    Redemption,
    RedemptionLot,
    Reward,
    Spiff,
    SpiffAward,
    SpiffEvent,
)
from incentives.services.awards import award_spiff
from incentives.services.points import earn_points
from incentives.services.redemptions import approve_redemption, request_redemption
from recognition.models import (
    Contest,
    ContestEvent,
    ContestWinner,
    Nudge,
    NudgeConfig,
    NudgeMonth,
    WallSetting,
)
from recognition.services.contests import add_event, finish_contest
from recognition.services.nudges import save_config, send_nudges
from recognition.services.wall import set_needs_attention
from recognition.tasks import send_nudge_email
from tests.builders import assign_plan, make_user
from tests.contests.conftest import active_contest
from tests.points.conftest import LATER, logins_rule, reward
from tests.spiffs.conftest import approved, rule_spiff

MODELS = [
    Spiff,
    SpiffAward,
    SpiffEvent,
    PointsRule,
    Reward,
    Redemption,
    RedemptionLot,
    PointsEntry,
    Contest,
    ContestEvent,
    ContestWinner,
    WallSetting,
    NudgeConfig,
    Nudge,
    NudgeMonth,
]


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def rows(db, ops, cco, finance, csm, monkeypatch):
    """One row at least of every model, each made by its service."""
    monkeypatch.setattr(send_nudge_email, "delay", lambda *args: send_nudge_email(*args))
    assign_plan(csm)
    spiff = approved(rule_spiff(ops, people=[csm]), ops, cco)
    PersonMetric.objects.create(employee=csm, date=date(2021, 5, 3), metric="login_rate", value=Decimal(95))
    award_spiff(spiff, date(2021, 5, 31))
    logins_rule(ops, points=100, start=date(2021, 4, 1))
    earn_points(date(2021, 4, 1), metrics=values_from([(csm.pk, date(2021, 4, 1), Decimal(95))]), today=LATER)
    voucher = reward(ops, code="voucher", price=30, kind="cash", cash_amount="50.00", currency="USD")
    asked = request_redemption(reward=voucher, user=csm, today=date(2021, 5, 3))
    approve_redemption(redemption=asked, user=finance, today=date(2021, 5, 4))
    other = make_user(Role.CSM)
    contest = active_contest(ops, [csm, other])
    add_event(contest=contest, user=ops, employee=other, day=date(2021, 5, 3), points="-5", reason="Slip")
    finish_contest(contest=contest, user=ops, on=date(2021, 6, 1))
    set_needs_attention(user=cco, enabled=True, metric="login_rate")
    save_config(
        user=cco,
        code="logins",
        metric="login_rate",
        subject="S",
        message="Hi $name",
        task_title="Show a feature",
    )
    send_nudges(date(2021, 5, 1), metrics=values_from([(csm.pk, date(2021, 5, 1), Decimal(40))]))
    return {model: model.objects.order_by("pk").first() for model in MODELS}


@pytest.fixture
def admin_client(client, db):
    client.force_login(
        User.objects.create_superuser(email="root@example.com", password="correct horse battery")
    )
    return client


def test_every_model_has_an_admin():
    assert [model.__name__ for model in MODELS if model not in admin.site._registry] == []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_each_row_is_listed_and_shown_and_nothing_is_added_changed_or_deleted_there(
    admin_client, rows, model
):
    row = rows[model]
    before = model.objects.count()

    listed = admin_client.get(url(model, "changelist"))
    shown = admin_client.get(url(model, "change", row.pk))

    assert listed.status_code == 200
    assert row.pk in [obj.pk for obj in listed.context["cl"].result_list]
    assert shown.status_code == 200
    assert not shown.context["has_change_permission"]
    assert 'name="_save"' not in shown.content.decode()
    assert admin_client.get(url(model, "add")).status_code == 403
    assert admin_client.post(url(model, "change", row.pk), {}).status_code == 403
    assert admin_client.post(url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert model.objects.count() == before
