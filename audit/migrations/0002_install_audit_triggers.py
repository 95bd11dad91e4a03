"""Install the audit triggers on the tracked tables (PostgreSQL only; see audit/apps.py, docs/audit.md).

The triggers are compiled from the current event models, as ``migrate`` re-creates them afterwards too.
Reversing drops them, so the tracked tables never point at event tables that no longer exist.
"""

from django.db import migrations


def install(apps, schema_editor):
    from audit import triggers

    triggers.install(schema_editor.connection.alias)


def uninstall(apps, schema_editor):
    from audit import triggers

    triggers.uninstall(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial"), ("pghistory", "0007_auto_20250421_0444")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
