"""The repeated rows of the score page, written in Python.

The page lists the twelve months with the visits behind each four-ones item, and every
activity, hazard, points entry and clue of the year: as template loops that was a node per
cell and a {% url %} per link, more than the rest of the page. Each tag writes exactly what
the loop wrote; every stored text goes through escape(), decimals through text() as
{{ value }} shows them; the rest are fixed strings, translations, dates and small integers
(a month, a number of items: nothing for localisation to group).
"""

from html import escape as html_escape

from django import template
from django.template.defaultfilters import floatformat
from django.urls import get_script_prefix, get_urlconf
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from partybuild.core.table_rows import text, url_builder
from partybuild.scoring.models import grade_label
from partybuild.scoring.rubric import deduction_display

register = template.Library()


def escape(value) -> str:
    """django.utils.html.escape's output, without its lazy-string wrapper on every call."""
    return html_escape(str(value))


def _day(value) -> str:
    """{{ value|date:"Y-m-d" }} of a date."""
    return value.isoformat()


# The items of a score: the section each links to, its label, and its maximum in the rubric.
SCORE_ITEMS = (
    ("coverage", "coverage", _("组织覆盖"), "coverage_max"),
    ("charter", "charter", _("党建入章程"), "charter_max"),
    ("four-ones", "four_ones", _("四个一"), "four_ones_max"),
    ("activities", "activities", _("组织生活"), "activities_max"),
    ("hazards", "hazards", _("隐患整改"), "hazards_max"),
    ("points", "red_points", _("红名单积分"), "red_points_max"),
)


@register.simple_tag
def score_items_table(score, rubric) -> str:
    """Each item's maximum (from `rubric`) and points (from `score`, stored or computed),
    the deductions and the total."""
    rows = [
        f'    <tr><td><a href="#{anchor}">{escape(label)}</a></td>'
        f"<td>{text(getattr(rubric, maximum))}</td><td>{text(getattr(score, item))}</td></tr>"
        for anchor, item, label, maximum in SCORE_ITEMS
    ]
    rows.append(f'    <tr><td><a href="#clues">{escape(gettext("违规扣分"))}</a></td><td>—</td>'
                f"<td>{escape(deduction_display(score.deductions))}</td></tr>")
    rows.append(f"    <tr><th>{escape(gettext('总分'))}</th>"
                f"<td>{floatformat(rubric.maxima_total, 2)}</td><th>{text(score.total)}</th></tr>")
    body = "\n".join(rows)
    return mark_safe(  # noqa: S308 - stored texts escaped above, the rest are figures
        f'<div class="table-wrap"><table class="table">\n'
        f"  <thead><tr><th>{escape(gettext('项目'))}</th><th>{escape(gettext('满分'))}</th>"
        f"<th>{escape(gettext('得分'))}</th></tr></thead>\n  <tbody>\n{body}\n  </tbody>\n"
        f"</table></div>\n")


@register.simple_tag
def score_month_rows(months) -> str:
    """The rows of the months table: in scope, the covering branch, the visits that did
    each four-ones item (linked) and the items done."""
    visit_url = url_builder("visits:visit_detail")
    month, yes, no = escape(gettext("月")), escape(gettext("是")), escape(gettext("否"))
    uncovered = f'<span class="badge bad">{escape(gettext("未覆盖"))}</span>'
    muted = ' class="muted"'
    rows = []
    for row in months:
        if row.covered:
            branch = f'<span class="badge ok">{escape(row.covering_branch)}</span>'
        else:
            branch = uncovered if row.in_scope else "—"
        cells = [
            f"<tr{'' if row.in_scope else muted}>",
            f"<td>{row.month}{month}</td>",
            f"<td>{yes if row.in_scope else no}</td>",
            f"<td>{branch}</td>",
        ]
        for visits in row.items:
            # {{ visit.date|date:"m-d" }}
            links = "、".join(f'<a href="{visit_url(pk)}">{day.month:02d}-{day.day:02d}</a>'
                             for pk, day in visits)
            cells.append(f"<td>{links or '—'}</td>")
        cells.append(f"<td>{f'{row.items_done}/4' if row.in_scope else '—'}</td>")
        cells.append("</tr>")
        rows.append("\n".join(cells))
    return mark_safe("\n".join(rows))  # noqa: S308 - stored texts escaped above


@register.simple_tag
def score_activity_rows(activities) -> str:
    activity_url = url_builder("activities:activity_detail")
    return mark_safe("\n".join(  # noqa: S308 - stored texts escaped
        f'<tr><td>{_day(line.date)}</td><td><a href="{activity_url(line.pk)}">'
        f"{escape(line.title)}</a></td><td>{escape(line.kind_label)}</td>"
        f"<td>{escape(line.branch_name)}</td></tr>"
        for line in activities))


@register.simple_tag
def score_hazard_rows(hazards) -> str:
    hazard_url = url_builder("visits:hazard_detail")
    return mark_safe("\n".join(  # noqa: S308 - stored texts escaped
        f'<tr><td>{_day(row.found_on)}</td><td><a href="{hazard_url(row.pk)}">'
        f"{escape(row.description)}</a></td>\n"
        f"<td>{_day(row.deadline)}</td>"
        f"<td>{_day(row.rectified_on) if row.rectified_on else '—'}</td>\n"
        f'<td><span class="badge {escape(row.tone)}">{escape(row.label)}</span></td></tr>'
        for row in hazards))


@register.simple_tag
def score_hazard_links(hazards) -> str:
    """The overdue hazards, linked, separated by 、."""
    hazard_url = url_builder("visits:hazard_detail")
    return mark_safe("、".join(  # noqa: S308 - stored texts escaped
        f'<a href="{hazard_url(row.pk)}">{escape(row.description)}</a>' for row in hazards))


@register.simple_tag
def score_point_rows(entries) -> str:
    return mark_safe("\n".join(  # noqa: S308 - stored texts escaped
        f"<tr><td>{_day(entry.date)}</td><td>{text(entry.points)}</td>"
        f"<td>{escape(entry.reason)}</td></tr>"
        for entry in entries))


@register.simple_tag
def score_clue_items(clues) -> str:
    clue_url = url_builder("visits:clue_detail")
    return mark_safe("".join(  # noqa: S308 - stored texts escaped
        f'<li>{_day(clue.date)} <a href="{clue_url(clue.pk)}">{escape(clue.description)}</a>'
        f"</li>"
        for clue in clues))


def _when(moment) -> str:
    """{{ moment|date:"Y-m-d H:i" }}: the date filter shows a datetime in local time."""
    return date_format(template_localtime(moment), "Y-m-d H:i")


@register.simple_tag(takes_context=True)
def score_page_body(context, page, user, may_recompute) -> str:
    """The score page's content block, exactly as its template wrote it: what was left of it
    after the tables above was a {% translate %}, {% blocktranslate %} or {% url %} per line."""
    institution, year = page.institution, page.year
    rubric, stored, live = page.rubric, page.stored, page.live
    pk, year_text = institution.pk, text(year)
    out = [
        f"<h1>{text(institution.name)}</h1>",
        f'<p class="subject">{gettext("%(year)s 年度党建评分") % {"year": year_text}}'
        f" · {text(institution.region.name)} · "
        f'<a href="{url_builder("organisation:institution_detail")(pk)}">'
        f'{gettext("机构详情")}</a></p>',
        '<div class="actions">',
        f'  <a class="button" href="{url_builder("scoring:score_list")(year)}">'
        f'{gettext("返回年度评分")}</a>',
        f'  <a class="button" href="{url_builder("scoring:rubric")(year)}">'
        f'{gettext("评分细则（版本 %(version)s）") % {"version": text(rubric.version)}}</a>',
        f'  <a class="button" href="{url_builder("scoring:inspection", 2)(year, pk)}">'
        f'{gettext("年检")}</a>',
    ]
    line = "  "
    if user.can_view_structure:
        line += (f'<a class="button" href="{url_builder("reports:institution_pdf")(pk)}'
                 f'?year={year_text}">'
                 f'{gettext("%(year)s 年度报告（PDF）") % {"year": year_text}}</a>')
    out.append(line)
    line = "  "
    if may_recompute:
        line += (f'<a class="button primary" href="'
                 f'{url_builder("scoring:recompute_institution", 2)(year, pk)}">'
                 f'{gettext("重新计算")}</a>')
    out += [line, "</div>", ""]
    state = page.final_state
    if state.final:
        when = escape(_when(state.since))
        if state.by_year:
            notice = gettext("%(year)s 年度已于 %(when)s 定稿：以下为定稿数字") % {
                "year": year_text, "when": when}
        else:
            notice = gettext("年检已于 %(when)s 定稿：以下为定稿数字") % {"when": when}
        line = f'<p class="final-notice"><span class="badge ok">{notice}</span>\n'
        if page.late_changed:
            line += (f'<span class="badge warn" id="late-changed">'
                     f'{gettext("定稿后记录有变更")}</span> <a href="'
                     f'{url_builder("scoring:score_difference", 2)(year, pk)}">'
                     f'{gettext("查看定稿数字与当前记录的差异")}</a>')
        out.append(line + "</p>")
    out += ['<section class="card">', f"  <h2>{gettext('得分')}</h2>"]
    if stored:
        red = gettext("是") if stored.red_list else gettext("否")
        out += [
            '  <div class="figures">',
            f'    <div class="figure"><span class="value">{text(stored.total)}</span>'
            f'<span class="label">{gettext("总分")}</span></div>',
            f'    <div class="figure"><span class="value">{text(grade_label(stored.grade))}'
            f'</span><span class="label">{pgettext("score grade", "等级")}</span></div>',
            f'    <div class="figure"><span class="value">{red}</span>'
            f'<span class="label">{gettext("进入红名单")}</span></div>',
            "  </div>",
        ]
        line = "  <p>" + gettext("保存的评分：%(when)s 按评分细则版本 %(version)s 计算。") % {
            "when": escape(_when(stored.computed_at)), "version": text(stored.rubric_version)}
        if stored.rubric_version != rubric.version:
            line += (' <span class="badge warn">' + gettext(
                "评分细则现为版本 %(version)s，下表满分按该评分计算时的版本列出；"
                "重新计算后按新版本计分。") % {"version": text(rubric.version)} + "</span>")
        out += [line + "</p>", "  " + score_items_table(page.stored, page.stored_rubric)]
        if page.late_changed:
            live_total = text(live.total) if live and live.total else "—"
            out.append('  <p class="badge warn">' + gettext(
                "按今天的记录计算的总分为 %(live)s；定稿数字不变，差异见“定稿后记录有变更”。")
                % {"live": live_total} + "</p>")
        if page.differs:
            out.append('  <p class="badge warn">' + gettext(
                "按当前记录计算的总分为 %(live)s，与保存的评分不同；重新计算后更新。")
                % {"live": text(live.total)} + "</p>")
    elif live:
        out += [f'  <p class="empty">'
                f'{gettext("该年度还没有保存的评分。下面是按当前记录计算的结果：")}</p>',
                "  " + score_items_table(live, rubric)]
    if not live:
        out.append('  <p class="empty">' + gettext(
            "该机构在 %(year)s 年没有计分月份（每月 15 日均未在办学），不参加该年度评分。")
            % {"year": year_text} + "</p>")
    out.append("</section>")
    if live:
        # The same for every reader of the kept records, in a language: drawn once.
        key = (get_language(), get_script_prefix(), get_urlconf())
        drawn = page.drawn if page.drawn is not None else {}
        sections = drawn.get(key)
        if sections is None:
            sections = drawn[key] = "\n".join(
                _live_sections(page, institution, year, year_text, rubric, live))
        out.append(sections)
    return mark_safe("\n".join(out))  # noqa: S308 - stored texts escaped above


def _live_sections(page, institution, year, year_text, rubric, live) -> list[str]:
    """The sections that explain each item, when the institution has months in scope."""
    labels = "".join(f"<th>{text(label)}</th>" for label in page.four_ones_labels)
    out = [
        '<section class="card" id="coverage">',
        f'  <h2>{gettext("组织覆盖与“四个一”：逐月明细")}</h2>',
        "  <p>" + gettext("计分月份 %(months)s 个，其中 15 日有党支部覆盖的 %(covered)s 个。")
        % {"covered": text(len(live.covered_months)), "months": text(len(live.months))}
        + "</p>",
        '  <div class="table-wrap"><table class="table" id="four-ones">',
        f'    <thead><tr><th>{gettext("月份")}</th><th>{gettext("计分")}</th>'
        f'<th>{gettext("15 日覆盖支部")}</th>',
        f'      {labels}<th>{gettext("完成项数")}</th></tr></thead>',
        "    <tbody>", "    " + score_month_rows(page.months), "    </tbody>",
        "  </table></div>", "</section>", "",
        '<section class="card" id="charter">',
        f'  <h2>{gettext("党建入章程")}</h2>',
    ]
    if live.charter_in_place:
        charter = gettext("机构章程已写入党建工作内容。")
    else:
        charter = (f'<span class="badge warn">'
                   f'{gettext("机构章程未写入党建工作内容。")}</span>')
    out += [f"  <p>{charter}</p>", "</section>", "",
            '<section class="card" id="activities">',
            f'  <h2>{gettext("组织生活")}</h2>',
            "  <p>" + gettext(
                "本年度覆盖该机构的支部开展活动 %(count)s 次，计 %(capped)s/%(target)s 次。")
            % {"count": text(len(page.activities)), "target": text(rubric.activities_target),
               "capped": text(page.activities_capped)} + "</p>"]
    if page.activities:
        out += ['  <div class="table-wrap"><table class="table">',
                f'    <thead><tr><th>{gettext("日期")}</th><th>{gettext("活动")}'
                f'</th><th>{gettext("类型")}</th><th>{gettext("支部")}</th>'
                f"</tr></thead>",
                "    <tbody>", "    " + score_activity_rows(page.activities), "    </tbody>",
                "  </table></div>"]
    out += ["</section>", "", '<section class="card" id="hazards">',
            f'  <h2>{gettext("隐患整改")}</h2>',
            "  <p>" + gettext("本年度发现隐患 %(found)s 处，按期整改 %(on_time)s 处。")
            % {"found": text(len(page.hazards)), "on_time": text(live.hazards_on_time)}
            + "</p>"]
    if page.hazards:
        out += ['  <div class="table-wrap"><table class="table">',
                f'    <thead><tr><th>{gettext("发现日期")}</th>'
                f'<th>{gettext("隐患")}</th><th>{gettext("整改期限")}</th>'
                f'<th>{gettext("整改日期")}</th><th>{gettext("按期")}</th>'
                f"</tr></thead>",
                "    <tbody>", "    " + score_hazard_rows(page.hazards), "    </tbody>",
                "  </table></div>"]
    if page.overdue_hazards:
        counter = len(page.overdue_hazards)
        if page.year_over:
            badge = ngettext("12 月 31 日仍有 %(counter)s 处隐患逾期未整改，不能进入红名单：",
                             "12 月 31 日仍有 %(counter)s 处隐患逾期未整改，不能进入红名单：",
                             counter) % {"counter": text(counter)}
        else:
            badge = ngettext("截至 %(day)s 已有 %(counter)s 处隐患逾期未整改：",
                             "截至 %(day)s 已有 %(counter)s 处隐患逾期未整改：",
                             counter) % {"day": escape(_day(page.as_of)),
                                         "counter": text(counter)}
        out += [f'  <p><span class="badge bad">{badge}</span>',
                f"  {score_hazard_links(page.overdue_hazards)}</p>"]
    pk = institution.pk
    out += ["</section>", "", '<section class="card" id="points">',
            f'  <h2>{gettext("红名单积分")}</h2>',
            "  <p>" + gettext("本年度积分合计 %(total)s，计入得分时按 0–%(max)s 分计。")
            % {"total": text(live.points_sum), "max": text(rubric.red_points_max)}
            + f' <a href="{url_builder("points:ledger")(pk)}?year={year_text}">'
            f'{gettext("查看积分台账")}</a></p>']
    if page.point_entries:
        out += ['  <div class="table-wrap"><table class="table">',
                f'    <thead><tr><th>{gettext("日期")}</th>'
                f'<th>{gettext("分值")}</th><th>{gettext("事由")}</th>'
                f"</tr></thead>",
                "    <tbody>", "    " + score_point_rows(page.point_entries), "    </tbody>",
                "  </table></div>"]
    out += ["</section>", "", '<section class="card" id="clues">',
            f'  <h2>{gettext("违规扣分")}</h2>']
    if page.clues:
        counter = len(page.clues)
        out += ["  <p>" + ngettext(
            "本年度查实线索 %(counter)s 条，每条扣 %(per)s 分，且不能进入红名单。",
            "本年度查实线索 %(counter)s 条，每条扣 %(per)s 分，且不能进入红名单。",
            counter) % {"counter": text(counter), "per": text(rubric.deduction_per_clue)}
            + "</p>", f"  <ul>{score_clue_items(page.clues)}</ul>"]
    else:
        out.append(f'  <p class="empty">{gettext("本年度没有查实的违规线索。")}</p>')
    out.append("</section>")
    return out
