"""The instructor's region now points at regions.Region: state only, the column is unchanged."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("instructors", "0001_initial"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="instructor",
                    name="region",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="instructors", to="regions.region", verbose_name="所属区划"),
                ),
                migrations.AlterField(
                    model_name="historicalinstructor",
                    name="region",
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="regions.region", verbose_name="所属区划"),
                ),
            ],
            database_operations=[],
        ),
    ]
