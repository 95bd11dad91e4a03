"""Customer results without database foreign keys (their per-row checks took 0.45 s of a run at L);
a trigger keeps a customer with results from being deleted, as the foreign key did."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MESSAGE = "customer has calculation results: it cannot be deleted"

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION attain_customer_has_results() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM commissions_customerresult WHERE customer_id = OLD.id) THEN
            RAISE EXCEPTION '{MESSAGE} (%)', OLD.customer_id USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN OLD;
    END $$
    """,
    "CREATE TRIGGER attain_customer_has_results BEFORE DELETE ON adoption_customer "
    "FOR EACH ROW EXECUTE FUNCTION attain_customer_has_results()",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS attain_customer_has_results ON adoption_customer",
    "DROP FUNCTION IF EXISTS attain_customer_has_results()",
]
SQLITE = [
    "CREATE TRIGGER attain_customer_has_results BEFORE DELETE ON adoption_customer "
    "WHEN EXISTS (SELECT 1 FROM commissions_customerresult WHERE customer_id = OLD.id) "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS attain_customer_has_results"]


def _run(statements: dict):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("adoption", "0003_snapshot_frozen_message"),
        ("commissions", "0003_run_shards"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="customerresult",
            name="customer",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="adoption.customer",
            ),
        ),
        migrations.AlterField(
            model_name="customerresult",
            name="employee",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="customerresult",
            name="run",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="customer_results",
                to="commissions.run",
            ),
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}),
        ),
    ]
