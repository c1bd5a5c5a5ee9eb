"""The token that tells whether the structure figures of a region may still be reused.

The home page shows each region's structure figures (organisation.selectors), counted over
every institution, branch and membership of the region: on a province that scan is most of
the page. The figures change only when one of the tables they read changes, or the day
changes. So every insert, update and delete of those tables sets a new token in the one
row of FiguresStamp, by a database trigger: no write path can forget it (services, the
importers, bulk_create, the admin, seed_demo, raw SQL, a rolled-back transaction takes its
token back with it). Readers keep the figures per (region, day, token) in Django's cache and
recompute when the token they read is not the one they kept; a read never writes.

On PostgreSQL the token comes from a sequence, which a rollback does not rewind, so a
token is never reused; on SQLite it is random(), 64 random bits. Triggers are created by
migration 0004 and again after every migrate (post_migrate): SQLite drops a table's
triggers when a later migration rebuilds that table, and `flush` empties the stamp table
(without the row nothing is cached, and post_migrate puts a fresh one back).
"""

from django.apps import apps
from django.db import connections

STAMP_TABLE = "organisation_figuresstamp"
SEQUENCE = "organisation_figures_token"
# Every model region_structure_figures reads, and what a change of each can move.
WATCHED_MODELS = (
    ("organisation", "Institution"),  # region, opened_on, closed_on
    ("organisation", "Coverage"),  # which institution is covered when
    ("organisation", "Branch"),  # kind, committee, founded_on, dissolved_on
    ("organisation", "Committee"),  # the committee's region
    ("organisation", "Membership"),  # members and secretaries
    ("organisation", "Pairing"),  # paired branches
    ("instructors", "Assignment"),  # instructors on duty, institutions without one
    ("regions", "Region"),  # the paths the figures are counted under
    # Not read by the figures: watched so that the list pages may keep their row counts
    # (organisation.selectors.kept_count); scores change in batches, inspections rarely.
    ("scoring", "Score"),
    ("scoring", "Inspection"),
)


def watched_tables() -> list[str]:
    """Their tables (Region kept organisation's table when it moved to its own app)."""
    # By name: instructors is a layer above organisation.
    return [apps.get_model(app, model)._meta.db_table for app, model in WATCHED_MODELS]


OPERATIONS = ("insert", "update", "delete")


def _sqlite_statements() -> list[str]:
    statements = []
    for table in watched_tables():
        for operation in OPERATIONS:
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_figures_{operation} AFTER "
                f"{operation.upper()} ON {table} BEGIN UPDATE {STAMP_TABLE} "
                "SET token = random(); END"
            )
    return statements


def _postgres_statements() -> list[str]:
    statements = [
        f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}",
        # Once per statement, not per row: a bulk import of 20,000 rows sets one token.
        "CREATE OR REPLACE FUNCTION organisation_figures_touch() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN UPDATE {STAMP_TABLE} SET token = nextval('{SEQUENCE}'); "
        "RETURN NULL; END; $$",
    ]
    for table in watched_tables():
        statements.append(
            f"CREATE OR REPLACE TRIGGER {table}_figures AFTER INSERT OR UPDATE OR DELETE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION organisation_figures_touch()"
        )
    return statements


def install(connection) -> None:
    """Create the triggers (idempotent) and the stamp row if it is missing."""
    if connection.vendor == "sqlite":
        statements = _sqlite_statements()
        new_token = "random()"
    elif connection.vendor == "postgresql":
        statements = _postgres_statements()
        new_token = f"nextval('{SEQUENCE}')"
    else:  # another database: no triggers, so nothing is ever cached (stamp row absent)
        return
    tables = set(connection.introspection.table_names())
    if STAMP_TABLE not in tables or not set(watched_tables()) <= tables:
        return  # migrating part of the way: the last step installs them
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        cursor.execute(
            f"INSERT INTO {STAMP_TABLE} (id, token) SELECT 1, {new_token} "
            f"WHERE NOT EXISTS (SELECT 1 FROM {STAMP_TABLE})"
        )


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in watched_tables():
                for operation in OPERATIONS:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_figures_{operation}")
        elif connection.vendor == "postgresql":
            for table in watched_tables():
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_figures ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS organisation_figures_touch()")
            cursor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


def current_token(using: str = "default") -> int | None:
    """The token now, or None when there is no stamp row (then nothing may be reused)."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT token FROM {STAMP_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def install_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate receiver: put back what a table rebuild or a flush took away."""
    install(connections[using])
