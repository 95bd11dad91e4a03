from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("commissions", "0007_payroll_exports")]

    operations = []
