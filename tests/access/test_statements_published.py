"""Closing a quarter publishes its statements (DESIGN §5): before that, a CSM sees projections only."""

import pytest
from django.http import Http404
from django.utils import timezone

from accounts.access import get_visible
from accounts.models import Role
from commissions.access import component_results_visible_to, customer_results_visible_to, payouts_visible_to
from commissions.frozen import reopening
from commissions.models import Period, Run
from tests.builders import make_user

pytestmark = pytest.mark.django_db

SELECTORS = [payouts_visible_to, component_results_visible_to, customer_results_visible_to]


@pytest.fixture(params=SELECTORS, ids=lambda selector: selector.__name__)
def visible_to(request):
    return request.param


def test_a_csm_sees_nothing_of_an_open_quarters_run(visible_to, csm, run):
    assert not visible_to(csm).exists()
    with pytest.raises(Http404):
        get_visible(payouts_visible_to(csm), run=run)


def test_a_csm_sees_their_statement_of_a_closed_quarters_final_run(visible_to, csm, published):
    assert set(visible_to(csm).values_list("run_id", flat=True)) == {published.pk}


def test_a_run_of_a_closed_quarter_that_is_not_final_stays_unpublished(visible_to, csm, ops, run):
    Period.objects.filter(pk=run.period_id).update(
        status=Period.Status.CLOSED, closed_at=timezone.now(), closed_by=ops
    )

    assert not visible_to(csm).exists()


def test_a_reopened_quarter_is_unpublished_until_it_closes_again(visible_to, csm, published):
    with reopening():  # the one update of a closed period's row its database trigger lets through
        Period.objects.filter(pk=published.period_id).update(
            status=Period.Status.OPEN, closed_at=None, closed_by=None
        )

    assert not visible_to(csm).exists()


def test_a_csm_who_is_also_a_csvp_sees_the_geos_open_runs(visible_to, run):
    both = make_user(Role.CSM, Role.CSVP, geo="AMER")

    assert set(visible_to(both).values_list("employee__email", flat=True)) == {
        "csm@example.com",
        "other.csm@example.com",
    }


@pytest.mark.parametrize("persona", ["csvp", "cco", "finance", "ops", "admin"])
def test_everyone_else_sees_open_quarters_runs_as_before(visible_to, persona, request, run):
    assert Run.objects.get(pk=run.pk).period.status == Period.Status.OPEN
    assert visible_to(request.getfixturevalue(persona)).filter(run=run).exists()
