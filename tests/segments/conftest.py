"""A small world for segments and plays: CSMs of two geos with their Geo VPs, ops, the CCO, finance, an
account executive, customers owned by them (one by nobody), a low-utilisation segment with a play, and
usage rows written day by day (docs/design.md §10.5, §10.6)."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from accounts.models import Role
from adoption.models import Play, Segment, UsageRecord
from tests.builders import make_customer, make_user

# The webhook tests' real receiver on 127.0.0.1 and short retry settings (tests/webhooks/conftest.py).
from tests.webhooks.conftest import queued, receiver, webhook_settings  # noqa: F401

START = date(2026, 3, 1)  # the customers' first day
DAY = date(2026, 6, 1)  # the first day the tests evaluate


def day(n: int) -> date:
    """DAY + n days."""
    return DAY + timedelta(days=n)


def set_utilisation(customer, on: date, active: int, seats: int = 100) -> None:
    """``customer``'s active users and seats on ``on`` (replacing what the day had)."""
    for metric, value in (("active_users", active), ("licensed_seats", seats)):
        UsageRecord.objects.update_or_create(
            customer=customer, date=on, metric=metric, defaults={"value": value}
        )


@pytest.fixture
def people(db):
    return SimpleNamespace(
        ann=make_user(Role.CSM, geo="AMER", email="ann@example.com", name="Ann Amer", employee_id="E-ANN"),
        bob=make_user(Role.CSM, geo="AMER", email="bob@example.com", name="Bob Amer", employee_id="E-BOB"),
        eve=make_user(Role.CSM, geo="EMEA", email="eve@example.com", name="Eve Emea", employee_id="E-EVE"),
        vp_amer=make_user(Role.CSVP, geo="AMER", email="vp.amer@example.com", name="Vera Amer"),
        vp_emea=make_user(Role.CSVP, geo="EMEA", email="vp.emea@example.com", name="Vic Emea"),
        ops=make_user(Role.OPS, geo="", email="ops@example.com", name="Olive Ops"),
        cco=make_user(Role.CCO, geo="", email="cco@example.com", name="Cora Cco"),
        finance=make_user(Role.FINANCE, geo="", email="fin@example.com", name="Finn Finance"),
        ae=make_user(geo="AMER", email="ae@example.com", name="Alex Exec", employee_id="E-AE"),
    )


@pytest.fixture
def customers(people):
    return SimpleNamespace(
        c1=make_customer("C1", name="Acme", owner=people.ann, start_date=START, ae_employee=people.ae),
        c2=make_customer("C2", name="Globex", owner=people.bob, start_date=START),
        c3=make_customer("C3", name="Initech", geo="EMEA", owner=people.eve, start_date=START),
        c4=make_customer("C4", name="Nobody's", start_date=START),  # owned by nobody
    )


@pytest.fixture
def low(db):
    """Low utilisation (below 60 %), with a play of two tasks that tells the account executive."""
    segment = Segment.objects.create(code="low_util", name="Low utilisation", rule="low_utilisation")
    Play.objects.create(
        segment=segment,
        code="low_util_outreach",
        name="Win the users back",
        tasks=[{"title": "Call the sponsor", "due_days": 3}, {"title": "Run a training", "due_days": 14}],
        notify_ae=True,
        recovery_days=10,
    )
    return segment
