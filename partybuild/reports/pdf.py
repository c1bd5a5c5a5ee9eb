"""PDF writers: A4, Chinese, with the CJK TrueType font embedded so every computer shows it.

The writers take the builders' dataclasses (or the engine's scores) and never query.
reportlab embeds a subset of the TrueType font with a ToUnicode map, so the text of the
PDF can be extracted and searched.
"""

import io
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from partybuild.scoring.engine import InstitutionScore
from partybuild.scoring.exports import SCORE_COLUMNS
from partybuild.scoring.models import grade_label
from partybuild.scoring.rubric import deduction_display

from .builders import (
    FOUR_ONES,
    SUMMARY_LABELS,
    DutyCard,
    InstitutionReport,
    RegionReport,
    summary_sentences,
)

# WenQuanYi Micro Hei: TrueType outlines (reportlab cannot embed CFF) with Latin and CJK glyphs.
FONT_NAME = "WenQuanYiMicroHei"
FONT_PATH = settings.BASE_DIR / "static" / "fonts" / "wqy-microhei.ttc"
PARTY_RED = colors.HexColor("#b71c1c")
HEADER_FILL = colors.HexColor("#f3e0e0")


def register_font() -> str:
    """Register the vendored CJK font once per process (parsing 5 MB takes a moment)."""
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=0))
    return FONT_NAME


def _styles() -> dict[str, ParagraphStyle]:
    font = register_font()
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=11),
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=26,
                                alignment=TA_CENTER, spaceAfter=4 * mm),
        "h2": ParagraphStyle("h2", parent=body, fontSize=13, leading=18, spaceBefore=4 * mm,
                             spaceAfter=2 * mm, textColor=PARTY_RED),
        "card_title": ParagraphStyle("card_title", parent=body, fontSize=24, leading=34,
                                     alignment=TA_CENTER, textColor=PARTY_RED),
        "card_body": ParagraphStyle("card_body", parent=body, fontSize=14, leading=22),
    }


def _number(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


# reportlab's default cell padding, left and right, then bottom and top.
CELL_PADDING = 6 + 6
CELL_VERTICAL_PADDING = 3 + 3


def _cell(text: str, style: ParagraphStyle, width: float | None):
    """A table cell: the plain string when it fits on one line of its column (reportlab draws
    it directly), a Paragraph only when it may wrap. Drawing a Paragraph per cell was most of
    the time of a region report (7,000 cells)."""
    if (width is not None and "\n" not in text
            and pdfmetrics.stringWidth(text, FONT_NAME, style.fontSize)
            <= width - CELL_PADDING):
        return text
    return Paragraph(_escape(text), style)


def _table(rows: list[list], widths: list[float] | None = None, font_size: float = 9,
           header_rows: int = 1) -> Table:
    """A table whose header row repeats on every page it runs over."""
    style = _styles()["small"]
    style = ParagraphStyle("cell", parent=style, fontSize=font_size, leading=font_size * 1.35)
    columns = widths or []
    cells = [[cell if not isinstance(cell, str)
              else _cell(cell, style, columns[index] if index < len(columns) else None)
              for index, cell in enumerate(row)] for row in rows]
    # A row of plain one-line cells is one line high plus the padding, as reportlab would
    # compute it; giving it saves reportlab measuring every row again at each page break.
    plain_height = font_size * 1.35 * 1 + (CELL_VERTICAL_PADDING)
    heights = [plain_height if all(type(cell) is str and "\n" not in cell for cell in row)
               else None for row in cells]
    table = Table(cells, colWidths=widths, rowHeights=heights, repeatRows=header_rows)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
        ("FONTSIZE", (0, 0), (-1, -1), font_size),
        # Plain cells take the Paragraphs' line height, so rows and pages stay as they were.
        ("LEADING", (0, 0), (-1, -1), font_size * 1.35),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    return table


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _document(buffer: io.BytesIO, title: str, pagesize, margin: float = 15 * mm
              ) -> SimpleDocTemplate:
    # Pages start in the CJK font, so the file names no font it does not embed (Helvetica).
    return SimpleDocTemplate(buffer, pagesize=pagesize, title=title, author="partybuild",
                             initialFontName=register_font(),
                             leftMargin=margin, rightMargin=margin,
                             topMargin=margin + 5 * mm, bottomMargin=margin + 5 * mm)


def _page_decorator(header: str):
    """Header text on top of every page (the page numbers come from NumberedCanvas)."""

    def draw(canvas, document):
        canvas.saveState()
        canvas.setFont(FONT_NAME, 8)
        canvas.setFillColor(colors.grey)
        width, height = document.pagesize
        canvas.drawString(document.leftMargin, height - 12 * mm, header)
        canvas.line(document.leftMargin, height - 13.5 * mm, width - document.rightMargin,
                    height - 13.5 * mm)
        canvas.restoreState()

    return draw


class NumberedCanvas(Canvas):
    """reportlab's two-pass canvas: pages are kept until the end, when the total is known,
    so every page says 第 N 页 共 M 页."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict] = []

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self._draw_page_number(total)
            super().showPage()
        super().save()

    def _draw_page_number(self, total: int) -> None:
        self.saveState()
        self.setFont(FONT_NAME, 8)
        self.setFillColor(colors.grey)
        width, _height = self._pagesize
        self.drawCentredString(width / 2, 10 * mm, _("第 %(page)d 页 共 %(pages)d 页")
                               % {"page": self._pageNumber, "pages": total})
        self.restoreState()


def _build(story: list, title: str, header: str, pagesize=A4) -> bytes:
    buffer = io.BytesIO()
    document = _document(buffer, title, pagesize)
    decorate = _page_decorator(header)
    document.build(story, onFirstPage=decorate, onLaterPages=decorate,
                   canvasmaker=NumberedCanvas)
    return buffer.getvalue()


def signature_block() -> KeepTogether:
    """Where the report is signed and stamped before it goes into the inspection file."""
    styles = _styles()
    blank = "＿" * 8
    cells = [[Paragraph(_escape(_("审核人：%(blank)s") % {"blank": blank}), styles["body"]),
              Paragraph(_escape(_("日期：%(blank)s") % {"blank": blank}), styles["body"]),
              Paragraph(_escape(_("单位盖章：")), styles["body"])]]
    table = Table(cells, colWidths=[60 * mm, 55 * mm, 60 * mm], rowHeights=[24 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("FONTNAME", (0, 0), (-1, -1), FONT_NAME)]))
    return KeepTogether([Spacer(1, 8 * mm), table])


# Institution annual report ---------------------------------------------------------------


def institution_report_pdf(report: InstitutionReport) -> bytes:
    """The institution's annual report: breakdown, month grid, activities, hazards, inspection."""
    styles = _styles()
    title = _("%(name)s %(year)d 年度党建工作报告") % {"name": report.name, "year": report.year}
    story = [
        Paragraph(_escape(title), styles["title"]),
        Paragraph(_escape(_("统一社会信用代码：%(code)s　所属区划：%(region)s　类别：%(category)s")
                          % {"code": report.credit_code, "region": report.region_name,
                             "category": report.category}), styles["body"]),
    ]
    score = report.score
    story.append(Paragraph(_("党建评分"), styles["h2"]))
    if score is None:
        story.append(Paragraph(_("该机构本年度没有计分月份，不计分。"), styles["body"]))
    else:
        story.append(Paragraph(_escape(
            _("总分 %(total)s 分，等级：%(grade)s；%(red_list)s。")
            % {"total": _number(score.total), "grade": grade_label(score.grade),
               "red_list": _("进入红名单") if score.red_list else _("未进入红名单")}),
            styles["body"]))
        rows = [[_("项目"), _("满分"), _("得分"), _("依据")]]
        rows += [[line.label, _number(line.maximum) if line.maximum is not None else "—",
                  deduction_display(line.points) if line.maximum is None
                  else _number(line.points), line.basis] for line in report.breakdown]
        maxima = sum((line.maximum for line in report.breakdown if line.maximum is not None),
                     Decimal(0))
        rows.append([_("总分"), _number(maxima), _number(score.total), grade_label(score.grade)])
        story.append(_table(rows, [30 * mm, 20 * mm, 20 * mm, 110 * mm]))
        if report.final:
            story.append(Paragraph(_("以上为定稿数字。"), styles["body"]))
        if report.current_total is not None:
            story.append(Paragraph(_escape(
                _("定稿后记录有变更：按今天的记录计算总分为 %(total)s 分，定稿数字不变。")
                % {"total": _number(report.current_total)}), styles["body"]))

    story.append(Paragraph(_("每月“四个一”完成情况"), styles["h2"]))
    labels = [str(label) for _key, label in FOUR_ONES]
    rows = [[_("月份"), *labels, _("完成项数"), _("覆盖支部")]]
    for line in report.months:
        if not line.in_scope:
            rows.append([_("%(month)d月") % {"month": line.month}, "", "", "", "",
                         _("不计分"), ""])
            continue
        rows.append([_("%(month)d月") % {"month": line.month},
                     *("✓" if done else "×" for done in line.items.values()),
                     f"{line.done}/4", line.covering_branch or _("未覆盖")])
    story.append(_table(rows, [16 * mm, 18 * mm, 18 * mm, 18 * mm, 18 * mm, 20 * mm, 72 * mm]))

    story.append(Paragraph(_("计入的党建活动（%(count)d 次）") % {"count": len(report.activities)},
                           styles["h2"]))
    if report.activities:
        rows = [[_("日期"), _("支部"), _("类型"), _("主题"), _("人数")]]
        rows += [[line.date.isoformat(), line.branch, line.kind, line.title,
                  "" if line.attendees is None else str(line.attendees)]
                 for line in report.activities]
        story.append(_table(rows, [22 * mm, 50 * mm, 26 * mm, 70 * mm, 12 * mm]))
    else:
        story.append(Paragraph(_("本年度没有计入的党建活动。"), styles["body"]))

    story.append(Paragraph(_("隐患排查整改（%(count)d 处）") % {"count": len(report.hazards)},
                           styles["h2"]))
    if report.hazards:
        rows = [[_("发现日期"), _("类别"), pgettext("hazard severity", "等级"), _("描述"),
                 _("整改期限"), _("整改日期"), _("按期")]]
        rows += [[line.found_on.isoformat(), line.category, line.severity, line.description,
                  line.deadline.isoformat(),
                  line.rectified_on.isoformat() if line.rectified_on else _("未整改"),
                  line.standing_label] for line in report.hazards]
        story.append(_table(rows, [20 * mm, 16 * mm, 12 * mm, 56 * mm, 22 * mm, 22 * mm,
                                   18 * mm]))
    else:
        story.append(Paragraph(_("本年度没有发现隐患。"), styles["body"]))

    story.append(Paragraph(_("年度检查"), styles["h2"]))
    inspection = report.inspection
    if inspection is None:
        story.append(Paragraph(_("本年度尚未开展年检。"), styles["body"]))
    else:
        rows = [[_("检查项目"), _("权重"), _("得分"), _("说明")]]
        rows += [[section.label, "20%", _number(section.score), section.comment]
                 for section in inspection.sections]
        rows.append([_("综合得分"), "100%", _number(inspection.overall),
                     inspection.result or _("尚有项目未评分")])
        story.append(_table(rows, [30 * mm, 16 * mm, 20 * mm, 114 * mm]))
        result = (_("年检结果：%(result)s") % {"result": inspection.result} if inspection.result
                  else _("年检尚未完成。"))
        if inspection.finalised_on:
            result += _("（%(day)s 定稿）") % {"day": inspection.finalised_on.isoformat()}
        story.append(Spacer(1, 2 * mm))
        story.append(Paragraph(_escape(result), styles["body"]))
    story.append(signature_block())
    return _build(story, title, title)


# Region report ---------------------------------------------------------------------------


def _completion_chart(report: RegionReport) -> Drawing:
    """Bars of the monthly four-ones completion rate (percent)."""
    drawing = Drawing(170 * mm, 70 * mm, initialFontName=FONT_NAME)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 10 * mm
    chart.width, chart.height = 150 * mm, 52 * mm
    chart.data = [[float(line.rate) for line in report.four_ones_completion]]
    chart.bars[0].fillColor = PARTY_RED
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = FONT_NAME
    chart.categoryAxis.categoryNames = [_("%(month)d月") % {"month": line.month}
                                        for line in report.four_ones_completion]
    chart.categoryAxis.labels.fontName = FONT_NAME
    chart.categoryAxis.labels.fontSize = 8
    chart.barLabelFormat = "%.1f"
    chart.barLabels.fontName = FONT_NAME
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    drawing.add(chart)
    drawing.add(String(2 * mm, 66 * mm, _("每月“四个一”全部完成的机构占比（%）"),
                       fontName=FONT_NAME, fontSize=9))
    return drawing


def _ranking_rows(lines) -> list[list]:
    rows = [[_("名次"), _("机构"), _("统一社会信用代码"), _("区划"), _("总分"),
             pgettext("score grade", "等级"), _("红名单")]]
    rows += [[str(line.rank), line.name, line.credit_code, line.region_name,
              _number(line.total), grade_label(line.grade), _("是") if line.red_list else ""]
             for line in lines]
    return rows


RANKING_WIDTHS = [12 * mm, 58 * mm, 38 * mm, 24 * mm, 16 * mm, 16 * mm, 16 * mm]


def _on_time_section(on_time, styles) -> list:
    """录入及时率: per district and per instructor (visits.timeliness's definitions)."""
    story = [Paragraph(_("走访录入及时率"), styles["h2"]),
             Paragraph(_escape(_("“四个一”齐全的走访中，走访后 %(days)s 天内录入系统的比例"
                                 "（导入的记录按导入日计）。") % {"days": on_time.days}),
                       styles["body"])]
    header = [_("区划"), _("齐全走访"), _("按时录入"), _("及时率")]
    rows = [header] + [[name, str(line.counted), str(line.on_time), line.display]
                       for name, line in on_time.districts]
    rows.append([_("合计"), str(on_time.total.counted), str(on_time.total.on_time),
                 on_time.total.display])
    story.append(_table(rows, [60 * mm, 35 * mm, 35 * mm, 35 * mm]))
    if on_time.instructors:
        rows = [[_("指导员编号"), _("姓名"), _("齐全走访"), _("按时录入"), _("及时率")]]
        rows += [[line.number, line.name, str(line.counted), str(line.on_time), line.display]
                 for line in on_time.instructors]
        story.append(Spacer(1, 3 * mm))
        story.append(_table(rows, [35 * mm, 35 * mm, 30 * mm, 30 * mm, 30 * mm]))
    return story


def region_report_pdf(report: RegionReport, on_time=None) -> bytes:
    """The region's report: figures, monthly chart, districts, grades, ranking and red list."""
    styles = _styles()
    title = _("%(region)s %(year)d 年度校外培训机构党建工作报告") % {
        "region": report.region_name, "year": report.year}
    story = [Paragraph(_escape(title), styles["title"]), Paragraph(_("总体情况"), styles["h2"])]
    story += [Paragraph(_escape(sentence), styles["body"])
              for sentence in summary_sentences(report.figures, report.region_name)]
    story.append(Paragraph(_escape(
        _("参与党建评分的机构 %(scored)d 家，平均总分 %(average)s 分。")
        % {"scored": report.scored, "average": _number(report.average_total)}),
        styles["body"]))
    if report.late_changed:
        story.append(Paragraph(_escape(
            _("定稿后记录有变更：%(count)d 家机构按今天的记录计算的数字与定稿数字不同；"
              "本报告使用定稿数字。") % {"count": report.late_changed}), styles["body"]))
    story.append(Spacer(1, 3 * mm))
    figures = report.figures
    rows = [[_("指标"), _("数值"), _("指标"), _("数值")]]
    pairs = [(str(label), str(getattr(figures, key))) for key, label in SUMMARY_LABELS]
    for first, second in zip(pairs[0::2], pairs[1::2], strict=True):
        rows.append([*first, *second])
    story.append(_table(rows, [55 * mm, 30 * mm, 55 * mm, 30 * mm]))

    story.append(Paragraph(_("每月“四个一”完成率"), styles["h2"]))
    story.append(_completion_chart(report))
    rows = [[_("月份"), *(f"{line.month}" for line in report.four_ones_completion)],
            [_("计分机构"), *(str(line.in_scope) for line in report.four_ones_completion)],
            [_("全部完成"), *(str(line.count) for line in report.four_ones_completion)],
            [_("完成率%"), *(f"{line.rate}" for line in report.four_ones_completion)],
            [_("覆盖率%"), *(f"{line.rate}" for line in report.coverage)]]
    story.append(_table(rows, [22 * mm] + [12.8 * mm] * 12, font_size=7.5))

    story.append(Paragraph(_("下辖区划对比"), styles["h2"]))
    if report.districts:
        rows = [[_("区划"), _("计分机构"), _("覆盖率%"), _("平均总分"), _("红名单")]]
        rows += [[line.name, str(line.institutions), f"{line.coverage_rate}",
                  _number(line.average_total), str(line.red_list)]
                 for line in [*report.districts, report.districts_total]]
        story.append(_table(rows, [60 * mm, 28 * mm, 28 * mm, 28 * mm, 28 * mm]))
    else:
        story.append(Paragraph(_("该区划没有下辖区划。"), styles["body"]))

    if on_time is not None:
        story += _on_time_section(on_time, styles)

    story.append(Paragraph(_("等级分布"), styles["h2"]))
    rows = [[pgettext("score grade", "等级"),
             *(grade_label(grade) for grade, _count in report.grades)],
            [_("机构数"), *(str(count) for _grade, count in report.grades)]]
    story.append(_table(rows, [30 * mm] + [30 * mm] * len(report.grades)))

    story.append(Paragraph(_("红名单（%(count)d 家）") % {"count": len(report.red_list)},
                           styles["h2"]))
    if report.red_list:
        story.append(_table(_ranking_rows(report.red_list), RANKING_WIDTHS, font_size=8))
    else:
        story.append(Paragraph(_("本年度没有机构进入红名单。"), styles["body"]))

    story.append(PageBreak())
    story.append(Paragraph(_("附表：机构党建评分排名"), styles["h2"]))
    story.append(_table(_ranking_rows(report.ranking), RANKING_WIDTHS, font_size=8))
    story.append(signature_block())
    return _build(story, title, title)


# Instructor duty cards -------------------------------------------------------------------


def duty_cards_pdf(cards: list[DutyCard]) -> bytes:
    """One card per page, large print, to be posted on the institution's wall."""
    styles = _styles()
    title = _("党建指导员职责")
    story: list = []
    for index, card in enumerate(cards):
        if index:
            story.append(PageBreak())
        block = [
            Paragraph(_("党建指导员职责"), styles["card_title"]),
            Paragraph(_escape(card.institution_name), ParagraphStyle(
                "institution", parent=styles["card_body"], alignment=TA_CENTER, fontSize=16)),
            Spacer(1, 8 * mm),
        ]
        if card.instructors:
            rows = [[_("指导员"), _("来源单位"), _("职务"), _("联系电话")]]
            rows += [[person.name, person.source_org, person.title or "—",
                      person.phone or "—"] for person in card.instructors]
            block.append(_table(rows, [30 * mm, 70 * mm, 35 * mm, 35 * mm], font_size=12))
        else:
            block.append(Paragraph(_("指导员：待派驻"), styles["card_body"]))
        block.append(Spacer(1, 8 * mm))
        rows = [[_("职责"), _("内容")]]
        rows += [[str(duty), str(text)] for duty, text in card.duties]
        duties = _table(rows, [35 * mm, 135 * mm], font_size=14)
        block.append(duties)
        block.append(Spacer(1, 10 * mm))
        block.append(Paragraph(_escape(
            _("所属区划：%(region)s　统一社会信用代码：%(code)s")
            % {"region": card.region_name, "code": card.credit_code}), styles["small"]))
        story.append(KeepTogether(block))
    if not cards:
        story.append(Paragraph(_("没有在办机构。"), styles["body"]))
    return _build(story, title, title)


# Scores table (annual_scores --output X.pdf) ---------------------------------------------


def scores_pdf(scores: list[InstitutionScore], year: int) -> bytes:
    """The annual_scores table of FORMATS.md as a PDF, in the same order as the CSV."""
    styles = _styles()
    title = _("%(year)d 年度机构党建评分") % {"year": year}
    labels = [_("统一社会信用代码"), _("机构名称"), _("区划代码"), _("组织覆盖"),
              _("党建入章程"), _("四个一"), _("组织生活"), _("隐患整改"), _("红名单积分"),
              _("违规扣分"), _("总分"), pgettext("score grade", "等级"), _("红名单")]
    rows = [labels]
    rows += [[score.credit_code, score.name, score.region_code,
              *(_number(getattr(score, key)) for key in SCORE_COLUMNS[3:9]),
              deduction_display(score.deductions), _number(score.total),
              grade_label(score.grade),
              "1" if score.red_list else "0"] for score in scores]
    # Landscape: thirteen columns do not fit across a portrait page without wrapping.
    widths = [34 * mm, 60 * mm, 18 * mm] + [16 * mm] * 8 + [14 * mm, 12 * mm]
    story = [Paragraph(_escape(title), styles["title"]),
             Paragraph(_escape(_("共 %(count)d 家机构，按总分从高到低、信用代码排序。")
                               % {"count": len(scores)}), styles["body"]),
             Spacer(1, 3 * mm), _table(rows, widths, font_size=7.5)]
    return _build(story, title, title, pagesize=landscape(A4))
