"""Committee staff on a phone (375 px): find a record from the header search as they type,
and pick one institution of many in a form by typing part of its name."""

import re
from datetime import date

import pytest
from django.urls import reverse

from partybuild.instructors.models import Assignment
from tests.factories import InstitutionFactory, InstructorFactory

from .conftest import PHONE, assert_fits_width, expect, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def many_institutions(county_a, county_b):
    """Forty institutions in 赫山区 and one in 资阳区 that alice must never be shown."""
    made = [InstitutionFactory(name=f"赫山区第{n}培训学校", region=county_a) for n in range(40)]
    made.append(InstitutionFactory(name="赫山区金话筒口才培训中心", region=county_a))
    InstitutionFactory(name="资阳区金话筒口才培训中心", region=county_b)
    return made


def test_staff_find_an_institution_from_the_header_search_on_a_phone(
        open_page, screenshots, alice, many_institutions):
    page = open_page(PHONE)
    # Five test runs share two cores here: the journeys wait longer than the default.
    page.set_default_timeout(40_000)
    page.goto("/")
    log_in(page, "alice")
    search = page.get_by_role("combobox", name="搜索")
    expect(search).to_be_visible()
    assert_fits_width(page)
    search.tap()
    search.type("金话筒")
    options = page.locator("#site-search-results").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("赫山区金话筒口才培训中心")
    # The other county's institution of the same name is never offered.
    expect(page.get_by_text("资阳区金话筒口才培训中心")).to_have_count(0)
    assert_fits_width(page)
    screenshots.take(page, "suggestions")
    options.first.tap()
    expect(page.get_by_role("heading", name="赫山区金话筒口才培训中心")).to_be_visible()

    # Enter without choosing opens the full results page.
    search = page.get_by_role("combobox", name="搜索")
    search.fill("培训学校")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    expect(page.get_by_role("heading", name="培训机构")).to_be_visible()
    assert_fits_width(page)


def test_staff_pick_an_institution_among_many_by_typing_on_a_phone(
        open_page, screenshots, alice, county_a, many_institutions):
    instructor = InstructorFactory(name="周敏", region=county_a)
    wanted = many_institutions[-1]
    page = open_page(PHONE)
    # Five test runs share two cores here: the journeys wait longer than the default.
    page.set_default_timeout(40_000)
    page.goto("/")
    log_in(page, "alice")
    page.goto(reverse("instructors:assignment_create") + f"?instructor={instructor.pk}")
    institution = page.get_by_label("机构", exact=True)
    filter_box = page.get_by_label("筛选：机构")
    expect(filter_box).to_be_visible()
    filter_box.type("口才")
    # Only the matching institution is left in the select (and the empty choice), chosen.
    expect(institution.locator("option")).to_have_count(2)
    expect(institution).to_have_value(str(wanted.pk))
    expect(page.get_by_text("1 / 41")).to_be_visible()
    assert_fits_width(page)
    screenshots.take(page, "typeahead")
    page.get_by_label("派驻开始日期").fill("2024-03-01")
    page.get_by_role("button", name="下一步").tap()
    page.get_by_role("button", name="确认").tap()
    expect(page.get_by_text("已派驻 周敏 到“赫山区金话筒口才培训中心”。")).to_be_visible()
    assert Assignment.objects.filter(instructor=instructor, institution=wanted,
                                     start=date(2024, 3, 1)).exists()
