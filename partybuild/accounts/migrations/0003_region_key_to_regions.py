"""The user's region now points at regions.Region: state only, the column is unchanged."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="user",
                    name="region",
                    field=models.ForeignKey(blank=True, help_text="用户可查看本区划及其下级区划的全部记录。", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="users", to="regions.region", verbose_name="所属区划"),
                ),
            ],
            database_operations=[],
        ),
    ]
