"""An approved target snapshot cannot change by any path (DESIGN §3 "Target snapshots").

Three layers: the models' ``save()``/``delete()``, the guarded queryset (``update``, ``delete``,
``bulk_create``, ``bulk_update``) and the database triggers that refuse raw SQL — on SQLite and PostgreSQL.
"""

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from adoption.frozen import FROZEN_MESSAGE
from adoption.models import Snapshot, TargetLine
from core.errors import SnapshotFrozen
from tests.builders import make_customer

FROZEN = "The target snapshot of FY22 is approved and frozen: its targets cannot change."


def lines_of(snapshot: Snapshot) -> list[tuple]:
    return list(
        TargetLine.objects.filter(snapshot=snapshot)
        .order_by("pk")
        .values_list("pk", "customer_id", "period", "baseline_score", "target_score")
    )


@pytest.fixture
def frozen_state(approved):
    """What the approved snapshot holds; each test checks it is still exactly that."""
    snapshot_row = Snapshot.objects.filter(pk=approved.pk).values().get()
    return approved, snapshot_row, lines_of(approved)


def assert_unchanged(frozen_state) -> None:
    snapshot, snapshot_row, lines = frozen_state
    assert Snapshot.objects.filter(pk=snapshot.pk).values().get() == snapshot_row
    assert lines_of(snapshot) == lines
    assert len(lines) == 2


# --- model save() and delete() -------------------------------------------------------------------------


def test_saving_a_line_of_an_approved_snapshot_is_refused(frozen_state):
    line = frozen_state[0].lines.first()
    line.target_score = Decimal("99")
    with pytest.raises(SnapshotFrozen) as caught:
        line.save()
    assert str(caught.value) == FROZEN
    assert_unchanged(frozen_state)


def test_adding_a_line_to_an_approved_snapshot_is_refused(frozen_state):
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        TargetLine.objects.create(
            snapshot=frozen_state[0], customer=make_customer(), period="FY22-Q3", baseline_score=Decimal("10")
        )
    assert_unchanged(frozen_state)


def test_moving_a_line_into_or_out_of_an_approved_snapshot_is_refused(frozen_state, draft):
    draft_line = draft.lines.get()
    draft_line.snapshot = frozen_state[0]
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        draft_line.save()

    frozen_line = frozen_state[0].lines.first()
    frozen_line.snapshot = draft
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        frozen_line.save()
    assert_unchanged(frozen_state)
    assert draft.lines.count() == 1


def test_saving_an_approved_snapshot_back_to_draft_is_refused(frozen_state):
    snapshot = frozen_state[0]
    snapshot.status = Snapshot.Status.DRAFT
    snapshot.approved_by = None
    snapshot.approved_at = None
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        snapshot.save()
    assert_unchanged(frozen_state)


def test_deleting_a_line_of_an_approved_snapshot_is_refused(frozen_state):
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        frozen_state[0].lines.first().delete()
    assert_unchanged(frozen_state)


def test_deleting_an_approved_snapshot_is_refused(frozen_state):
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        frozen_state[0].delete()
    assert_unchanged(frozen_state)


# --- queryset methods that skip save() -----------------------------------------------------------------


def test_queryset_update_of_lines_is_refused(frozen_state):
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        TargetLine.objects.filter(snapshot=frozen_state[0]).update(target_score=Decimal("99"))
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        frozen_state[0].lines.update(baseline_score=Decimal("0"))
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        TargetLine.objects.all().update(target_score=None)
    assert_unchanged(frozen_state)


def test_queryset_update_moving_draft_lines_into_an_approved_snapshot_is_refused(frozen_state, draft):
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        TargetLine.objects.filter(snapshot=draft).update(snapshot=frozen_state[0])
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        TargetLine.objects.filter(snapshot=draft).update(snapshot_id=frozen_state[0].pk)
    assert_unchanged(frozen_state)
    assert draft.lines.count() == 1


def test_queryset_update_of_an_approved_snapshot_is_refused(frozen_state):
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        Snapshot.objects.filter(pk=frozen_state[0].pk).update(
            status="draft", approved_by=None, approved_at=None
        )
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        Snapshot.objects.update(fiscal_year="FY21")
    assert_unchanged(frozen_state)


def test_queryset_delete_of_lines_is_refused(frozen_state):
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        TargetLine.objects.filter(snapshot=frozen_state[0]).delete()
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        frozen_state[0].lines.all().delete()
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        TargetLine.objects.all().delete()
    assert_unchanged(frozen_state)


def test_queryset_delete_of_an_approved_snapshot_is_refused(frozen_state):
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        Snapshot.objects.filter(fiscal_year="FY22").delete()
    assert_unchanged(frozen_state)


def test_bulk_create_into_an_approved_snapshot_is_refused(frozen_state):
    new = TargetLine(
        snapshot=frozen_state[0], customer=make_customer(), period="FY22-Q3", baseline_score=Decimal("10")
    )
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        TargetLine.objects.bulk_create([new])
    assert_unchanged(frozen_state)


def test_bulk_create_upsert_over_frozen_lines_is_refused(frozen_state):
    snapshot, _, lines = frozen_state
    _, customer_id, period, baseline, _ = lines[0]
    upsert = TargetLine(
        snapshot=snapshot,
        customer_id=customer_id,
        period=period,
        baseline_score=baseline,
        target_score=Decimal(99),
    )
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        TargetLine.objects.bulk_create(
            [upsert],
            update_conflicts=True,
            unique_fields=["snapshot", "customer", "period"],
            update_fields=["target_score"],
        )
    assert_unchanged(frozen_state)


def test_bulk_update_of_lines_is_refused(frozen_state):
    lines = list(frozen_state[0].lines.all())
    for line in lines:
        line.target_score = Decimal("99")
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        TargetLine.objects.bulk_update(lines, ["target_score"])
    assert_unchanged(frozen_state)


def test_bulk_update_of_an_approved_snapshot_is_refused(frozen_state):
    snapshot = Snapshot.objects.get(pk=frozen_state[0].pk)
    snapshot.status = Snapshot.Status.DRAFT
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        Snapshot.objects.bulk_update([snapshot], ["status"])
    assert_unchanged(frozen_state)


def test_bulk_update_moving_a_draft_line_into_an_approved_snapshot_is_refused(frozen_state, draft):
    line = draft.lines.get()
    line.snapshot = frozen_state[0]
    with pytest.raises(SnapshotFrozen, match=FROZEN):
        TargetLine.objects.bulk_update([line], ["snapshot"])
    assert_unchanged(frozen_state)
    assert draft.lines.count() == 1


# --- raw SQL: the database triggers --------------------------------------------------------------------


def refused_by_database(sql: str, params: list) -> str:
    """Run raw SQL that must fail; return the database's message. The savepoint keeps the test usable."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(caught.value)


def test_raw_sql_update_of_lines_is_refused(frozen_state):
    message = refused_by_database(
        "UPDATE adoption_targetline SET target_score = %s WHERE snapshot_id = %s", [99, frozen_state[0].pk]
    )
    assert FROZEN_MESSAGE in message
    assert "frozen" in message
    assert_unchanged(frozen_state)


def test_raw_sql_insert_of_a_line_is_refused(frozen_state):
    customer = make_customer()
    message = refused_by_database(
        "INSERT INTO adoption_targetline (snapshot_id, customer_id, period, baseline_score, target_score) "
        "VALUES (%s, %s, %s, %s, %s)",
        [frozen_state[0].pk, customer.pk, "FY22-Q3", 10, 20],
    )
    assert FROZEN_MESSAGE in message
    assert_unchanged(frozen_state)


def test_raw_sql_delete_of_lines_is_refused(frozen_state):
    message = refused_by_database(
        "DELETE FROM adoption_targetline WHERE snapshot_id = %s", [frozen_state[0].pk]
    )
    assert FROZEN_MESSAGE in message
    assert_unchanged(frozen_state)


def test_raw_sql_moving_a_draft_line_into_an_approved_snapshot_is_refused(frozen_state, draft):
    message = refused_by_database(
        "UPDATE adoption_targetline SET snapshot_id = %s WHERE snapshot_id = %s",
        [frozen_state[0].pk, draft.pk],
    )
    assert FROZEN_MESSAGE in message
    assert_unchanged(frozen_state)
    assert draft.lines.count() == 1


def test_raw_sql_update_of_an_approved_snapshot_is_refused(frozen_state):
    message = refused_by_database(
        "UPDATE adoption_snapshot SET status = %s, approved_by_id = NULL, approved_at = NULL WHERE id = %s",
        ["draft", frozen_state[0].pk],
    )
    assert FROZEN_MESSAGE in message
    assert_unchanged(frozen_state)


def test_raw_sql_delete_of_an_approved_snapshot_is_refused(frozen_state):
    # The trigger runs before the (deferred) foreign key of the lines could refuse it.
    message = refused_by_database("DELETE FROM adoption_snapshot WHERE id = %s", [frozen_state[0].pk])
    assert FROZEN_MESSAGE in message
    assert_unchanged(frozen_state)


# --- a draft stays editable ----------------------------------------------------------------------------


def test_a_draft_snapshot_stays_editable_by_every_path(draft, frozen_state):
    line = draft.lines.get()
    line.target_score = Decimal("70")
    line.save()
    TargetLine.objects.filter(snapshot=draft).update(baseline_score=Decimal("45"))
    added = TargetLine.objects.bulk_create(
        [TargetLine(snapshot=draft, customer=make_customer(), period="FY23-Q1", baseline_score=Decimal("5"))]
    )
    added[0].target_score = Decimal("15")
    TargetLine.objects.bulk_update(added, ["target_score"])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE adoption_targetline SET target_score = %s WHERE id = %s", [80, line.pk])
    assert sorted(draft.lines.values_list("baseline_score", "target_score")) == [
        (Decimal("5"), Decimal("15")),
        (Decimal("45"), Decimal("80")),
    ]

    draft.lines.filter(pk=added[0].pk).delete()
    line.refresh_from_db()
    line.delete()
    draft.status = Snapshot.Status.DRAFT
    draft.save()
    draft.delete()
    assert not Snapshot.objects.filter(fiscal_year="FY23").exists()
    assert_unchanged(frozen_state)
