"""The drawing floor of the region report: the same story with every table cell a plain
string (no Paragraph at all, no measuring), which is the least reportlab can do for the same
pages. Texts too wide for their column would overflow here; the product wraps them, so the
floor is a floor, not a layout to ship."""

from unittest import mock

from partybuild.reports import pdf


def floor_region_pdf(report) -> bytes:
    with mock.patch.object(pdf, "_cell", lambda text, style, width: text):
        return pdf.region_report_pdf(report)
