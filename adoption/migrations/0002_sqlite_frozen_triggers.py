"""SQLite twin of the PostgreSQL triggers that keep an approved snapshot frozen (adoption/frozen.py)."""

from django.db import migrations

from adoption.frozen import SQLITE_DROP, SQLITE_TRIGGERS


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("adoption", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
