"""The last draft (DESIGN §3 "Target snapshots"): each targets import that changes a draft snapshot adds
one to its revision and records the lines it created and changed, with their values before and after."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from adoption.models import Snapshot, TargetChange, TargetLine
from adoption.services import approve_snapshot
from commissions.services.imports import ImportRefused
from tests.builders import make_user

from .conftest import customers

pytestmark = pytest.mark.django_db


def revision(fiscal_year: str = "FY22") -> int:
    return Snapshot.objects.get(fiscal_year=fiscal_year).revision


def changes() -> list[tuple]:
    return list(
        TargetChange.objects.order_by("revision", "customer__customer_id", "period").values_list(
            "revision",
            "customer__customer_id",
            "period",
            "action",
            "old_baseline_score",
            "new_baseline_score",
            "old_target_score",
            "new_target_score",
        )
    )


def test_a_first_import_into_an_empty_snapshot_records_no_line_and_makes_revision_1(import_targets):
    customers(2)
    import_targets("FY22,C0001,40,FY22-Q1,50", "FY22,C0002,30,FY22-Q1,")

    assert revision() == 1
    assert changes() == []


def test_a_new_snapshot_starts_at_revision_0(db):
    assert Snapshot.objects.create(fiscal_year="FY22").revision == 0


def test_a_later_import_records_created_and_updated_lines_with_before_and_after(import_targets):
    customers(3)
    import_targets("FY22,C0001,40,FY22-Q1,50", "FY22,C0001,40,FY22-Q2,55", "FY22,C0002,30,FY22-Q1,")

    import_targets(
        "FY22,C0001,40,FY22-Q1,52",  # target changed
        "FY22,C0001,40,FY22-Q2,55",  # unchanged: not recorded
        "FY22,C0002,30,FY22-Q1,35",  # a target where there was none
        "FY22,C0003,20,FY22-Q1,25",  # a new line
    )

    d = Decimal
    assert revision() == 2
    assert changes() == [
        (2, "C0001", "FY22-Q1", "updated", d("40.00"), d("40.00"), d("50.00"), d("52.00")),
        (2, "C0002", "FY22-Q1", "updated", d("30.00"), d("30.00"), None, d("35.00")),
        (2, "C0003", "FY22-Q1", "created", None, d("20.00"), None, d("25.00")),
    ]


def test_a_changed_baseline_is_recorded(import_targets):
    customers(1)
    import_targets("FY22,C0001,40,FY22-Q1,50")
    import_targets("FY22,C0001,45,FY22-Q1,50")

    assert changes() == [
        (2, "C0001", "FY22-Q1", "updated", Decimal(40), Decimal(45), Decimal(50), Decimal(50))
    ]


def test_a_removed_target_is_recorded(import_targets):
    customers(1)
    import_targets("FY22,C0001,40,FY22-Q1,50")
    import_targets("FY22,C0001,40,FY22-Q1,")

    assert changes() == [(2, "C0001", "FY22-Q1", "updated", Decimal(40), Decimal(40), Decimal(50), None)]


def test_an_import_that_changes_nothing_keeps_the_revision(import_targets):
    customers(1)
    import_targets("FY22,C0001,40,FY22-Q1,50")
    import_targets("FY22,C0001,40,FY22-Q1,50")

    assert revision() == 1
    assert changes() == []


def test_the_revision_rises_once_per_changing_import_and_each_keeps_its_own_changes(import_targets):
    customers(2)
    import_targets("FY22,C0001,40,FY22-Q1,50", "FY22,C0002,40,FY22-Q1,50")
    import_targets("FY22,C0001,40,FY22-Q1,51", "FY22,C0002,40,FY22-Q1,51")
    import_targets("FY22,C0001,40,FY22-Q1,51")  # nothing changes
    import_targets("FY22,C0001,40,FY22-Q1,52")

    assert revision() == 3
    assert [(r, c, new) for r, c, _p, _a, _ob, _nb, _ot, new in changes()] == [
        (2, "C0001", Decimal(51)),
        (2, "C0002", Decimal(51)),
        (3, "C0001", Decimal(52)),
    ]


def test_only_the_snapshots_a_file_changes_get_a_new_revision(import_targets):
    customers(1)
    import_targets("FY22,C0001,40,FY22-Q1,50", "FY23,C0001,41,FY23-Q1,60")
    import_targets("FY22,C0001,40,FY22-Q1,55", "FY23,C0001,41,FY23-Q1,60")

    assert (revision("FY22"), revision("FY23")) == (2, 1)
    assert [(r, p) for r, _c, p, *_ in changes()] == [(2, "FY22-Q1")]


def test_a_first_import_of_one_year_beside_a_change_of_another(import_targets):
    customers(1)
    import_targets("FY22,C0001,40,FY22-Q1,50")
    import_targets("FY22,C0001,40,FY22-Q1,55", "FY23,C0001,41,FY23-Q1,60")

    assert (revision("FY22"), revision("FY23")) == (2, 1)
    assert [(r, p) for r, _c, p, *_ in changes()] == [(2, "FY22-Q1")]


def test_a_dry_run_records_nothing(import_targets):
    customers(2)
    import_targets("FY22,C0001,40,FY22-Q1,50")

    result = import_targets("FY22,C0001,40,FY22-Q1,60", "FY22,C0002,40,FY22-Q1,60", dry_run=True)

    assert (result.created, result.updated) == (1, 1)
    assert revision() == 1
    assert changes() == []
    assert TargetLine.objects.get().target_score == Decimal(50)


def test_a_refused_import_records_nothing(import_targets):
    customers(1)
    import_targets("FY22,C0001,40,FY22-Q1,50")

    with pytest.raises(ImportRefused):
        import_targets("FY22,C0001,40,FY22-Q1,60", "FY22,C9999,40,FY22-Q1,60")  # unknown customer

    assert revision() == 1
    assert changes() == []


def test_an_import_into_an_approved_snapshot_is_refused_and_records_nothing(import_targets):
    customers(1)
    import_targets("FY22,C0001,40,FY22-Q1,50")
    approve_snapshot(fiscal_year="FY22", user=make_user(Role.CCO))

    with pytest.raises(ImportRefused) as caught:
        import_targets("FY22,C0001,40,FY22-Q1,60")

    assert "approved and frozen" in str(caught.value)
    assert revision() == 1
    assert changes() == []


def test_recording_costs_the_same_statements_for_few_or_many_lines(import_targets):
    """One INSERT … SELECT whatever the size of the file: the hook's statements do not grow with it."""
    customers(60)
    ids = [f"C{i:04d}" for i in range(1, 61)]
    import_targets(*(f"FY22,{c},40,FY22-Q1,50" for c in ids[:2]))

    with CaptureQueriesContext(connection) as few:
        import_targets(*(f"FY22,{c},40,FY22-Q1,51" for c in ids[:2]))
    with CaptureQueriesContext(connection) as many:
        import_targets(*(f"FY22,{c},40,FY22-Q1,52" for c in ids))

    def hook(queries):
        return [q["sql"] for q in queries if "adoption_targetchange" in q["sql"]]

    assert len(hook(few.captured_queries)) == len(hook(many.captured_queries)) == 2
    assert TargetChange.objects.filter(revision=3).count() == 60


def test_the_admin_shows_the_revision_and_does_not_edit_it(client, admin, import_targets):
    customers(1)
    import_targets("FY22,C0001,40,FY22-Q1,50")
    client.force_login(admin)
    snapshot = Snapshot.objects.get()

    page = client.get(f"/admin/adoption/snapshot/{snapshot.pk}/change/").content.decode()

    assert 'name="revision"' not in page and 'name="approval_comment"' not in page
    assert "Revision" in page
