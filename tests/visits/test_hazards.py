"""Hazard pages: recording from a visit, rectification, close-out and the lists by state."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from partybuild.visits.models import Hazard
from tests.action_helpers import (
    carried_values,
    confirm,
    flashed,
    form_error_text,
    is_confirmation_page,
    page_text,
    preview,
)
from tests.factories import AssignmentFactory, InstitutionFactory, InstructorFactory
from tests.factories_visits import HTML_BYTES, HazardFactory, VisitFactory, lesson_photo, upload

from .conftest import TODAY
from .db_state import database_state

pytestmark = pytest.mark.usefixtures("frozen_today", "media_root")

LIST = reverse("visits:hazard_list")
CREATE = reverse("visits:hazard_create")


def detail_url(hazard) -> str:
    return reverse("visits:hazard_detail", args=[hazard.pk])


def rectify_url(hazard) -> str:
    return reverse("visits:hazard_rectify", args=[hazard.pk])


def close_out_url(hazard) -> str:
    return reverse("visits:hazard_close_out", args=[hazard.pk])


def descriptions(response) -> set[str]:
    return {row.record.description for row in response.context["table"].paginated_rows}


@pytest.fixture
def bobs_visit(bob, bob_at_a, institution_a):
    return VisitFactory(instructor=bob.instructor, institution=institution_a,
                        date=date(2026, 11, 18), hazard_check=True, hazard_check_text="消防")


@pytest.fixture
def hazards(bob, frank, frank_at_a2, bob_at_a, institution_a, institution_a2, institution_b):
    """One hazard in each state on 2026-11-22, at bob's, frank's and county B's institutions."""
    made = {
        "overdue": HazardFactory(institution=institution_a, instructor=bob.instructor,
                                 description="逾期：安全出口指示灯损坏",
                                 category=Hazard.Category.SAFETY_MANAGEMENT,
                                 found_on=date(2026, 10, 1), deadline=date(2026, 11, 21)),
        "due_today": HazardFactory(institution=institution_a, instructor=bob.instructor,
                                   description="今日到期：灭火器过期",
                                   category=Hazard.Category.FIRE, deadline=TODAY),
        "due_in_7": HazardFactory(institution=institution_a2, instructor=frank.instructor,
                                  description="7日后到期：食堂无留样",
                                  category=Hazard.Category.FOOD,
                                  severity=Hazard.Severity.SERIOUS,
                                  deadline=date(2026, 11, 29)),
        "later": HazardFactory(institution=institution_a2, instructor=frank.instructor,
                               description="8日后到期：墙体裂缝",
                               category=Hazard.Category.BUILDING, deadline=date(2026, 11, 30)),
        "rectified": HazardFactory(institution=institution_a, instructor=bob.instructor,
                                   description="已整改：电线私拉乱接", deadline=date(2026, 11, 10),
                                   rectified_on=date(2026, 11, 8)),
        "closed": HazardFactory(institution=institution_a, instructor=bob.instructor,
                                description="已销号：消防通道堵塞", deadline=date(2026, 11, 10),
                                rectified_on=date(2026, 11, 8), closed_out_on=date(2026, 11, 9)),
        "county_b": HazardFactory(institution=institution_b, description="资阳区：楼梯扶手松动",
                                  found_on=date(2026, 10, 20), deadline=date(2026, 11, 1)),
    }
    return made


# Lists ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "expected"), [
    ("", {"overdue", "due_today", "due_in_7", "later", "rectified", "closed"}),
    ("status=open", {"overdue", "due_today", "due_in_7", "later"}),
    ("status=due_soon", {"due_today", "due_in_7"}),
    ("status=overdue", {"overdue"}),
    ("status=rectified", {"rectified"}),
    ("status=closed_out", {"closed"}),
    ("category=food", {"due_in_7"}),
    ("severity=serious", {"due_in_7"}),
    ("status=open&category=fire", {"due_today"}),
])
def test_the_hazard_tabs_and_filters_show_exactly_their_hazards(client, alice, hazards, query,
                                                                expected):
    client.force_login(alice)
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert descriptions(response) == {hazards[key].description for key in expected}


def test_staff_filter_hazards_by_instructor_and_region(client, alice, dave, frank, county_b,
                                                       hazards):
    client.force_login(alice)
    response = client.get(f"{LIST}?status=open&instructor={frank.instructor.pk}")
    assert descriptions(response) == {hazards["due_in_7"].description,
                                      hazards["later"].description}
    client.force_login(dave)
    assert descriptions(client.get(f"{LIST}?status=overdue")) == {
        hazards["overdue"].description, hazards["county_b"].description}
    assert descriptions(client.get(f"{LIST}?region={county_b.pk}")) == {
        hazards["county_b"].description}


def test_an_instructor_lists_only_their_own_hazards(client, bob, hazards):
    client.force_login(bob)
    response = client.get(f"{LIST}?status=open")
    assert descriptions(response) == {hazards["overdue"].description,
                                      hazards["due_today"].description}
    assert "instructor" not in response.context["filter"].form.fields


def test_the_open_tab_lists_the_most_urgent_deadline_first(client, alice, hazards):
    client.force_login(alice)
    rows = [row.record for row in client.get(f"{LIST}?status=open").context["table"].rows]
    assert [h.deadline for h in rows] == sorted(h.deadline for h in rows)


def test_the_tabs_are_links_that_keep_the_other_filters(client, alice, hazards):
    client.force_login(alice)
    html = page_text(client.get(f"{LIST}?category=fire&status=open"))
    assert '?category=fire&amp;status=overdue"' in html
    assert 'status=open" aria-current="page"' in html


def test_the_hazard_export_shows_the_state_of_each_hazard(client, alice, hazards):
    client.force_login(alice)
    response = client.get(f"{LIST}?status=due_soon&_export=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:3] == ["机构", "状态", "整改期限"]
    states = {row[header.index("描述")]: row[header.index("状态")] for row in rows[1:]}
    assert states == {"今日到期：灭火器过期": "7日内到期", "7日后到期：食堂无留样": "7日内到期"}
    assert {row[header.index("类别")] for row in rows[1:]} == {"消防", "食品"}


def test_the_hazard_list_takes_a_constant_number_of_queries(client, alice, county_a,
                                                            django_assert_max_num_queries,
                                                            settings):
    settings.LIST_PAGE_SIZE = 100
    for n in range(55):
        instructor = InstructorFactory(region=county_a)
        institution = InstitutionFactory(region=county_a)
        AssignmentFactory(instructor=instructor, institution=institution)
        HazardFactory(institution=institution, instructor=instructor,
                      found_on=date(2026, 10, 1), deadline=date(2026, 11, 1 + n % 29))
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert len(response.context["table"].paginated_rows) == 55


# Access -----------------------------------------------------------------------------------


def test_hazard_pages_are_scoped(client, bob, carol, eve, hazards):
    mine, franks = hazards["due_today"], hazards["due_in_7"]
    client.force_login(bob)
    assert client.get(detail_url(mine)).status_code == 200
    assert client.get(detail_url(franks)).status_code == 404
    assert client.get(rectify_url(franks)).status_code == 404
    client.force_login(carol)
    assert client.get(detail_url(franks)).status_code == 200
    assert client.get(rectify_url(franks)).status_code == 403
    assert client.get(close_out_url(hazards["rectified"])).status_code == 403
    client.force_login(eve)
    assert client.get(detail_url(mine)).status_code == 404
    assert client.get(LIST).status_code == 200
    assert descriptions(client.get(LIST)) == {hazards["county_b"].description}


def test_anonymous_visitors_are_sent_to_login(client, hazards):
    for url in (LIST, CREATE, detail_url(hazards["overdue"]), rectify_url(hazards["overdue"])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


# Recording --------------------------------------------------------------------------------


def test_an_instructor_records_a_hazard_from_the_visit_page(client, bob, bobs_visit,
                                                            institution_a):
    client.force_login(bob)
    url = f"{CREATE}?visit={bobs_visit.pk}"
    form = client.get(url).context["form"]
    assert form["found_on"].value() == date(2026, 11, 18)
    assert list(form.fields["institution"].queryset) == [institution_a]
    response = client.post(url, {"institution": institution_a.pk, "found_on": "2026-11-18",
                                 "category": "fire", "severity": "major",
                                 "description": "二楼灭火器压力不足", "deadline": "2026-11-25"})
    assert response.status_code == 302
    assert response.url == reverse("visits:visit_detail", args=[bobs_visit.pk])
    hazard = Hazard.objects.get()
    assert (hazard.visit, hazard.instructor, hazard.recorded_by) == (
        bobs_visit, bob.instructor, bob)
    assert "二楼灭火器压力不足" in page_text(client.get(response.url))


def test_a_deadline_before_the_found_date_is_refused_on_the_form(client, bob, bobs_visit,
                                                                 institution_a):
    client.force_login(bob)
    response = client.post(f"{CREATE}?visit={bobs_visit.pk}", {
        "institution": institution_a.pk, "found_on": "2026-11-18", "category": "fire",
        "severity": "major", "description": "二楼灭火器压力不足", "deadline": "2026-11-17"})
    assert response.status_code == 200
    assert response.context["form"].errors["deadline"] == [
        "整改期限 2026-11-17 不能早于发现日期 2026-11-18。"]
    assert "二楼灭火器压力不足</textarea>" in page_text(response)
    assert not Hazard.objects.exists()


def test_an_instructor_may_not_record_a_hazard_from_another_instructors_visit(
        client, bob, frank, frank_at_a2, institution_a2):
    franks_visit = VisitFactory(instructor=frank.instructor, institution=institution_a2)
    client.force_login(bob)
    assert client.get(f"{CREATE}?visit={franks_visit.pk}").status_code == 404


# Rectification and close-out --------------------------------------------------------------


def test_the_instructor_records_the_rectification_with_a_photo(client, bob, hazards):
    hazard = hazards["overdue"]
    client.force_login(bob)
    response = client.post(rectify_url(hazard), {
        "rectified_on": "2026-11-22", "rectification_note": "已更换指示灯",
        "evidence": [lesson_photo("整改后.jpg")]})
    assert response.status_code == 302 and response.url == detail_url(hazard)
    hazard.refresh_from_db()
    assert (hazard.rectified_on, hazard.rectification_note) == (TODAY, "已更换指示灯")
    assert not hazard.rectified_on_time
    evidence = hazard.evidence.get()
    download = client.get(reverse("visits:hazard_evidence_download", args=[evidence.pk]))
    assert download["Content-Type"] == "image/jpeg"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    html = page_text(client.get(detail_url(hazard)))
    assert "整改后.jpg" in html and "已整改待销号" in html and "超期" in html


def test_a_rectified_date_before_the_found_date_is_refused_on_the_form(client, bob, hazards):
    hazard = hazards["overdue"]
    client.force_login(bob)
    before = database_state()
    response = client.post(rectify_url(hazard), {"rectified_on": "2026-09-30",
                                                 "rectification_note": "已整改"})
    assert response.status_code == 200
    assert "整改完成日期 2026-09-30 不能早于发现日期 2026-10-01" in form_error_text(response)
    assert database_state() == before


def test_a_bad_rectification_file_saves_nothing(client, bob, hazards):
    client.force_login(bob)
    before = database_state()
    response = client.post(rectify_url(hazards["overdue"]), {
        "rectified_on": "2026-11-21", "evidence": [upload("整改.pdf", HTML_BYTES)]})
    assert "文件“整改.pdf”不是 JPEG、PNG 或 PDF 文件" in form_error_text(response)
    assert database_state() == before


def test_hazard_evidence_is_scoped_like_its_hazard(client, bob, frank, hazards):
    client.force_login(frank)
    client.post(rectify_url(hazards["later"]), {"rectified_on": "2026-11-21",
                                                "evidence": [lesson_photo()]})
    evidence = hazards["later"].evidence.get()
    url = reverse("visits:hazard_evidence_download", args=[evidence.pk])
    assert client.get(url).status_code == 200
    client.force_login(bob)
    assert client.get(url).status_code == 404


def test_staff_close_out_a_rectified_hazard_after_confirming(client, alice, hazards):
    hazard = hazards["rectified"]
    client.force_login(alice)
    assert "销号" in page_text(client.get(detail_url(hazard)))
    response = preview(client, close_out_url(hazard), {"on": "2026-11-22"})
    assert is_confirmation_page(response)
    assert "将于 2026-11-22 为机构“赫山区阳光艺术培训学校”的这条隐患销号。" in page_text(response)
    assert Hazard.objects.get(pk=hazard.pk).closed_out_on is None
    response = confirm(client, close_out_url(hazard), carried_values(response))
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert (hazard.closed_out_on, hazard.closed_out_by) == (TODAY, alice)
    assert "隐患已销号。" in flashed(response)


def test_closing_out_an_unrectified_hazard_is_refused_on_the_form(client, alice, hazards):
    client.force_login(alice)
    response = confirm(client, close_out_url(hazards["due_today"]), {"on": "2026-11-22"})
    assert response.status_code == 200
    assert "该隐患尚未登记整改完成，不能销号" in form_error_text(response)
    assert Hazard.objects.get(pk=hazards["due_today"].pk).closed_out_on is None


def test_instructors_do_not_close_out(client, bob, hazards):
    client.force_login(bob)
    assert client.get(close_out_url(hazards["rectified"])).status_code == 403
    assert confirm(client, close_out_url(hazards["rectified"]),
                   {"on": "2026-11-22"}).status_code == 403
    assert close_out_url(hazards["rectified"]) not in page_text(
        client.get(detail_url(hazards["rectified"])))


def test_staff_of_another_county_get_404_on_close_out(client, eve, hazards):
    client.force_login(eve)
    assert client.get(close_out_url(hazards["rectified"])).status_code == 404
