"""The import engine: read, parse, validate every row, then write all or nothing.

A kind (kinds.py) says which columns it has, how a row maps onto records and which checks
span rows. The engine does the rest the same way for every kind: header matching, cell
parsing, duplicate natural keys, collecting every error, the dry run and the transaction.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

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


def parse_rows(kind: ImportKind, table, mapping: dict[int, Column],
               errors: list[RowError]) -> list[Row]:
    headers = {column.key: shown_header(table.headers[index]) for index, column in mapping.items()}
    ignored = ignored_columns(table.headers)
    first_key = next(iter(mapping.values())).key if mapping else "—"
    rows = []
    for number, cells in table.rows:
        values = {}
        row = Row(number, values, headers, errors)
        if is_example_row(cells, ignored):
            row.error(first_key, EXAMPLE_ROW)
            rows.append(row)
            continue
        extra = [cell for index, cell in enumerate(cells)
                 if index >= len(table.headers) and cell not in (None, "")]
        if extra:
            row.error("—", "该行的数据多于表头的列数")
        for index, column in mapping.items():
            cell = cells[index] if index < len(cells) else None
            if column.required and text(cell) == "" and not hasattr(cell, "year"):
                row.error(column.key, f"“{column.label}”为必填项")
                continue
            if number_trapped(column.key, cell):
                row.error(column.key, NUMBER_TRAP)
                continue
            if column.key in CODE_KEYS:
                cell = normalise_code(column.key, cell)
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
    names = recognised_names(kind_class)
    try:
        table = read_table(data, filename, recognised=names.__contains__)
    except ImportFileError as error:
        result.file_error = str(error)
        return result
    context = Context(user=user, today=today or timezone.localdate())
    kind = kind_class(context)
    used = {index for _number, cells in table.rows
            for index, cell in enumerate(cells) if cell not in (None, "")}
    mapping, header_errors = match_headers(kind, table.headers, table.header_row, used)
    result.errors.extend(header_errors)
    if header_errors:
        return result
    result.notes = table_notes(table)
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
