"""The one check of a metric's name (docs/design.md §11.1): what the one reader serves day by day — an
imported code as the person_metrics import accepts it, ``kpi.<a computed KPI>``, ``scorecard_average`` —
and nothing else, each refusal naming the name and what is allowed."""

import pytest

from commissions.services.person_metrics import MetricUnavailable, check_metric_code

from .conftest import ACCEPTED, REFUSED

ALLOWED = (
    "A rule reads a code of the person_metrics import (a lower-case letter, then lower-case letters, digits "
    "and _, at most 64 characters, such as login_rate) or a daily metric Attain knows per CSM: "
    "kpi.<KPI code> ("
)


@pytest.mark.parametrize("code", [*ACCEPTED, "kpi.util_below_50", "d", "a" * 64, "data_quality_2"])
def test_what_the_reader_serves_is_accepted(code):
    check_metric_code(code)  # no error


@pytest.mark.parametrize(("code", "named"), REFUSED)
def test_what_the_reader_cannot_serve_is_refused_naming_it(code, named):
    with pytest.raises(MetricUnavailable) as refused:
        check_metric_code(code)
    assert named in refused.value.message


@pytest.mark.parametrize("code", ["attainment", "bad code!", "", "Login_rate", "2fa", "login-rate", "a" * 65])
def test_the_refusal_says_what_is_allowed(code):
    with pytest.raises(MetricUnavailable) as refused:
        check_metric_code(code)
    message = refused.value.message
    assert ALLOWED in message
    assert "kpi.dau_mau" in message and "or scorecard_average (docs/design.md §11.1)." in message


def test_an_unknown_kpi_is_refused_naming_the_computed_ones():
    with pytest.raises(MetricUnavailable) as refused:
        check_metric_code("kpi.nope")
    assert refused.value.message.startswith("kpi.nope names no computed KPI: the computed KPIs are ")
    assert "kpi.dau_mau" in refused.value.message
