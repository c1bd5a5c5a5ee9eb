"""The completeness grid as a coloured XLSX workbook: grid, totals per region, instructors.

The writer takes the built CompletenessGrid and never queries.
"""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from partybuild.core.exports import XLSX_TYPE, xlsx_append

from .completeness import ALL_ITEMS, Cell, CompletenessGrid, Figures
from .timeliness import OnTimeFigures

# The page's colours: red-ish for nothing done, amber for some, green for all four.
FILLS = {
    css: PatternFill("solid", fgColor=colour)
    for css, colour in (("none", "F8D3CF"), ("partial", "FCE8B2"), ("done", "CDEBD3"),
                        ("off", "DADCE0"))
}
BOLD = Font(bold=True)


def cell_text(cell: Cell) -> str | int:
    """What a grid cell says in the workbook: the items done, 未办学, or nothing yet."""
    if not cell.operating:
        return _("未办学")
    if cell.future:
        return ""
    return cell.items


def _styled(sheet, value, fill=None, bold=False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if fill is not None:
        cell.fill = fill
    if bold:
        cell.font = BOLD
    return cell


def _header(sheet, titles: list[str]) -> None:
    xlsx_append(sheet, [_styled(sheet, title, bold=True) for title in titles])


def _figures_row(figures: Figures) -> list:
    return [figures.label, figures.expected, figures.visited, figures.complete,
            figures.missing, figures.complete_rate]


def _on_time_of_region(on_time: OnTimeFigures | None, figures: Figures) -> list:
    if on_time is None:
        return []
    code = figures.region.code if figures.region is not None else figures.label
    return [on_time.for_region(code).display]


def completeness_workbook(grid: CompletenessGrid,
                          on_time: OnTimeFigures | None = None) -> Workbook:
    """Three sheets: the grid (coloured), the month's figures per region, per instructor."""
    year, month = grid.filters.year, grid.filters.month
    workbook = Workbook(write_only=True)

    sheet = workbook.create_sheet(_("%(year)d年走访完成情况") % {"year": year})
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 40
    for letter in ("B", "C"):
        sheet.column_dimensions[letter].width = 14
    _header(sheet, [_("机构"), _("区划"), _("指导员（%(month)d月15日）") % {"month": month},
                    *(_("%(month)d月") % {"month": m} for m in grid.months)])
    for row in grid.rows:
        institution = row.institution
        xlsx_append(sheet, [
            institution.name, institution.region_name,
            institution.instructor_name or "",
            *(_styled(sheet, cell_text(cell), FILLS.get(cell.css)) for cell in row.cells),
        ])
    sheet.append([])
    sheet.append([_("图例：数字为当月完成的“四个一”项数（共 %(n)d 项）；"
                    "红 = 0 项，黄 = 1–3 项，绿 = 全部完成，灰 = 当月15日未办学，空白 = 尚未到。")
                  % {"n": ALL_ITEMS}])

    figures = workbook.create_sheet(_("%(month)d月汇总") % {"month": month})
    figures.column_dimensions["A"].width = 24
    _header(figures, [_("区划"), _("应走访"), _("已走访"), _("四项完成"), _("未走访"),
                      _("完成率（%）"), *([_("录入及时率")] if on_time else [])])
    for line in grid.regions:
        xlsx_append(figures, _figures_row(line) + _on_time_of_region(on_time, line))
    totals_on_time = [on_time.total.display] if on_time else []
    xlsx_append(figures, [_styled(figures, value, bold=True)
                          for value in _figures_row(grid.totals) + totals_on_time])

    instructors = workbook.create_sheet(_("指导员"))
    instructors.column_dimensions["A"].width = 16
    instructors.column_dimensions["B"].width = 14
    _header(instructors, [_("指导员编号"), _("姓名"), _("派驻机构"), _("已走访"),
                          _("四项完成"), _("未走访"), _("完成率（%）"),
                          *([_("录入及时率")] if on_time else [])])
    for line in grid.instructors:
        rate = [on_time.for_instructor(line.pk).display] if on_time else []
        xlsx_append(instructors, [line.number, line.name, line.caseload, line.visited,
                                  line.complete, line.missing, line.complete_rate, *rate])
    return workbook


def completeness_xlsx_response(grid: CompletenessGrid,
                               on_time: OnTimeFigures | None = None) -> HttpResponse:
    filename = f"completeness-{grid.filters.year}-{grid.filters.month:02d}.xlsx"
    response = HttpResponse(content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    completeness_workbook(grid, on_time).save(response)
    return response
