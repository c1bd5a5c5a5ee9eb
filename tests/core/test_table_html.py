"""core.table_html draws a list's table exactly as {% render_table %} with core/_table.html.

ListPage pastes the drawn table instead of rendering django-tables2's template; the markup
(header links keeping the query string, sort classes, rows, page links) must be the same,
character for character, in both languages, on every page and sort order.
"""

import pytest
from django.core.paginator import EmptyPage
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.utils import translation

from partybuild.core.table_html import can_draw, draw_table
from partybuild.core.table_rows import body_rows_html
from partybuild.organisation.selectors import branch_list, institution_list
from partybuild.organisation.tables import BranchTable, InstitutionTable
from partybuild.scoring.selectors import score_list
from partybuild.scoring.tables import ScoreTable
from tests.perf.test_fast_table_rows import hostile_county
from tests.perf.test_page_queries import YEAR

RENDER = Template("{% load django_tables2 %}{% render_table table %}")

QUERIES = [
    "",
    "?page=3",
    "?sort=-name&page=2&q=%3Cb%3E%26%22x%22",
    "?region=3&status=open&sort=name&page=7",
    "?page=9&print=1&x=1&x=2",
]


def tables(user, order_by):
    return [
        InstitutionTable(institution_list(user=user), user=user, order_by=order_by),
        ScoreTable(score_list(user=user, year=YEAR), user=user, order_by=order_by),
        BranchTable(branch_list(user=user), user=user, order_by=order_by),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_drawn_table_equals_the_template(county_a, committee_a, alice, language):
    hostile_county(county_a, committee_a, alice)
    compared = 0
    with translation.override(language):
        for query in QUERIES:
            request = RequestFactory().get(f"/list/{query}")
            request.user = alice
            page = int(request.GET.get("page", 1))
            for order_by in (None, request.GET.get("sort")):
                for table in tables(alice, order_by):
                    try:
                        table.paginate(page=page, per_page=8)
                    except EmptyPage:  # a short list: its first page
                        table.paginate(page=1, per_page=8)
                    table.request = request
                    table.body_html = body_rows_html(table)
                    assert can_draw(table)
                    expected = RENDER.render(RequestContext(request, {"table": table}))
                    assert draw_table(table, request) == expected, (query, type(table))
                    compared += 1
    assert compared == len(QUERIES) * 2 * 3


def test_the_kept_header_follows_language_sort_query_and_columns(
        county_a, committee_a, alice, monkeypatch):
    """The header is drawn once per language, sort order, query string and set of columns,
    then reused; every drawing still equals the template's."""
    from partybuild.core import table_html
    from partybuild.core.memo import KeptValues

    hostile_county(county_a, committee_a, alice)
    monkeypatch.setattr(table_html, "_headers", KeptValues(512))
    drawn = []
    draw = table_html._draw_header

    def counting(table, params):
        drawn.append(1)
        return draw(table, params)

    monkeypatch.setattr(table_html, "_draw_header", counting)

    def both(language, query, exclude=()):
        with translation.override(language):
            request = RequestFactory().get(f"/list/{query}")
            request.user = alice
            table = InstitutionTable(institution_list(user=alice), user=alice,
                                     order_by=request.GET.get("sort"), exclude=exclude)
            table.paginate(page=1, per_page=8)
            table.request = request
            table.body_html = body_rows_html(table)
            expected = RENDER.render(RequestContext(request, {"table": table}))
            return draw_table(table, request), expected

    seen = set()
    cases = [("zh-hans", "?sort=name"), ("en", "?sort=name"), ("zh-hans", "?sort=-name"),
             ("zh-hans", "?sort=region"), ("zh-hans", "?sort=name&region=3"),
             ("zh-hans", "?region=3&sort=name"), ("zh-hans", "?sort=name&x=%3Cb%3E"),
             ("zh-hans", "")]
    for language, query in cases:
        got, expected = both(language, query)
        assert got == expected, (language, query)
        seen.add(got)
    assert len(seen) == len(cases) == len(drawn)
    # A column left out (as for an instructor) is another header.
    got, expected = both("zh-hans", "?sort=name", exclude=("region",))
    assert got == expected and got not in seen and len(drawn) == len(cases) + 1
    # The same again: taken from the memo, the same characters.
    for language, query in cases:
        got, expected = both(language, query)
        assert got == expected
    assert len(drawn) == len(cases) + 1


def test_a_header_with_computed_attributes_is_drawn_every_time():
    from partybuild.core.table_html import _header_key

    table = InstitutionTable([], attrs={"th": {"data-x": lambda table: "1"}})
    assert _header_key(table, ()) is None
    assert _header_key(InstitutionTable([]), ()) is not None


def test_the_kept_page_links_follow_language_page_and_query(
        county_a, committee_a, alice, monkeypatch):
    from partybuild.core import table_html
    from partybuild.core.memo import KeptValues

    hostile_county(county_a, committee_a, alice)
    monkeypatch.setattr(table_html, "_paginations", KeptValues(512))
    drawn = []
    draw = table_html._draw_pagination
    monkeypatch.setattr(table_html, "_draw_pagination",
                        lambda *args: drawn.append(1) or draw(*args))
    cases = [(language, query, page) for language in ("zh-hans", "en")
             for query in ("", "?sort=-name&x=%3Cb%3E") for page in (1, 2, 5, 8)]
    seen = set()
    for _ in range(2):
        for language, query, page in cases:
            with translation.override(language):
                request = RequestFactory().get(f"/list/{query}")
                request.user = alice
                table = InstitutionTable(institution_list(user=alice), user=alice)
                table.paginate(page=page, per_page=8)
                table.body_html = body_rows_html(table)
                expected = RENDER.render(RequestContext(request, {"table": table}))
                got = draw_table(table, request)
                assert got == expected, (language, query, page)
                seen.add(got[got.index("<nav"):])
    assert len(seen) == len(cases) == len(drawn)


def test_a_very_long_query_string_is_drawn_not_kept(county_a, committee_a, alice, monkeypatch):
    from partybuild.core import table_html
    from partybuild.core.memo import KeptValues

    hostile_county(county_a, committee_a, alice)
    monkeypatch.setattr(table_html, "_headers", KeptValues(512))
    monkeypatch.setattr(table_html, "_paginations", KeptValues(512))
    request = RequestFactory().get("/list/?sort=name&q=" + "x" * table_html.KEPT_QUERY_LENGTH)
    request.user = alice
    table = InstitutionTable(institution_list(user=alice), user=alice, order_by="name")
    table.paginate(page=2, per_page=8)
    table.body_html = body_rows_html(table)
    assert draw_table(table, request) == RENDER.render(RequestContext(request, {"table": table}))
    assert not table_html._headers._values and not table_html._paginations._values
