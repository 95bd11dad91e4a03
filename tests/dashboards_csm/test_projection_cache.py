"""The cached projection of "My quarter" is never stale: every way the inputs change shows at once.

The worked example, live (no pull): E1's projected total is 2,333.33 (DESIGN §4 worked example). Each
test opens the page (filling the cache), checks the second visit is served from the cache, changes an
input the way operations would, and expects the page to show the engine's new figure.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from adoption.models import ScoreObservation
from approvals.services import apply, approve, file_request
from commissions.models import Deal, KpiActual
from commissions.services.imports import import_file
from commissions.services.periods import get_period
from commissions.services.pulls import pull_scores
from dashboards.projection import compute
from tests.builders import make_user

pytestmark = pytest.mark.django_db

URL = "/my/?period=FY22-Q2"


def shown_total(client) -> Decimal:
    (plan,) = client.get(URL).context["plans"]
    return plan.total


def engine_total(user) -> Decimal:
    (projection,) = compute(get_period("FY22-Q2"), [user.pk])
    return projection.result.payouts.iloc[0]["total"]


def queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


@pytest.fixture
def page(client, worked):
    """E1 signed in, their page opened once (cached): 2,333.33."""
    get_period("FY22-Q2")
    client.force_login(worked)
    assert shown_total(client) == Decimal("2333.33")
    return client


def test_second_visit_is_served_from_the_cache(client, worked):
    from django.core.cache import cache

    get_period("FY22-Q2")
    client.force_login(worked)
    cache.clear()
    cold = queries(client)
    warm = queries(client)
    assert warm < cold
    assert shown_total(client) == Decimal("2333.33")


def test_imported_scores_show_at_once(page, worked, tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("customer_id,as_of,score\nC1,2021-07-30,60\n")
    import_file(kind="scores", path=path)
    # C1 reaches its target: r = 1, A = 1 → ADOPTION 1000.00.
    assert shown_total(page) == engine_total(worked) == Decimal("2500.00")


def test_a_score_changed_with_a_bulk_update_shows_at_once(page, worked):
    ScoreObservation.objects.filter(customer__customer_id="C1").update(score=Decimal(60))
    assert shown_total(page) == Decimal("2500.00")


def test_a_deal_changed_through_the_orm_shows_at_once(page, worked):
    deal = Deal.objects.get(deal_id="D1")
    deal.arr_delta = Decimal(15000)  # NRR 1.10 reaches the goal: NRR 1000.00
    deal.save()
    assert shown_total(page) == engine_total(worked) == Decimal("2833.33")
    deal.delete()  # NRR 1.00 is the floor: 0.00
    assert shown_total(page) == engine_total(worked) == Decimal("1833.33")


def test_a_deal_changed_in_the_admin_shows_at_once(page, worked, client):
    admin = make_user(Role.ADMIN, email="admin@example.com", is_staff=True, is_superuser=True)
    deal = Deal.objects.get(deal_id="D1")
    client.force_login(admin)
    change = f"/admin/commissions/deal/{deal.pk}/change/"
    form = client.get(change).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["arr_delta"] = "15000"
    response = client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.force_login(worked)
    assert shown_total(client) == Decimal("2833.33")


def test_a_kpi_changed_with_raw_sql_shows_at_once(page, worked):
    # An operator fixing a row in psql, below the ORM: the database trigger still stamps it.
    kpi = KpiActual.objects.get(employee__employee_id="E1")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {KpiActual._meta.db_table} SET value = %s WHERE id = %s", [Decimal(5), kpi.pk]
        )
    # 5 PRs of 10: KPI 500.00 instead of 1000.00.
    assert shown_total(page) == engine_total(worked) == Decimal("1833.33")


def test_an_applied_request_shows_at_once(page, worked, cco):
    period = get_period("FY22-Q2")
    csvp = make_user(Role.CSVP, geo="AMER", email="vp@example.com")
    finance = make_user(Role.FINANCE, email="fin@example.com")
    ops = make_user(Role.OPS, email="ops2@example.com")
    from adoption.models import Customer

    request = file_request(
        user=csvp,
        kind="exception",
        customer=Customer.objects.get(customer_id="C3"),
        period=period,
        value=Decimal(1),
        justification="Onboarding went far better than the score shows.",
    )
    request = approve(request=request, user=cco, comment="ok")
    request = approve(request=request, user=finance, comment="ok")
    assert shown_total(page) == Decimal("2333.33")  # approved but not applied: no change yet
    apply(request=request, user=ops)
    # C3 enters with r = 1 and weight 50,000: A = (75,000 + 50,000 + 50,000) / 200,000 = 0.875.
    assert shown_total(page) == engine_total(worked) == Decimal("2375.00")


def test_a_pull_then_a_changed_pulled_score_show_at_once(page, worked):
    from commissions.models import PulledScore

    pull_scores(period=get_period("FY22-Q2"))
    assert shown_total(page) == Decimal("2333.33")
    # After the pull the projection reads the pulled scores, not the live ones ...
    ScoreObservation.objects.filter(customer__customer_id="C1").update(score=Decimal(60))
    assert shown_total(page) == engine_total(worked) == Decimal("2333.33")
    # ... and a change to a pulled score shows.
    PulledScore.objects.filter(customer__customer_id="C1").update(score=Decimal(60))
    assert shown_total(page) == engine_total(worked) == Decimal("2500.00")


def test_what_if_is_computed_not_cached(page, worked):
    response = page.post(
        "/my/what-if/", {"period": "FY22-Q2", "score_customer": "C1", "score": "60"}, follow=False
    )
    assert response.status_code == 200
    assert shown_total(page) == Decimal("2333.33")  # the what-if changed nothing
