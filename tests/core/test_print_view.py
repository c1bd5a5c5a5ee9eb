"""The print view of the lists (?print=1): every filtered row on one page, the filters and the
date in the heading, no navigation or controls; and a 打印 link on every list."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partybuild.core import views as core_views
from tests.action_helpers import page_text
from tests.factories import InstitutionFactory

INSTITUTIONS = reverse("organisation:institution_list")


@pytest.fixture
def many_institutions(county_a, county_b):
    arts = [InstitutionFactory(region=county_a, name=f"赫山区艺术培训学校{n}", category="arts",
                               opened_on=date(2020, 1, 1)) for n in range(120)]
    # Not matching the filter: another category, and another county.
    InstitutionFactory(region=county_a, name="赫山区启航体育培训中心", category="sports")
    InstitutionFactory(region=county_b, name="资阳区艺术培训学校", category="arts")
    return arts


def rows_in(text: str) -> int:
    body = text.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr")


def test_the_list_shows_fifty_rows_and_the_print_view_every_filtered_row(
        client, alice, many_institutions, settings):
    settings.LIST_PAGE_SIZE = 50
    client.force_login(alice)
    page = page_text(client.get(INSTITUTIONS, {"category": "arts"}))
    assert rows_in(page) == 50
    assert "打印" in page and "print=1" in page

    printed = client.get(INSTITUTIONS, {"category": "arts", "print": "1"})
    text = page_text(printed)
    assert printed.status_code == 200
    assert rows_in(text) == 120
    assert "赫山区启航体育培训中心" not in text and "资阳区艺术培训学校" not in text
    # The heading: the filters in words, the date and time, and no navigation or controls.
    assert "筛选条件：类别：文化艺术" in text
    assert "打印时间：" + date.today().isoformat()[:4] in text
    assert 'class="site-nav"' not in text and 'class="site-search"' not in text
    assert 'class="pagination"' not in text
    assert 'class="print-view"' in text


def test_an_unfiltered_print_says_so(client, alice, many_institutions):
    client.force_login(alice)
    text = page_text(client.get(INSTITUTIONS, {"print": "1"}))
    assert "筛选条件：无（全部记录）" in text
    assert rows_in(text) == 121


def test_the_print_view_takes_as_many_queries_for_120_rows_as_for_10(client, alice, county_a):
    client.force_login(alice)
    counts = []
    for added in (10, 110):  # 10 rows, then 120
        InstitutionFactory.create_batch(added, region=county_a)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(INSTITUTIONS, {"print": "1"}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_print_view_stops_at_its_cap_with_a_notice(client, alice, county_a, monkeypatch):
    monkeypatch.setattr(core_views, "PRINT_MAX_ROWS", 5)
    InstitutionFactory.create_batch(8, region=county_a)
    client.force_login(alice)
    text = page_text(client.get(INSTITUTIONS, {"print": "1"}))
    assert rows_in(text) == 5
    assert "仅打印前 5 条（共 8 条）" in text


@pytest.mark.parametrize("name,args", [
    ("organisation:institution_list", []), ("organisation:branch_list", []),
    ("organisation:member_list", []), ("organisation:pairing_list", []),
    ("instructors:instructor_list", []), ("visits:visit_list", []),
    ("visits:hazard_list", []), ("visits:clue_list", []),
    ("activities:activity_list", []), ("points:ranking", []),
    ("scoring:score_list", [2025]), ("scoring:red_list", [2025]), ("visits:completeness", []),
    ("points:ledger", ["institution"]),
])
def test_every_list_has_a_print_link_and_a_print_view(name, args, client, dave, institution_a):
    client.force_login(dave)
    url = reverse(name, args=[institution_a.pk if arg == "institution" else arg
                              for arg in args])
    page = client.get(url)
    assert page.status_code == 200
    assert "print=1" in page_text(page)
    printed = client.get(url, {"print": "1"})
    assert printed.status_code == 200
    text = page_text(printed)
    assert 'class="print-view"' in text and "打印时间：" in text
    assert "css/print.css" in text


def test_the_completeness_grid_prints_every_institution_not_one_page(client, alice, county_a):
    InstitutionFactory.create_batch(105, region=county_a, opened_on=date(2020, 1, 1))
    client.force_login(alice)
    url = reverse("visits:completeness")
    assert "本页第 1–100 家" in page_text(client.get(url))
    text = page_text(client.get(url, {"print": "1"}))
    assert "共 105 家机构" in text and "本页第" not in text
    assert "筛选条件：" in text
