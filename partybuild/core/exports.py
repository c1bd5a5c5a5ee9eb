"""CSV and XLSX downloads of a list page's filtered rows (all of them, not just one page)."""

import csv
import re
from collections.abc import Iterable
from datetime import date

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .signals import list_served

EXPORT_PARAM = "_export"
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Every export (list pages, annual_scores, the completeness workbook) writes its cells
# through csv_value() and xlsx_append(): the one place that keeps a record's text from
# running as a formula in the spreadsheet that opens it.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def csv_value(value):
    """A CSV cell neutralised the OWASP way: text starting with = + - @ tab or CR gets a
    leading `'`, so Excel shows it as text; numbers, and text that is a plain number such as
    `-10.00` in a figure column, stay as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) \
            and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def xlsx_text_cell(cell: Cell) -> Cell:
    """Make a text cell a text cell: openpyxl turns any string starting with `=` into a
    formula; this keeps it exactly the text it is (no visible `'`), never a formula."""
    if isinstance(cell.value, str):
        # Control characters other than tab and line breaks cannot be stored in XLSX.
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", cell.value)
        cell.data_type = "s"
    return cell


def xlsx_append(sheet, values: Iterable) -> None:
    """Append a row to a worksheet (normal or write-only) with every text as a text cell."""
    if isinstance(sheet, WriteOnlyWorksheet):
        cells = [value if isinstance(value, Cell) else WriteOnlyCell(sheet, value=value)
                 for value in values]
        sheet.append([xlsx_text_cell(cell) for cell in cells])
        return
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        xlsx_text_cell(cell)


def csv_response(rows: Iterable[list], filename: str) -> HttpResponse:
    """A CSV download with a UTF-8 byte-order mark, so Excel reads the Chinese text."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.csv")
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
    return response


def xlsx_response(rows: Iterable[list], filename: str, title: str) -> HttpResponse:
    """An XLSX download: bold header row, frozen under the header, dates as dates."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    widths: dict[int, int] = {}
    for index, row in enumerate(rows):
        xlsx_append(sheet, row)
        for column, value in enumerate(row, start=1):
            text = value.isoformat() if isinstance(value, date) else str(value or "")
            # CJK characters are about twice as wide as Latin ones in Excel's units.
            width = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
            widths[column] = max(widths.get(column, 0), min(width + 2, 60))
        if index == 0:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
    for column, width in widths.items():
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    response = HttpResponse(content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.xlsx")
    workbook.save(response)
    return response


class TableExportMixin:
    """Add ?_export=csv|xlsx to a SingleTableMixin + FilterView list: every filtered row.

    The export uses the table's columns (minus those marked exclude_from_export) and the
    current sort order, so the file shows what the page shows. The view must turn table
    pagination off when export_format() is set (core.views.ListPage does).
    """

    export_name = "export"
    # Lists of people's personal data say why they hold it; the audit entry of every view
    # and export carries that purpose (PIPL).
    personal_data_purpose = ""

    def export_format(self) -> str | None:
        value = self.request.GET.get(EXPORT_PARAM)
        return value if value in FORMATS else None

    def render_to_response(self, context, **response_kwargs):
        export_format = self.export_format()
        if export_format is None:
            if self.personal_data_purpose:
                page = getattr(context["table"], "page", None)
                self.announce(None, page.paginator.count if page else len(context["table"].rows))
            return super().render_to_response(context, **response_kwargs)
        table = context["table"]
        self.announce(export_format, len(table.rows))
        filename = f"{self.export_name}-{timezone.localdate().isoformat()}"
        rows = table.as_values()
        if export_format == "csv":
            return csv_response(rows, filename)
        return xlsx_response(rows, filename, str(self.export_name))

    def announce(self, export_format: str | None, rows: int) -> None:
        filters = {key: value for key, value in self.request.GET.lists() if key != EXPORT_PARAM}
        list_served.send(sender=type(self), request=self.request, name=str(self.export_name),
                         filters=filters, export_format=export_format, rows=rows,
                         purpose=str(self.personal_data_purpose))
