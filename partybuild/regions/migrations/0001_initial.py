"""Regions move here from the organisation app; their tables and rows stay where they are.

Only Django's record of the models changes (state-only create here, state-only delete in
organisation 0003). The content types are renamed so that permissions given on regions
keep pointing at them.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

LEVELS = [("province", "省"), ("city", "市"), ("district", "区县"), ("street", "街道乡镇")]


def move_content_types(apps, schema_editor, old="organisation", new="regions"):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in ("region", "historicalregion"):
        # A stale row under the new label (a migration run back and forth) would collide.
        if not content_type.objects.using(db).filter(app_label=new, model=model).exists():
            content_type.objects.using(db).filter(app_label=old, model=model).update(
                app_label=new)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, old="regions", new="organisation")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("organisation", "0002_postgres_exclusions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Region",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.CharField(max_length=12, unique=True, verbose_name="区划代码")),
                        ("name", models.CharField(max_length=100, verbose_name="名称")),
                        ("level", models.CharField(choices=LEVELS, max_length=10, verbose_name="层级")),
                        ("path", models.CharField(db_index=True, editable=False, max_length=255, verbose_name="路径")),
                        ("parent", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="children", to="regions.region", verbose_name="上级区划")),
                    ],
                    options={
                        "verbose_name": "行政区划",
                        "verbose_name_plural": "行政区划",
                        "db_table": "organisation_region",
                        "ordering": ["code"],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalRegion",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("code", models.CharField(db_index=True, max_length=12, verbose_name="区划代码")),
                        ("name", models.CharField(max_length=100, verbose_name="名称")),
                        ("level", models.CharField(choices=LEVELS, max_length=10, verbose_name="层级")),
                        ("path", models.CharField(db_index=True, editable=False, max_length=255, verbose_name="路径")),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        ("history_type", models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1)),
                        ("history_user", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("parent", models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="regions.region", verbose_name="上级区划")),
                    ],
                    options={
                        "verbose_name": "historical 行政区划",
                        "verbose_name_plural": "historical 行政区划",
                        "db_table": "organisation_historicalregion",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
