"""On PostgreSQL, let the database itself refuse overlapping periods.

SQLite cannot express exclusion constraints; there the services' checks (run under row
locks) are the guard. Periods are inclusive at both ends, hence the '[]' ranges.
"""

from django.db import migrations

EXCLUSIONS = [
    ("organisation_coverage", "coverage_one_branch_per_institution_per_day", "institution_id"),
    ("organisation_membership", "membership_one_branch_per_member_per_day", "member_id"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for table, name, column in EXCLUSIONS:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {name} EXCLUDE USING gist "
            f"({column} WITH =, daterange(start, \"end\", '[]') WITH &&) "
            # Immediate for every ordinary write; an import defers it to its commit.
            "DEFERRABLE INITIALLY IMMEDIATE"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, _column in EXCLUSIONS:
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("organisation", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
