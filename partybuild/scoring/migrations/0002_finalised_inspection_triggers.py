"""Let the database itself refuse to change a finalised inspection.

The services and the admin already refuse; these triggers also stop raw SQL and any code path
added later. A finalised row may only be reopened (finalised_at set back to NULL, which the
reopen service does for administrators, with a reason and a history entry); saving it again
unchanged is allowed, since that is how the history records who finalised it. The finaliser
column may also go to NULL when that user account is deleted (SET_NULL).
On PostgreSQL deleting a finalised inspection is refused too (TRUNCATE, which `flush` uses,
fires no row trigger). On SQLite `flush` empties tables with DELETE, so there only updates
are refused; SQLite drops a table's triggers when a later migration rebuilds the table, so
such a migration must create them again (tests/scoring checks that a raw UPDATE still fails).
"""

from django.db import migrations

MESSAGE = "年检已定稿，不能修改或删除；如需更正，请由系统管理员填写理由后重新打开。"
GUARDED_COLUMNS = (
    "id", "institution_id", "year", "party_building_computed", "party_building_adjusted",
    "adjustment_reason", "conditions", "conditions_comment", "teaching", "teaching_comment",
    "finance", "finance_comment", "safety", "safety_comment", "breakdown", "finalised_at",
    "reopen_reason",
)


def changed(operator: str) -> str:
    return " OR ".join(f"OLD.{c} {operator} NEW.{c}" for c in GUARDED_COLUMNS)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "CREATE TRIGGER scoring_inspection_finalised_no_update BEFORE UPDATE "
            "ON scoring_inspection FOR EACH ROW WHEN OLD.finalised_at IS NOT NULL "
            f"AND NEW.finalised_at IS NOT NULL AND ({changed('IS NOT')}) "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION scoring_inspection_finalised_guard() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$"
        )
        schema_editor.execute(
            "CREATE TRIGGER scoring_inspection_finalised_no_update BEFORE UPDATE "
            "ON scoring_inspection FOR EACH ROW WHEN (OLD.finalised_at IS NOT NULL "
            f"AND NEW.finalised_at IS NOT NULL AND ({changed('IS DISTINCT FROM')})) "
            "EXECUTE FUNCTION scoring_inspection_finalised_guard()"
        )
        schema_editor.execute(
            "CREATE TRIGGER scoring_inspection_finalised_no_delete BEFORE DELETE "
            "ON scoring_inspection FOR EACH ROW WHEN (OLD.finalised_at IS NOT NULL) "
            "EXECUTE FUNCTION scoring_inspection_finalised_guard()"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS scoring_inspection_finalised_no_update")
    elif vendor == "postgresql":
        for trigger in ("no_update", "no_delete"):
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS scoring_inspection_finalised_{trigger} "
                "ON scoring_inspection"
            )
        schema_editor.execute("DROP FUNCTION IF EXISTS scoring_inspection_finalised_guard()")


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
