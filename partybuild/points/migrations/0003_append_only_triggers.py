"""Let the database itself refuse to rewrite the points ledger.

The model and its queryset already refuse updates and deletes; these triggers also stop raw
SQL. Only `created_by_id` may change: deleting a user account sets it to NULL (SET_NULL).
On PostgreSQL deletes are refused too (TRUNCATE, which `flush` uses, fires no row trigger).
On SQLite, `flush` empties tables with DELETE, so there only updates are refused; note
that SQLite drops a table's triggers when a later migration rebuilds the table, so such a
migration must create them again (tests/points checks that a raw UPDATE still fails).
"""

from django.db import migrations

MESSAGE = "积分记录只能新增，不能修改或删除；请录入一条更正记录。"
GUARDED_COLUMNS = "id, institution_id, date, points, reason, corrects_id, created_at"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER points_pointentry_no_update BEFORE UPDATE OF {GUARDED_COLUMNS} "
            f"ON points_pointentry BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION points_pointentry_append_only() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$"
        )
        schema_editor.execute(
            f"CREATE TRIGGER points_pointentry_no_update BEFORE UPDATE OF {GUARDED_COLUMNS} "
            "ON points_pointentry FOR EACH ROW EXECUTE FUNCTION points_pointentry_append_only()"
        )
        schema_editor.execute(
            "CREATE TRIGGER points_pointentry_no_delete BEFORE DELETE ON points_pointentry "
            "FOR EACH ROW EXECUTE FUNCTION points_pointentry_append_only()"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS points_pointentry_no_update")
    elif vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS points_pointentry_no_update ON points_pointentry"
        )
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS points_pointentry_no_delete ON points_pointentry"
        )
        schema_editor.execute("DROP FUNCTION IF EXISTS points_pointentry_append_only()")


class Migration(migrations.Migration):
    dependencies = [("points", "0002_points_not_zero_and_append_only")]
    operations = [migrations.RunPython(create, drop)]
