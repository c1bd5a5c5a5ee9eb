"""The import engine: read, parse, validate every row, then write all or nothing.

A kind (kinds.py) says which columns it has, how a row maps onto records and which checks
span rows. The engine does the rest the same way for every kind: header matching, cell
parsing, duplicate natural keys, collecting every error, the dry run and the transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .parsing import CellError, text
from .readers import ImportFileError, read_table

BATCH_SIZE = 2000


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    parse: Callable = text


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass
class ImportResult:
    kind: str
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error

    def summary_line(self) -> str:
        return f"{self.kind}: {self.created} created, {self.updated} updated"

    def error_lines(self) -> list[str]:
        if self.file_error:
            return [f"file: {self.file_error}"]
        return [str(error) for error in self.errors]


class Row:
    """One data row: its Excel row number, parsed values and the headers as the user wrote them."""

    def __init__(self, number: int, values: dict, headers: dict[str, str], errors: list):
        self.number, self.values, self.headers, self._errors = number, values, headers, errors
        self.failed = False

    def __getitem__(self, key):
        return self.values.get(key)

    def error(self, key: str, message: str) -> None:
        self.failed = True
        self._errors.append(RowError(self.number, self.headers.get(key, key), message))


@dataclass
class Context:
    """What a kind needs besides the rows: who imports, and today."""

    user: object = None
    today: date = field(default_factory=timezone.localdate)

    def region_allowed(self, region) -> bool:
        if self.user is None:
            return True
        from partybuild.accounts.scoping import user_may_see_region

        return user_may_see_region(self.user, region)


@dataclass
class Planned:
    """A record the import will create (pk None) or change (changed fields listed)."""

    row: Row
    instance: object
    changed: list[str] = field(default_factory=list)
    # Secondary records (a member's person record beside the membership row) are written
    # but not counted: the summary line counts rows of the file.
    counted: bool = True

    @property
    def is_new(self) -> bool:
        return self.instance.pk is None


def assign(instance, values: dict) -> list[str]:
    """Set the values on the instance; the names of the fields whose value changed."""
    changed = []
    for name, value in values.items():
        field = instance._meta.get_field(name)
        if field.is_relation:
            # Compare keys: reading an unset relation raises, and ids are what is stored.
            current = getattr(instance, field.attname)
            new = value.pk if value is not None else None
            differs = current != new or (value is not None and value.pk is None)
        else:
            differs = getattr(instance, name) != value
        if differs:
            setattr(instance, name, value)
            changed.append(name)
    return changed


class ImportKind:
    """Base of every kind of FORMATS.md; subclasses fill in columns and the row mapping."""

    name: str = ""
    label: str = ""
    model = None
    columns: tuple[Column, ...] = ()
    natural_key: tuple[str, ...] = ()

    def __init__(self, context: Context):
        self.context = context

    # Subclass hooks ------------------------------------------------------------------

    def load(self, rows: list[Row]) -> None:
        """Fetch, in a fixed number of queries, everything the rows refer to."""

    def plan(self, row: Row) -> list[Planned]:
        """The records this row creates or changes; report problems with row.error()."""
        raise NotImplementedError

    def check_all(self, planned: list[Planned]) -> None:
        """Checks that span rows and the records already stored (overlapping periods...)."""

    def write(self, planned: list[Planned]) -> None:
        """Create and update the planned records in bulk, with history."""
        write_planned(self.model, planned, self.context.user)

    # Shared helpers -----------------------------------------------------------------

    def natural_key_of(self, row: Row) -> tuple:
        return tuple(row[key] for key in self.natural_key)


def write_planned(model, planned: list[Planned], user) -> None:
    """Bulk-create the new records and bulk-update the changed ones of one model."""
    new = [item.instance for item in planned if item.is_new]
    changed = [item for item in planned if not item.is_new and item.changed]
    has_history = hasattr(model, "history")
    # Updates first: a file that ends a stored period and starts the next one must free the
    # days before PostgreSQL's exclusion constraints see the new period.
    if changed:
        fields = sorted({name for item in changed for name in item.changed})
        objects = [item.instance for item in changed]
        if has_history:
            bulk_update_with_history(objects, model, fields, batch_size=BATCH_SIZE,
                                     default_user=user, default_change_reason="导入")
        else:
            model.objects.bulk_update(objects, fields, batch_size=BATCH_SIZE)
    if new:
        if has_history:
            bulk_create_with_history(new, model, batch_size=BATCH_SIZE, default_user=user,
                                     default_change_reason="导入")
        else:
            model.objects.bulk_create(new, batch_size=BATCH_SIZE)


def match_headers(kind: ImportKind, headers: list[str]) -> tuple[dict[int, Column], list[RowError]]:
    """Map each header (Chinese name or English key) to its column; report unknown and missing."""
    by_name = {}
    for column in kind.columns:
        by_name[column.label] = column
        by_name[column.key] = column
    mapping, errors, seen = {}, [], {}
    for index, header in enumerate(headers):
        name = header.strip()
        column = by_name.get(name)
        if column is None:
            known = "、".join(column.label for column in kind.columns)
            errors.append(RowError(1, name or f"第{index + 1}列",
                                   f"未知的列“{name}”（{kind.label}的列为：{known}）"))
        elif column.key in seen:
            errors.append(RowError(1, name, f"列“{name}”重复出现（已在第 {seen[column.key]} 列）"))
        else:
            mapping[index] = column
            seen[column.key] = index + 1
    for column in kind.columns:
        if column.required and column.key not in seen:
            errors.append(RowError(1, column.label, f"缺少必填列“{column.label}”"))
    return mapping, errors


def parse_rows(kind: ImportKind, table, mapping: dict[int, Column],
               errors: list[RowError]) -> list[Row]:
    headers = {column.key: table.headers[index] for index, column in mapping.items()}
    rows = []
    for number, cells in table.rows:
        values = {}
        row = Row(number, values, headers, errors)
        extra = [cell for index, cell in enumerate(cells)
                 if index >= len(table.headers) and cell not in (None, "")]
        if extra:
            row.error("—", "该行的数据多于表头的列数")
        for index, column in mapping.items():
            cell = cells[index] if index < len(cells) else None
            if column.required and text(cell) == "" and not hasattr(cell, "year"):
                row.error(column.key, f"“{column.label}”为必填项")
                continue
            try:
                values[column.key] = column.parse(cell)
            except CellError as error:
                row.error(column.key, str(error))
        for column in kind.columns:
            if column.key not in values:
                values[column.key] = _empty_value(column)
        rows.append(row)
    return rows


def _empty_value(column: Column):
    """What an empty cell means for the column ("" for text, None for a date...)."""
    try:
        return column.parse(None)
    except CellError:
        return None


def run_import(kind_class: type[ImportKind], data: bytes, filename: str, *, user=None,
               dry_run: bool = False, today: date | None = None) -> ImportResult:
    """Validate the whole file; write it only when every row is valid and this is no dry run."""
    result = ImportResult(kind=kind_class.name, dry_run=dry_run)
    try:
        table = read_table(data, filename)
    except ImportFileError as error:
        result.file_error = str(error)
        return result
    context = Context(user=user, today=today or timezone.localdate())
    kind = kind_class(context)
    mapping, header_errors = match_headers(kind, table.headers)
    result.errors.extend(header_errors)
    if header_errors:
        return result
    rows = parse_rows(kind, table, mapping, result.errors)
    parsed = [row for row in rows if not row.failed]
    kind.load(parsed)
    seen_keys: dict[tuple, int] = {}
    planned: list[Planned] = []
    for row in parsed:
        key = kind.natural_key_of(row)
        if key in seen_keys:
            row.error(kind.natural_key[-1],
                      f"与第 {seen_keys[key]} 行重复（{'、'.join(map(_shown, key))}）")
            continue
        seen_keys[key] = row.number
        planned.extend(kind.plan(row))
    # Cross-row checks run on the rows that are valid on their own, so that one file lists
    # every problem at once.
    planned = [item for item in planned if not item.row.failed]
    kind.check_all(planned)
    if result.errors:
        result.errors.sort(key=lambda error: error.row)
        return result
    counted = [item for item in planned if item.counted]
    result.created = sum(1 for item in counted if item.is_new)
    result.updated = sum(1 for item in counted if not item.is_new and item.changed)
    result.unchanged = len(counted) - result.created - result.updated
    if not dry_run:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # The rows were checked as a whole; let the periods settle before PostgreSQL
                # re-checks its exclusion constraints at commit.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            kind.write(planned)
    return result


def _shown(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)
