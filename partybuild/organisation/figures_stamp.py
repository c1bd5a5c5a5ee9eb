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

from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.db import connections

from partybuild.core.memo import KeptValues

STAMP_TABLE = "organisation_figuresstamp"
SEQUENCE = "organisation_figures_token"
# The stamp rows: the structure's token (the triggers of WATCHED_MODELS renew it) and the
# monthly work's (WATCHED_ACTIVITY_MODELS renew it: a visit does not make the structure
# figures be counted again). Each trigger renews its own row only, and the monthly figures
# are kept under both tokens: on PostgreSQL a write holds its row's lock until it commits,
# and a structure write that locked both rows could deadlock with a visit being saved.
STRUCTURE_ROW = 1
ACTIVITY_ROW = 2
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


# The monthly work the staff home's follow-ups and the completeness grid count, the
# instructors' names and numbers the grid's figures show, and the rest of what the scoring
# engine reads (a score page keeps its institution's computed score under these tokens).
WATCHED_ACTIVITY_MODELS = (
    ("visits", "Visit"),  # visited, items done, entry day
    ("visits", "Hazard"),  # overdue hazards
    ("visits", "Clue"),  # clues awaiting review
    ("instructors", "Instructor"),  # names and numbers in the grid's figures
    ("activities", "Activity"),  # activities counted by a score
    ("points", "PointEntry"),  # red-list points of a score
)


def _tables(models) -> list[str]:
    # By name: instructors, visits, activities and points are layers above organisation.
    return [apps.get_model(app, model)._meta.db_table for app, model in models]


def watched_tables() -> list[str]:
    """Their tables (Region kept organisation's table when it moved to its own app)."""
    return _tables(WATCHED_MODELS)


def watched_activity_tables() -> list[str]:
    return _tables(WATCHED_ACTIVITY_MODELS)


OPERATIONS = ("insert", "update", "delete")


def _sqlite_statements() -> list[str]:
    statements = []
    for table in watched_tables():
        for operation in OPERATIONS:
            # Dropped first: an older trigger of the same name renewed every row.
            statements.append(f"DROP TRIGGER IF EXISTS {table}_figures_{operation}")
            statements.append(
                f"CREATE TRIGGER {table}_figures_{operation} AFTER "
                f"{operation.upper()} ON {table} BEGIN UPDATE {STAMP_TABLE} "
                f"SET token = random() WHERE id = {STRUCTURE_ROW}; END"
            )
    return statements


# The tables that grow by imports of many thousand rows. SQLite has row triggers only, and
# any AFTER INSERT trigger, even an empty one, doubled the time to insert a wide visit row
# (about 30 µs a row: 7 s more for a 250,000-visit import). So on SQLite their inserts
# set no token: the reader adds the largest id of each to the tokens instead, an index
# lookup. Django's SQLite tables are AUTOINCREMENT, so every insert that lets the database
# choose the id raises it; updates and deletes still renew the token by trigger.
INSERT_BY_MAX_ID_MODELS = (("visits", "Visit"), ("visits", "Hazard"), ("visits", "Clue"),
                           ("activities", "Activity"), ("points", "PointEntry"))


def _sqlite_activity_statements() -> list[str]:
    by_max_id = set(_tables(INSERT_BY_MAX_ID_MODELS))
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_activity_{operation} AFTER "
        f"{operation.upper()} ON {table} BEGIN UPDATE {STAMP_TABLE} "
        f"SET token = random() WHERE id = {ACTIVITY_ROW}; END"
        for table in watched_activity_tables() for operation in OPERATIONS
        if not (operation == "insert" and table in by_max_id)
    ]


def _postgres_statements() -> list[str]:
    statements = [
        f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}",
        # Once per statement, not per row: a bulk import of 20,000 rows sets one token.
        "CREATE OR REPLACE FUNCTION organisation_figures_touch() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN UPDATE {STAMP_TABLE} SET token = nextval('{SEQUENCE}') "
        f"WHERE id = {STRUCTURE_ROW}; RETURN NULL; END; $$",
    ]
    for table in watched_tables():
        statements.append(
            f"CREATE OR REPLACE TRIGGER {table}_figures AFTER INSERT OR UPDATE OR DELETE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION organisation_figures_touch()"
        )
    return statements


def _postgres_activity_statements() -> list[str]:
    statements = [
        "CREATE OR REPLACE FUNCTION organisation_activity_touch() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN UPDATE {STAMP_TABLE} SET token = nextval('{SEQUENCE}') "
        f"WHERE id = {ACTIVITY_ROW}; RETURN NULL; END; $$",
    ]
    for table in watched_activity_tables():
        statements.append(
            f"CREATE OR REPLACE TRIGGER {table}_activity AFTER INSERT OR UPDATE OR DELETE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION organisation_activity_touch()"
        )
    return statements


def install(connection) -> None:
    """Create the triggers (idempotent) and the stamp row if it is missing."""
    if connection.vendor == "sqlite":
        statements = _sqlite_statements()
        activity_statements = _sqlite_activity_statements()
        new_token = "random()"
    elif connection.vendor == "postgresql":
        statements = _postgres_statements()
        activity_statements = _postgres_activity_statements()
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
            f"INSERT INTO {STAMP_TABLE} (id, token) SELECT {STRUCTURE_ROW}, {new_token} "
            f"WHERE NOT EXISTS (SELECT 1 FROM {STAMP_TABLE} WHERE id = {STRUCTURE_ROW})"
        )
        if not set(watched_activity_tables()) <= tables:
            return  # the visits app not migrated yet: its post_migrate installs the rest
        if connection.vendor == "sqlite":
            for table in _tables(INSERT_BY_MAX_ID_MODELS):
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_activity_insert")
        for statement in activity_statements:
            cursor.execute(statement)
        cursor.execute(
            f"INSERT INTO {STAMP_TABLE} (id, token) SELECT {ACTIVITY_ROW}, {new_token} "
            f"WHERE NOT EXISTS (SELECT 1 FROM {STAMP_TABLE} WHERE id = {ACTIVITY_ROW})"
        )


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in watched_tables():
                for operation in OPERATIONS:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_figures_{operation}")
            for table in watched_activity_tables():
                for operation in OPERATIONS:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_activity_{operation}")
        elif connection.vendor == "postgresql":
            for table in watched_tables():
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_figures ON {table}")
            tables = set(connection.introspection.table_names())
            for table in watched_activity_tables():
                if table in tables:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_activity ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS organisation_figures_touch()")
            cursor.execute("DROP FUNCTION IF EXISTS organisation_activity_touch()")
            cursor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


# The tokens read in this request, by database alias, while a read-only request is served
# (TokensReadOncePerRead); None outside one.
_read_in_request: ContextVar[dict | None] = ContextVar("partybuild_tokens_read", default=None)


@contextmanager
def tokens_read_once():
    """Within it, each database's tokens are read at most once: for a request that writes
    nothing, so that what its page keeps (counts, figures, the region options, the score)
    is named by one reading of the tokens rather than one query each."""
    reset = _read_in_request.set({})
    try:
        yield
    finally:
        _read_in_request.reset(reset)


def current_token(using: str = "default") -> int | None:
    """The token now, or None when there is no stamp row (then nothing may be reused)."""
    if _read_in_request.get() is not None:
        tokens = current_tokens(using)
        if tokens is not None:
            return dict(tokens)[STRUCTURE_ROW]
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT token FROM {STAMP_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def current_tokens(using: str = "default") -> tuple | None:
    """The structure's and the monthly work's tokens, in one query; None without both rows.

    On SQLite the largest id of each INSERT_BY_MAX_ID_MODELS table is part of them.
    """
    read = _read_in_request.get()
    if read is not None and using in read:
        return read[using]
    connection = connections[using]
    sql = f"SELECT id, token FROM {STAMP_TABLE} WHERE id IN ({STRUCTURE_ROW}, {ACTIVITY_ROW})"
    if connection.vendor == "sqlite":
        sql += "".join(f" UNION ALL SELECT {-n}, MAX(id) FROM {table}"
                       for n, table in enumerate(_tables(INSERT_BY_MAX_ID_MODELS), start=1))
    with connection.cursor() as cursor:
        cursor.execute(sql)
        tokens = dict(cursor.fetchall())
    tokens = (None if STRUCTURE_ROW not in tokens or ACTIVITY_ROW not in tokens
              else tuple(sorted(tokens.items())))
    if read is not None:
        read[using] = tokens
    return tokens


# Values kept in this process, the most recently used last. Not Django's cache: a grid's
# figures hold thousands of lines, and unpickling them on every read cost as much as a
# third of the page. Each server process keeps its own; the tokens keep them all right.
KEPT_VALUES = 256
_kept = KeptValues(KEPT_VALUES)


def kept(name: str, parts: tuple, compute, using: str = "default"):
    """compute(), reused while neither token has changed since it was kept.

    `parts` must name everything else the value depends on (the user's region path, the
    day, the filters, the settings read, the language): the tokens stand for the database
    only. A read never writes to the database. Without the stamp rows (a flushed database,
    another vendor) compute() runs every time. The value is shared between requests: its
    readers must not change it.
    """
    tokens = current_tokens(using)
    if tokens is None:
        return compute()
    key = (name, connections[using].settings_dict["NAME"], parts, tokens)
    return _kept.get_or_build(key, compute)


def install_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate receiver: put back what a table rebuild or a flush took away."""
    install(connections[using])
