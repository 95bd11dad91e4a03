"""Guards that keep an approved target snapshot frozen (DESIGN §3 "Target snapshots").

Three layers, each tested: model ``save()``/``delete()`` (in models.py), the queryset methods that skip
``save()`` (``update``, ``delete``, ``bulk_create``, ``bulk_update``), and database triggers that refuse
raw SQL too — django-pgtrigger on PostgreSQL, plain triggers on SQLite (migration 0002).
"""

import pgtrigger
from django.db import models

from core.errors import SnapshotFrozen

FROZEN_MESSAGE = "target snapshot is approved and frozen: its targets cannot change"


class FrozenGuardedQuerySet(models.QuerySet):
    """Refuses writes that would touch rows of an approved snapshot.

    The model says which of its rows are frozen with ``frozen_q()`` and where their fiscal year is with
    ``fiscal_year_path`` (for the message).
    """

    def _refuse_if_frozen(self, queryset: models.QuerySet) -> None:
        frozen = queryset.filter(self.model.frozen_q()).values_list(self.model.fiscal_year_path, flat=True)
        fiscal_year = frozen.first()
        if fiscal_year is not None:
            raise SnapshotFrozen(fiscal_year)

    def _refuse_new_snapshot(self, snapshot_ids) -> None:
        if not hasattr(self.model, "snapshot_id"):
            return
        from .models import Snapshot

        frozen = Snapshot.objects.filter(pk__in=set(snapshot_ids), status=Snapshot.Status.APPROVED)
        fiscal_year = frozen.values_list("fiscal_year", flat=True).first()
        if fiscal_year is not None:
            raise SnapshotFrozen(fiscal_year)

    def update(self, **kwargs):
        self._refuse_if_frozen(self)
        if "snapshot" in kwargs or "snapshot_id" in kwargs:
            target = kwargs.get("snapshot_id", getattr(kwargs.get("snapshot"), "pk", kwargs.get("snapshot")))
            self._refuse_new_snapshot([target])
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_frozen(self)
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if hasattr(self.model, "snapshot_id"):
            self._refuse_new_snapshot(obj.snapshot_id for obj in objs)
        if kwargs.get("update_conflicts"):
            # An upsert could overwrite a frozen row of the same natural key.
            self._refuse_existing_conflicts(objs)
        return super().bulk_create(objs, *args, **kwargs)

    def _refuse_existing_conflicts(self, objs) -> None:
        pks = [obj.pk for obj in objs if obj.pk]
        if pks:
            self._refuse_if_frozen(self.filter(pk__in=pks))

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        self._refuse_if_frozen(self.filter(pk__in=[obj.pk for obj in objs]))
        if hasattr(self.model, "snapshot_id") and "snapshot" in fields:
            self._refuse_new_snapshot(obj.snapshot_id for obj in objs)
        return super().bulk_update(objs, fields, *args, **kwargs)


def snapshot_triggers() -> list:
    """PostgreSQL: an approved snapshot row can be neither updated nor deleted."""
    func = f"""
        RAISE EXCEPTION '{FROZEN_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    """
    return [
        pgtrigger.Trigger(
            name="snapshot_frozen",
            when=pgtrigger.Before,
            operation=pgtrigger.Update | pgtrigger.Delete,
            condition=pgtrigger.Q(old__status="approved"),
            func=func,
        )
    ]


def targetline_triggers() -> list:
    """PostgreSQL: no target line of an approved snapshot is inserted, updated or deleted."""
    func = f"""
        IF TG_OP <> 'INSERT' AND EXISTS (
            SELECT 1 FROM adoption_snapshot s WHERE s.id = OLD.snapshot_id AND s.status = 'approved'
        ) THEN
            RAISE EXCEPTION '{FROZEN_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP <> 'DELETE' AND EXISTS (
            SELECT 1 FROM adoption_snapshot s WHERE s.id = NEW.snapshot_id AND s.status = 'approved'
        ) THEN
            RAISE EXCEPTION '{FROZEN_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    """
    return [
        pgtrigger.Trigger(
            name="targetline_frozen",
            when=pgtrigger.Before,
            operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
            func=func,
        )
    ]


SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS snapshot_frozen_update BEFORE UPDATE ON adoption_snapshot
        WHEN OLD.status = 'approved' BEGIN SELECT RAISE(ABORT, '{FROZEN_MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS snapshot_frozen_delete BEFORE DELETE ON adoption_snapshot
        WHEN OLD.status = 'approved' BEGIN SELECT RAISE(ABORT, '{FROZEN_MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS targetline_frozen_insert BEFORE INSERT ON adoption_targetline
        WHEN EXISTS (SELECT 1 FROM adoption_snapshot s WHERE s.id = NEW.snapshot_id AND s.status = 'approved')
        BEGIN SELECT RAISE(ABORT, '{FROZEN_MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS targetline_frozen_update BEFORE UPDATE ON adoption_targetline
        WHEN EXISTS (SELECT 1 FROM adoption_snapshot s WHERE s.status = 'approved'
                     AND s.id IN (OLD.snapshot_id, NEW.snapshot_id))
        BEGIN SELECT RAISE(ABORT, '{FROZEN_MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS targetline_frozen_delete BEFORE DELETE ON adoption_targetline
        WHEN EXISTS (SELECT 1 FROM adoption_snapshot s WHERE s.id = OLD.snapshot_id AND s.status = 'approved')
        BEGIN SELECT RAISE(ABORT, '{FROZEN_MESSAGE}'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS snapshot_frozen_update",
    "DROP TRIGGER IF EXISTS snapshot_frozen_delete",
    "DROP TRIGGER IF EXISTS targetline_frozen_insert",
    "DROP TRIGGER IF EXISTS targetline_frozen_update",
    "DROP TRIGGER IF EXISTS targetline_frozen_delete",
]
