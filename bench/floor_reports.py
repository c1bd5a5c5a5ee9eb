"""The drawing floor of the region report: the same story with every table cell a plain
string (no Paragraph at all, no measuring), which is the least reportlab can do for the same
pages. Texts too wide for their column would overflow here; the product wraps them, so the
floor is a floor, not a layout to ship. It replaces pdf._table only, so it measures the
same thing before and after a change of the product's tables."""

from unittest import mock

from reportlab.lib import colors
from reportlab.platypus import Table, TableStyle

from partybuild.reports import pdf


def plain_table(rows, widths=None, font_size: float = 9, header_rows: int = 1) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=header_rows)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), pdf.FONT_NAME),
        ("FONTSIZE", (0, 0), (-1, -1), font_size),
        ("LEADING", (0, 0), (-1, -1), font_size * 1.35),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), pdf.HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    return table


def floor_region_pdf(report) -> bytes:
    with mock.patch.object(pdf, "_table", plain_table):
        return pdf.region_report_pdf(report)
