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
