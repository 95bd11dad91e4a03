"""The audit page: who may see it, its filters, its CSV, and what it says on SQLite (issue 4 §5)."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from approvals.models import Request, RequestStep
from commissions.models import ImportRecord
from tests.builders import make_customer, make_user

from .conftest import ON_POSTGRES, make_import

pytestmark = pytest.mark.django_db
URL = "/audit/"


def page(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_the_url_is_named():
    assert reverse("audit:log") == URL


@pytest.mark.parametrize("role", [Role.OPS, Role.FINANCE, Role.CCO, Role.ADMIN])
def test_ops_finance_cco_and_admins_see_the_audit_trail(client, role):
    response = page(client, make_user(role))
    assert response.status_code == 200
    assert b"Audit trail" in response.content


@pytest.mark.parametrize("role", [Role.CSM, Role.CSVP])
def test_csms_and_geo_vps_are_refused(client, role):
    assert page(client, make_user(role)).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_imports_are_audited_through_their_import_record(client, ops, finance):
    make_import(ops, file_name="fy22-targets.csv", rows=7)
    response = page(client, finance)
    content = response.content.decode()
    assert "targets: fy22-targets.csv" in content and "import (applied)" in content
    assert "ops@example.com" in content and "sha256 " + "ab" * 32 in content


def test_filters_narrow_the_trail(client, ops, finance):
    make_import(ops, kind="targets", file_name="by-ops.csv")
    make_import(finance, kind="deals", file_name="by-finance.csv")
    old = make_import(finance, kind="scores", file_name="old-scores.csv")
    ImportRecord.objects.filter(pk=old.pk).update(started_at=timezone.now() - timedelta(days=40))

    by_person = page(client, ops, person="finance@").content.decode()
    assert "by-finance.csv" in by_person and "by-ops.csv" not in by_person

    by_search = page(client, ops, search="by-ops").content.decode()
    assert "by-ops.csv" in by_search and "by-finance.csv" not in by_search

    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    recent = page(client, ops, object_type="import", date_from=since).content.decode()
    assert "by-ops.csv" in recent and "old-scores.csv" not in recent

    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    older = page(client, ops, date_to=until).content.decode()
    assert "old-scores.csv" in older and "by-ops.csv" not in older

    runs_only = page(client, ops, object_type="run").content.decode()
    assert "by-ops.csv" not in runs_only


def test_the_trail_is_paginated_by_fifty(client, ops):
    for n in range(55):
        make_import(ops, file_name=f"file-{n:02d}.csv")
    first = page(client, ops, object_type="import").content.decode()
    second = page(client, ops, object_type="import", page=2).content.decode()
    assert "file-54.csv" in first and "file-04.csv" not in first
    assert "file-04.csv" in second and "Page 2 of 2" in second


def test_csv_download_has_a_header_and_the_filtered_rows(client, ops, finance):
    make_import(ops, file_name="by-ops.csv", rows=4)
    make_import(finance, file_name="by-finance.csv")
    response = page(client, ops, person="ops@", object_type="import", format="csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header == ["when", "who", "object type", "object id", "object", "action", "changes", "note"]
    assert len(rows) == 1
    assert rows[0][1:3] == ["ops@example.com", "Import"] and "rows: — → 4" in rows[0][6]


@pytest.mark.skipif(ON_POSTGRES, reason="the notice is for the SQLite demo")
def test_on_sqlite_the_page_says_full_history_needs_postgresql(client, ops):
    content = page(client, ops).content.decode()
    assert "Full row history" in content or "full row history" in content
    assert "needs PostgreSQL" in content


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL records every row change")
def test_on_postgresql_there_is_no_notice_and_row_changes_are_listed(client, ops):
    make_customer("C-AUDITED")
    content = page(client, ops, object_type="role").content.decode()
    assert "needs PostgreSQL" not in content
    assert "ops@example.com: ops" in content  # the role the persona was given


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite shows the request timeline instead of row events")
def test_on_sqlite_request_timelines_and_period_events_are_shown(client, ops, cco, csvp, period):
    from approvals import services as approvals
    from commissions.models import PeriodEvent

    request = approvals.file_request(
        user=csvp,
        kind=Request.Kind.EXCEPTION,
        customer=make_customer(geo="AMER"),
        period=period,
        value="1",
        justification="The customer's data feed was down for the quarter.",
    )
    approvals.approve(request=request, user=cco, comment="Agreed, the outage is documented.")
    PeriodEvent.objects.create(period=period, action="reopened", user=ops, reason="A late correction.")
    assert RequestStep.objects.count() == 2

    content = page(client, ops, person="cco@").content.decode()
    assert "cco@example.com (as cco)" in content and "pending_cco → pending_finance" in content
    header, *rows = csv_rows(page(client, ops, object_type="period", format="csv"))
    assert [row[5] for row in rows] == ["reopened"] and "closed → open" in rows[0][6]


def test_a_refused_filter_is_not_widened_to_everything(client, ops):
    make_import(ops)
    response = page(client, ops, date_from="not-a-date", format="csv")
    assert response.status_code == 400 and b"Enter a valid date" in response.content


def test_the_page_costs_the_same_queries_for_few_or_many_entries(
    client, ops, finance, plan, django_assert_max_num_queries
):
    client.force_login(ops)
    for n in range(3):
        make_import(finance, file_name=f"few-{n}.csv")
    with django_assert_max_num_queries(14) as few:
        client.get(URL)
    for n in range(40):
        make_import(ops if n % 2 else finance, file_name=f"many-{n}.csv")
        make_user(Role.CSM)
    with django_assert_max_num_queries(14) as many:
        client.get(URL)
    assert len(many.captured_queries) <= len(few.captured_queries) + 1
