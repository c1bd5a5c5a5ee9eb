"""Let the database itself refuse to rewrite the audit trail (as points 0003 does the ledger).

Only `user_id` may change: deleting an account sets it to NULL; the hashed name stays.
On PostgreSQL a DELETE passes only inside audit_purge's transaction (which sets
partybuild.audit_purge) and only for rows older than 180 days; TRUNCATE (`flush`) fires no
row trigger. On SQLite `flush` empties tables with DELETE, so there only updates are refused.
"""

from django.db import migrations

MESSAGE = "审计记录只能新增，不能修改或删除。"
GUARDED_COLUMNS = ("id, at, username, role, client_ip, event, object_type, object_id, "
                   "object_repr, outcome, details, prev_hash, hash")


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER audit_auditentry_no_update BEFORE UPDATE OF {GUARDED_COLUMNS} "
            f"ON audit_auditentry BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION audit_auditentry_no_update() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$"
        )
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION audit_auditentry_no_delete() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "IF coalesce(current_setting('partybuild.audit_purge', true), '') = 'on' "
            "AND OLD.at < now() - interval '180 days' THEN RETURN OLD; END IF; "
            f"RAISE EXCEPTION '{MESSAGE}'; END; $$"
        )
        schema_editor.execute(
            f"CREATE TRIGGER audit_auditentry_no_update BEFORE UPDATE OF {GUARDED_COLUMNS} "
            "ON audit_auditentry FOR EACH ROW EXECUTE FUNCTION audit_auditentry_no_update()"
        )
        schema_editor.execute(
            "CREATE TRIGGER audit_auditentry_no_delete BEFORE DELETE ON audit_auditentry "
            "FOR EACH ROW EXECUTE FUNCTION audit_auditentry_no_delete()"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_auditentry_no_update")
    elif vendor == "postgresql":
        for name in ("no_update", "no_delete"):
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS audit_auditentry_{name} ON audit_auditentry")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS audit_auditentry_{name}()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_entry")]
    operations = [migrations.RunPython(create, drop)]
