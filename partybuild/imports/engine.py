"""The import engine: read, parse, validate every row, then write all or nothing.

A kind (kinds.py) says which columns it has, how a row maps onto records and which checks
span rows. The engine does the rest the same way for every kind: header matching, cell
parsing, duplicate natural keys, collecting every error, the dry run and the transaction.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from operator import itemgetter

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from partybuild.core.natural import fill_sort_keys, sort_key_fields

from .parsing import CellError, text
from .readers import ImportFileError, Table, header_name, is_ignored_header, read_table

BATCH_SIZE = 2000

# Columns holding codes and numbers that Excel would turn into numbers, losing every digit
# after the 15th (FORMATS.md, "Excel's number trap"): a number cell there is refused.
NUMBER_TRAP_KEYS = frozenset({"credit_code", "permit_no", "number", "instructor", "phone"})
NUMBER_TRAP = "该列是数字格式，Excel 可能已改动末几位：请把列设为文本后重新录入"
SCIENTIFIC = re.compile(r"^[0-9](\.[0-9]+)?E\+?[0-9]+$", re.IGNORECASE)
# Codes are compared as ASCII upper case: full-width letters and digits typed with a Chinese
# input method, or lower case, name the same code.
UPPER_CASE_KEYS = frozenset({"credit_code", "permit_no", "number", "instructor"})
CODE_KEYS = UPPER_CASE_KEYS | {"code", "parent_code", "region_code", "phone"}
# Spaces and hyphens people type to group a credit code's 18 characters.
CREDIT_CODE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc]")
# Rows after the data that a ledger's footer holds (who filled it in, when, notes).
FOOTER_PREFIXES = ("填表人", "填报人", "审核人", "负责人", "填表日期", "制表", "备注", "说明")
# The templates mark their example row in the ignored 序号 column.
EXAMPLE_MARK = "示例"
EXAMPLE_ROW = "这是模板中的示例行：请删除该行后再导入"


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
    # What was read but left out on purpose (title rows, a cover sheet, a footer).
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error

    def summary_line(self, suffix: str = "") -> str:
        """`KIND: N created, M updated` (FORMATS.md), then the suffix, then any notes."""
        line = f"{self.kind}: {self.created} created, {self.updated} updated{suffix}"
        return line + (f"（{'；'.join(self.notes)}）" if self.notes else "")

    def error_lines(self) -> list[str]:
        if self.file_error:
            return [f"file: {self.file_error}"]
        return [str(error) for error in self.errors]


class Row:
    """One data row: its Excel row number, parsed values and the headers as the user wrote them."""

    # A quarter of a million of them are made for a large file: no per-instance dict.
    __slots__ = ("number", "values", "headers", "_errors", "failed")

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


class NewRecord:
    """A record a streamed kind will insert, as the tuple of values its write() takes."""

    __slots__ = ("values",)
    pk = None

    def __init__(self, values: tuple):
        self.values = values


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
    # A kind whose rows are checked each on its own (and against the stored records, never
    # against other rows of the file but for duplicate keys) is validated and written batch
    # by batch (engine._run_streamed), so that large files stay small in memory.
    streamed: bool = False
    # A streamed kind that plans a batch whose every cell is good from its columns of
    # values (plan_columns, write_columns) rather than row by row: no Row, Planned or
    # model instance per row of the file.
    columnar: bool = False

    def __init__(self, context: Context):
        self.context = context

    # Subclass hooks ------------------------------------------------------------------

    def load(self, rows: list[Row]) -> None:
        """Fetch, in a fixed number of queries, everything the rows refer to."""

    def plan(self, row: Row) -> list[Planned]:
        """The records this row creates or changes; report problems with row.error()."""
        raise NotImplementedError

    def plan_columns(self, numbers: list[int], columns: dict[str, list],
                     row_at: Callable[[int], Row]) -> tuple[list, list[Planned]]:
        """For a columnar kind: the batch's new records (as write_columns takes them, in
        the order of the rows) and its stored records (Planned). A row that fails a check
        is made a Row by row_at(position) and reported on as plan() would."""
        raise NotImplementedError

    def write_columns(self, new: list, planned: list[Planned]) -> None:
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
    # Bulk writes bypass save(): the natural-order name keys are set here.
    fill_sort_keys(item.instance for item in planned)
    has_history = hasattr(model, "history")
    # Updates first: a file that ends a stored period and starts the next one must free the
    # days before PostgreSQL's exclusion constraints see the new period.
    if changed:
        fields = sort_key_fields(model, sorted({name for item in changed
                                                for name in item.changed}))
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


def recognised_names(kind: ImportKind | type[ImportKind]) -> dict[str, Column]:
    """Each column under its Chinese name and its English key, as header_name() gives them."""
    by_name = {}
    for column in kind.columns:
        by_name[header_name(column.label)] = column
        by_name[header_name(column.key)] = column
    return by_name


def shown_header(header: str) -> str:
    """A header as messages name it: line breaks and runs of spaces taken out."""
    return re.sub(r"\s+", "", header)


def match_headers(kind: ImportKind, headers: list[str], header_row: int = 1,
                  used: set[int] | None = None) -> tuple[dict[int, Column], list[RowError]]:
    """Map each header (Chinese name or English key) to its column; report unknown and missing.

    Serial-number columns (序号, 编号, No.) are left out, and so is a column without a
    header whose cells are all empty (`used` holds the indexes of columns with a value).
    """
    by_name = recognised_names(kind)
    mapping, errors, seen = {}, [], {}
    for index, header in enumerate(headers):
        name = header_name(header)
        shown = shown_header(header)
        column = by_name.get(name)
        if column is None and (is_ignored_header(name)
                               or (name == "" and used is not None and index not in used)):
            continue
        if column is None:
            known = "、".join(column.label for column in kind.columns)
            errors.append(RowError(header_row, shown or f"第{index + 1}列",
                                   f"未知的列“{shown}”（{kind.label}的列为：{known}）"))
        elif column.key in seen:
            errors.append(RowError(header_row, shown,
                                   f"列“{shown}”重复出现（已在第 {seen[column.key]} 列）"))
        else:
            mapping[index] = column
            seen[column.key] = index + 1
    for column in kind.columns:
        if column.required and column.key not in seen:
            errors.append(RowError(header_row, column.label, f"缺少必填列“{column.label}”"))
    return mapping, errors


def normalise_code(key: str, value):
    """A code cell as it is checked: NFKC (full-width to ASCII), upper case, and for a credit
    code without the spaces and hyphens people group it with."""
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFKC", value).strip()
    if key == "credit_code":
        value = CREDIT_CODE_SEPARATORS.sub("", value)
    if key in UPPER_CASE_KEYS:
        value = value.upper()
    return value


def number_trapped(key: str, cell) -> bool:
    """A code or phone number held in a number cell, or written the way Excel shows a large
    number (5.24309E+17): its last digits may already be lost."""
    if key not in NUMBER_TRAP_KEYS:
        return False
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return True
    return isinstance(cell, str) and bool(SCIENTIFIC.match(cell.strip()))


def ignored_columns(headers: list[str]) -> list[int]:
    return [index for index, header in enumerate(headers)
            if is_ignored_header(header_name(header))]


def is_example_row(cells: list, ignored: list[int]) -> bool:
    """The template's example row, marked 示例 in its 序号 column (or in its first cell)."""
    marked = [cells[index] for index in ignored if index < len(cells)]
    first = next((cell for cell in cells if cell not in (None, "")), None)
    return any(isinstance(cell, str) and cell.lstrip("【[(（").startswith(EXAMPLE_MARK)
               for cell in [*marked, first])


def footer_rows(table: Table, mapping: dict[int, Column]) -> int:
    """How many rows at the end are a ledger's footer (填表人、填表日期、备注...), not data.

    A footer row's first non-empty cell starts with one of FOOTER_PREFIXES and its required
    columns are otherwise empty (or hold another footer entry, like 填表日期 beside 填表人).
    """
    required = [index for index, column in mapping.items() if column.required]
    count = 0
    for _number, cells in reversed(table.rows):
        filled = [(index, cell) for index, cell in enumerate(cells) if cell not in (None, "")]
        if not filled or not _is_footer_text(filled[0][1]):
            break
        others = dict(filled[1:])
        if any(index in others and not _is_footer_text(others[index]) for index in required):
            break
        count += 1
    return count


def _is_footer_text(cell) -> bool:
    return isinstance(cell, str) and \
        unicodedata.normalize("NFKC", cell).lstrip().startswith(FOOTER_PREFIXES)


# Cells repeat (an institution's code on each of its visits, the same dates and 是/否): the
# outcome of parsing a cell is kept per column for the import, up to this many values.
CELL_MEMO_SIZE = 20_000
FAILED = object()


def _parse_cell(column: Column, cell) -> tuple[object, str]:
    """(value, "") for a good cell, (FAILED, message) for a bad one."""
    if column.required and text(cell) == "" and not hasattr(cell, "year"):
        return FAILED, f"“{column.label}”为必填项"
    if number_trapped(column.key, cell):
        return FAILED, NUMBER_TRAP
    if column.key in CODE_KEYS:
        cell = normalise_code(column.key, cell)
    try:
        return column.parse(cell), ""
    except CellError as error:
        return FAILED, str(error)


def _memo_columns(kind: ImportKind, mapping: dict[int, Column]) -> list:
    """(index, column, memo of its cells' outcomes) per mapped column."""
    memo = kind.__dict__.setdefault("_cell_memo", {})
    return [(index, column, memo.setdefault(column.key, {}))
            for index, column in mapping.items()]


def _absent_values(kind: ImportKind, mapping: dict[int, Column]) -> dict:
    return {column.key: _empty_value(column) for column in kind.columns
            if column not in mapping.values()}


def row_headers(table, mapping: dict[int, Column]) -> dict[str, str]:
    return {column.key: shown_header(table.headers[index]) for index, column in mapping.items()}


def parse_columns(kind: ImportKind, table, mapping: dict[int, Column]) -> dict | None:
    """The batch's values as a list per column key (the kind's columns the file lacks
    included, with their empty value), when every cell of every row is good; else None,
    and the batch goes through parse_rows."""
    value_columns = _parse_plain_columns(table.rows, len(table.headers),
                                         ignored_columns(table.headers),
                                         _memo_columns(kind, mapping))
    if value_columns is None:
        return None
    columns = {column.key: values
               for column, values in zip(mapping.values(), value_columns, strict=True)}
    for key, value in _absent_values(kind, mapping).items():
        columns[key] = [value] * len(table.rows)
    return columns


def parse_rows(kind: ImportKind, table, mapping: dict[int, Column],
               errors: list[RowError]) -> list[Row]:
    headers = row_headers(table, mapping)
    width = len(table.headers)
    ignored = ignored_columns(table.headers)
    first_key = next(iter(mapping.values())).key if mapping else "—"
    absent = _absent_values(kind, mapping)
    columns = _memo_columns(kind, mapping)
    if isinstance(table.rows, list):
        rows = _parse_plain_batch(table.rows, width, ignored, columns, absent, headers, errors)
        if rows is not None:
            return rows
    rows = []
    for number, cells in table.rows:
        values = {}
        row = Row(number, values, headers, errors)
        first = cells[0] if cells else None
        # The example mark is Chinese: a row starting with a code or a number is no example.
        if (ignored or not isinstance(first, str) or not first.isascii()) and \
                is_example_row(cells, ignored):
            row.error(first_key, EXAMPLE_ROW)
            rows.append(row)
            continue
        if len(cells) > width and any(cell not in (None, "") for cell in cells[width:]):
            row.error("—", "该行的数据多于表头的列数")
        for index, column, seen in columns:
            cell = cells[index] if index < len(cells) else None
            # The type is part of the key: 1 == True, and a number cell is refused where
            # the same digits as text are not. A text cell (every cell of a CSV) is its own
            # key, which saves building a tuple per cell; no other type hashes as a str does
            # and equals it, so the keys cannot mix.
            key = cell if cell.__class__ is str else (type(cell), cell)
            outcome = seen.get(key)
            if outcome is None:
                outcome = _parse_cell(column, cell)
                if len(seen) >= CELL_MEMO_SIZE:
                    seen.clear()
                seen[key] = outcome
            value, message = outcome
            if value is FAILED:
                row.error(column.key, message)
            else:
                values[column.key] = value
        for key, value in absent.items():
            values[key] = value
        rows.append(row)
    return rows


def _parse_plain_batch(batch: list, width: int, ignored: list[int], columns: list,
                       absent: dict, headers: dict, errors: list) -> list[Row] | None:
    """parse_rows for a batch whose every cell is good, a column at a time; None when a row
    needs parse_rows' own loop (a cell that fails, an example row, cells past the header)."""
    value_columns = _parse_plain_columns(batch, width, ignored, columns)
    if value_columns is None:
        return None
    names = [column.key for _index, column, _seen in columns]
    rows = []
    for (number, _cells), row_values in zip(batch, zip(*value_columns, strict=True), strict=True):
        values = dict(zip(names, row_values, strict=True))
        values.update(absent)
        rows.append(Row(number, values, headers, errors))
    return rows


def _parse_plain_columns(batch: list, width: int, ignored: list[int],
                         columns: list) -> list[list] | None:
    """The parsed values of a batch whose every cell is good, a list per column; None when
    a row needs parse_rows' own loop.

    Column by column, each cell's outcome comes from the memo in one pass, which costs a
    fraction of the row-by-row loop; the values and the memo are the same.
    """
    if not columns:
        return None
    for _number, cells in batch:
        first = cells[0] if cells else None
        if len(cells) != width or ((ignored or not isinstance(first, str)
                                    or not first.isascii()) and is_example_row(cells, ignored)):
            return None
    value_columns = []
    for index, column, seen in columns:
        cells = list(map(itemgetter(index), map(itemgetter(1), batch)))
        # Every cell of a CSV is text, which is its own memo key (parse_rows).
        keys = cells if set(map(type, cells)) == {str} else \
            [cell if cell.__class__ is str else (type(cell), cell) for cell in cells]
        outcomes = list(map(seen.get, keys))
        if None in outcomes:
            for position, key in enumerate(keys):
                if outcomes[position] is None:
                    outcome = seen.get(key)
                    if outcome is None:
                        outcome = _parse_cell(column, cells[position])
                        if len(seen) >= CELL_MEMO_SIZE:
                            seen.clear()
                        seen[key] = outcome
                    outcomes[position] = outcome
        values = list(map(itemgetter(0), outcomes))
        if FAILED in values:
            return None
        value_columns.append(values)
    return value_columns


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
    names = recognised_names(kind_class)
    try:
        table = read_table(data, filename, recognised=names.__contains__,
                           stream=kind_class.streamed)
        if not isinstance(table.rows, list) and \
                any(header_name(header) == "" for header in table.headers):
            # Whether a column without a header is empty takes every row to tell.
            table.rows = list(table.rows)
    except ImportFileError as error:
        result.file_error = str(error)
        return result
    context = Context(user=user, today=today or timezone.localdate())
    kind = kind_class(context)
    used = {index for _number, cells in table.rows
            for index, cell in enumerate(cells) if cell not in (None, "")} \
        if isinstance(table.rows, list) else None
    mapping, header_errors = match_headers(kind, table.headers, table.header_row, used)
    result.errors.extend(header_errors)
    if header_errors:
        return result
    result.notes = table_notes(table)
    if kind.streamed:
        return _run_streamed(kind, table, mapping, result, dry_run)
    footer = footer_rows(table, mapping)
    if footer:
        table.rows = table.rows[:-footer]
        result.notes.append(f"忽略 {footer} 行表尾")
        if not table.rows:
            result.file_error = "文件只有表头，没有数据行。"
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


def _run_streamed(kind: ImportKind, table: Table, mapping: dict[int, Column],
                  result: ImportResult, dry_run: bool) -> ImportResult:
    """Validate and write the rows BATCH_SIZE at a time, all or nothing all the same.

    Each batch is parsed, looked up, planned and written before the next is read, so that a
    file of 250,000 rows never lives in memory as Row objects or model instances. The writes
    happen inside one transaction (a savepoint when the caller holds one): as soon as a row
    fails, writing stops, every later row is still checked so that the user sees every
    problem at once, and the transaction is rolled back at the end. A dry run writes nothing
    and counts the same way.
    """
    # The cache is set outside the transaction: a failed import marks it for rollback, and
    # no statement may run in it after that.
    with sqlite_page_cache(), transaction.atomic():
        return _stream_batches(kind, table, mapping, result, dry_run)


# SQLite's page cache during a streamed import, in KiB (PRAGMA cache_size takes -KiB): the
# default 2 MB cannot hold the pages of the indexes that a quarter of a million rows and
# their history rows go into, and each insert would read its index pages back from the OS.
SQLITE_IMPORT_CACHE_KIB = 64 * 1024


@contextmanager
def sqlite_page_cache():
    """A larger SQLite page cache for the block, the connection's own restored afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _stream_batches(kind: ImportKind, table: Table, mapping: dict[int, Column],
                    result: ImportResult, dry_run: bool) -> ImportResult:
    footer = FooterHeld(mapping)
    rows_read = footer.rows(table.rows)
    seen_keys: dict[tuple, int] = {}
    natural_key = kind.natural_key
    if not dry_run and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    while True:
        try:
            batch = list(islice(rows_read, BATCH_SIZE))
        except ImportFileError as error:
            # A malformed record or one past the limits, met while reading on.
            result.file_error = str(error)
            break
        if not batch:
            break
        if kind.columnar and _columnar_batch(kind, Table(headers=table.headers, rows=batch),
                                             mapping, seen_keys, result, dry_run):
            continue
        rows = parse_rows(kind, Table(headers=table.headers, rows=batch), mapping,
                          result.errors)
        parsed = [row for row in rows if not row.failed]
        kind.load(parsed)
        planned: list[Planned] = []
        for row in parsed:
            # The values come from parse_rows' memo: a code repeated on every row is one
            # string object, which keeps this index of the whole file's keys small.
            values = row.values
            key = tuple([values[name] for name in natural_key])
            if key in seen_keys:
                row.error(kind.natural_key[-1],
                          f"与第 {seen_keys[key]} 行重复（{'、'.join(map(_shown, key))}）")
                continue
            seen_keys[key] = row.number
            planned.extend(kind.plan(row))
        planned = [item for item in planned if not item.row.failed]
        kind.check_all(planned)
        if result.errors:
            # Nothing will be kept: stop writing, keep checking.
            continue
        counted = [item for item in planned if item.counted]
        created = sum(1 for item in counted if item.is_new)
        updated = sum(1 for item in counted if not item.is_new and item.changed)
        result.created += created
        result.updated += updated
        result.unchanged += len(counted) - created - updated
        if not dry_run:
            kind.write(planned)
    if footer.count:
        result.notes.append(f"忽略 {footer.count} 行表尾")
    if not result.file_error and not footer.data_rows:
        result.file_error = "文件只有表头，没有数据行。"
    if not result.ok:
        result.errors.sort(key=lambda error: error.row)
        result.created = result.updated = result.unchanged = 0
        transaction.set_rollback(True)
    return result


def _columnar_batch(kind: ImportKind, batch: Table, mapping: dict[int, Column],
                    seen_keys: dict[tuple, int], result: ImportResult, dry_run: bool) -> bool:
    """Check, count and write a batch as columns of values; False (nothing done) when a
    cell fails or a key repeats, and the batch goes row by row to word those errors."""
    columns = parse_columns(kind, batch, mapping)
    if columns is None:
        return False
    numbers = [number for number, _cells in batch.rows]
    keys = list(zip(*[columns[name] for name in kind.natural_key], strict=True))
    first_rows = dict(zip(keys, numbers, strict=True))
    if len(first_rows) != len(keys) or not seen_keys.keys().isdisjoint(first_rows):
        return False
    seen_keys.update(first_rows)
    headers = row_headers(batch, mapping)
    names = list(columns)

    def row_at(position: int) -> Row:
        return Row(numbers[position], {name: columns[name][position] for name in names},
                   headers, result.errors)

    new, planned = kind.plan_columns(numbers, columns, row_at)
    if result.errors:
        # Nothing will be kept: stop writing, keep checking.
        return True
    counted = [item for item in planned if item.counted]
    updated = sum(1 for item in counted if item.changed)
    result.created += len(new)
    result.updated += updated
    result.unchanged += len(counted) - updated
    if not dry_run:
        kind.write_columns(new, planned)
    return True


class FooterHeld:
    """Passes the data rows on, holding back a run of footer rows (as footer_rows() tells
    them) until a data row follows it: the run that ends the file is the footer."""

    def __init__(self, mapping: dict[int, Column]):
        self.required = [index for index, column in mapping.items() if column.required]
        self.count = 0
        self.data_rows = 0

    def is_footer(self, cells: list) -> bool:
        filled = [(index, cell) for index, cell in enumerate(cells) if cell not in (None, "")]
        if not filled or not _is_footer_text(filled[0][1]):
            return False
        others = dict(filled[1:])
        return not any(index in others and not _is_footer_text(others[index])
                       for index in self.required)

    def rows(self, rows: Iterable) -> Iterator:
        held = []
        for item in rows:
            cells = item[1]
            first = cells[0] if cells and cells[0] not in (None, "") else \
                next((cell for cell in cells if cell not in (None, "")), None)
            # Every footer word is Chinese: an ASCII first cell (a code, a number) is data.
            if isinstance(first, str) and not first.isascii() and _is_footer_text(first) \
                    and self.is_footer(cells):
                held.append(item)
                continue
            if held:
                self.data_rows += len(held)
                yield from held
                held = []
            self.data_rows += 1
            yield item
        self.count = len(held)


def table_notes(table: Table) -> list[str]:
    """What the summary says was skipped above the data: a cover sheet, title rows."""
    notes = []
    if table.skipped_sheets:
        notes.append(f"工作表“{'”“'.join(table.skipped_sheets)}”没有表头，已跳过，"
                     f"读取工作表“{table.sheet}”")
    rows = table.title_rows
    if len(rows) == 1:
        notes.append(f"第 {rows[0]} 行是标题，已跳过")
    elif rows:
        notes.append(f"第 {rows[0]}–{rows[-1]} 行是标题，已跳过")
    return notes


def _shown(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


# Set-based writing ----------------------------------------------------------------------
#
# bulk_create_with_history builds a model instance and a historical instance per row and
# lets the ORM compile both: for a quarter of a million visits that is most of the import.
# A streamed kind hands plain tuples instead, in the column order it names; the rows go in
# with one executemany (SQLite) or COPY (PostgreSQL) per batch, and their history rows with
# one INSERT ... SELECT from the rows just written, carrying what simple_history records: the
# user, the time, the change reason "导入" and "+" for a new record, "~" for a change.

CHANGE_REASON = "导入"


def _history_user_id(user):
    return getattr(user, "pk", None)


def _adapted(model, columns, rows: list[tuple]) -> list:
    """The rows with their dates and times as the driver takes them. Few distinct values
    recur (a year's days, one timestamp per batch): each is adapted once."""
    adapters = [(index, adapt, {}) for index, adapt in enumerate(_adapters(model, columns))
                if adapt is not None]
    if not adapters:
        return rows
    result = []
    for row in rows:
        row = list(row)
        for index, adapt, seen in adapters:
            value = row[index]
            if value is not None:
                adapted = seen.get(value)
                if adapted is None:
                    adapted = seen[value] = adapt(value)
                row[index] = adapted
        result.append(row)
    return result


def _adapters(model, columns) -> list:
    """Per column, how a Python value becomes what the database driver takes (or None)."""
    ops = connection.ops
    result = []
    for name in columns:
        # get_field knows attnames too (instructor_id), and client_id is no foreign key.
        field = model._meta.get_field(name)
        internal = field.get_internal_type()
        if internal == "DateField":
            result.append(ops.adapt_datefield_value)
        elif internal == "DateTimeField":
            result.append(ops.adapt_datetimefield_value)
        elif internal == "UUIDField" and connection.vendor != "postgresql":
            result.append(lambda value: value.hex)
        else:
            result.append(None)
    return result


def _column_names(model, columns) -> list[str]:
    return [model._meta.get_field(name).column for name in columns]


def insert_with_history(model, columns: tuple[str, ...], rows: list[tuple], user,
                        when=None, adapted: bool = False) -> None:
    """Insert the rows (tuples in the order of `columns`, attnames) and their "+" history.

    `adapted` says the rows' dates and times are already as the driver takes them
    (adapt_datefield_value, adapt_datetimefield_value), which the caller can do while it
    builds the rows instead of in a second pass here."""
    if not rows:
        return
    when = when or timezone.now()
    table = model._meta.db_table
    names = _column_names(model, columns)
    quoted = [connection.ops.quote_name(name) for name in names]
    history = getattr(model, "history", None)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                           "FROM generate_series(1, %s)",
                           [table, model._meta.pk.column, len(rows)])
            ids = [row[0] for row in cursor.fetchall()]
            pk = connection.ops.quote_name(model._meta.pk.column)
            with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} "
                                    f"({pk}, {', '.join(quoted)}) FROM STDIN") as copy:
                for pk_value, row in zip(ids, rows, strict=True):
                    copy.write_row((pk_value, *row))
            if history is not None:
                # Read back from the rows just copied, by their ids: the server copies the
                # values, no tuple per history row is built here. By ranges of consecutive
                # ids (one, unless another session drew from the sequence meanwhile): a
                # range is always probed in the primary key, where `= ANY` of 2,000 ids
                # was planned as a scan of the table while its statistics knew nothing of
                # the rows this import wrote.
                for first, last in _runs(ids):
                    _select_history(cursor, model, f"BETWEEN {first} AND {last}", [], "+",
                                    user, when)
            return
        cursor.executemany(
            f"INSERT INTO {connection.ops.quote_name(table)} ({', '.join(quoted)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})",
            rows if adapted else _adapted(model, columns, rows))
        if history is not None:
            # One writer at a time on SQLite, and the transaction holds the write lock from
            # its first insert: the batch's ids are the last len(rows) ones.
            cursor.execute("SELECT last_insert_rowid()")
            last = cursor.fetchone()[0]
            _select_history(cursor, model, f"BETWEEN {last - len(rows) + 1} AND {last}",
                            [], "+", user, when)


def _runs(ids: list[int]) -> list[tuple[int, int]]:
    """The ascending ids as (first, last) ranges of consecutive ids."""
    runs = []
    for value in sorted(ids):
        if runs and value == runs[-1][1] + 1:
            runs[-1][1] = value
        else:
            runs.append([value, value])
    return [(first, last) for first, last in runs]


def update_with_history(model, columns: tuple[str, ...], rows: list[tuple], user,
                        when=None) -> None:
    """Update stored records (tuples: the values of `columns`, then the pk) and add their
    "~" history rows, read back from the table as simple_history would record them."""
    if not rows:
        return
    when = when or timezone.now()
    names = _column_names(model, columns)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(model._meta.db_table)} SET "
            + ", ".join(f"{quote(name)} = %s" for name in names)
            + f" WHERE {quote(model._meta.pk.column)} = %s",
            _adapted(model, (*columns, model._meta.pk.attname), rows))
        if getattr(model, "history", None) is not None:
            ids = [row[-1] for row in rows]
            for first in range(0, len(ids), 10_000):
                chunk = ids[first:first + 10_000]
                _select_history(cursor, model, f"IN ({', '.join(['%s'] * len(chunk))})",
                                chunk, "~", user, when)


def _history_columns(model) -> list[str]:
    """The tracked columns of the model's history table (named as in the model's table)."""
    return [field.column for field in model.history.model.tracked_fields]


def _select_history(cursor, model, id_condition: str, params: list, history_type: str,
                    user, when) -> None:
    quote = connection.ops.quote_name
    historical = model.history.model
    tracked = [quote(column) for column in _history_columns(model)]
    cursor.execute(
        f"INSERT INTO {quote(historical._meta.db_table)} ({', '.join(tracked)}, "
        f"history_date, history_change_reason, history_type, history_user_id) "
        f"SELECT {', '.join(tracked)}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} {id_condition} "
        f"ORDER BY {quote(model._meta.pk.column)}",
        [connection.ops.adapt_datetimefield_value(when), CHANGE_REASON, history_type,
         _history_user_id(user), *params])
