from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="InputChange",
            fields=[
                ("txid", models.BigIntegerField(primary_key=True, serialize=False)),
                ("token", models.CharField(blank=True, default="", max_length=32)),
                ("changed_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={"db_table": "dashboards_inputchange"},
        ),
    ]
