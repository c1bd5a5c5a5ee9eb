"""The visit form, the visit detail page, evidence downloads and the visit list."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from partybuild.visits import services
from partybuild.visits.models import Visit, VisitEvidence
from tests.action_helpers import flashed, form_error_text, page_text
from tests.factories import AssignmentFactory, InstitutionFactory, InstructorFactory
from tests.factories_visits import (
    HTML_BYTES,
    PNG_BYTES,
    SVG_BYTES,
    VisitFactory,
    lesson_photo,
    sign_in_sheet,
    upload,
)

from .conftest import TODAY
from .db_state import database_state

pytestmark = pytest.mark.usefixtures("frozen_today", "media_root")

CREATE = reverse("visits:visit_create")
LIST = reverse("visits:visit_list")


def detail_url(visit) -> str:
    return reverse("visits:visit_detail", args=[visit.pk])


def edit_url(visit) -> str:
    return reverse("visits:visit_update", args=[visit.pk])


def form_data(institution, **overrides) -> dict:
    return {"institution": institution.pk, "date": TODAY.isoformat(), "lesson": "on",
            "lesson_topic": "学习贯彻党的二十大精神", "attendees": "15",
            "notes": "全体教职工参加。", **overrides}


@pytest.fixture
def bobs_visit(bob, bob_at_a, institution_a):
    return services.visit_record(acting_user=bob, institution=institution_a,
                                 date=date(2026, 11, 5), lesson=True, lesson_topic="党史",
                                 evidence=[upload("签到表.png", PNG_BYTES, "image/png")])


@pytest.fixture
def franks_visit(frank, frank_at_a2, institution_a2):
    return services.visit_record(acting_user=frank, institution=institution_a2,
                                 date=date(2026, 11, 6), policy=True, policy_text="双减政策",
                                 evidence=[lesson_photo()])


# The form ---------------------------------------------------------------------------------


def test_the_form_opens_with_the_institution_and_todays_date(client, bob, bob_at_a,
                                                             institution_a):
    client.force_login(bob)
    response = client.get(f"{CREATE}?institution={institution_a.pk}")
    assert response.status_code == 200
    form = response.context["form"]
    assert form["institution"].value() == institution_a.pk
    assert form["date"].value() == TODAY
    html = page_text(response)
    assert 'value="2026-11-22"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/jpeg,image/png,application/pdf"' in html and " multiple" in html
    # Instructors record their own visits: there is nobody else to choose.
    assert "instructor" not in form.fields


@pytest.mark.parametrize(("param", "expected"), [
    ("2026-11-20", date(2026, 11, 20)), ("2026-02-30", TODAY), ("yesterday", TODAY)])
def test_a_date_in_the_link_is_used_when_it_is_a_real_date(client, bob, bob_at_a,
                                                           institution_a, param, expected):
    client.force_login(bob)
    response = client.get(f"{CREATE}?institution={institution_a.pk}&date={param}")
    assert response.context["form"]["date"].value() == expected


def test_the_form_suits_a_phone(client, bob, bob_at_a, institution_a):
    client.force_login(bob)
    html = page_text(client.get(f"{CREATE}?institution={institution_a.pk}"))
    assert 'name="viewport" content="width=device-width' in html
    assert "width:" not in html.split("<body")[1].replace(" ", "")
    assert "css/visits.css" in html
    # The four items are big checkboxes, each followed by the text field it reveals.
    for item, text in services.ITEM_TEXTS.items():
        assert f'type="checkbox" name="{item}"' in html
        assert f'name="{text}"' in html


def test_an_instructor_saves_a_visit_with_photos_from_the_phone(client, bob, bob_at_a,
                                                               institution_a):
    client.force_login(bob)
    data = form_data(institution_a, policy="on", policy_text="校外培训监管政策",
                     case_talk="on", case_talk_case="某机构违规收费案",
                     evidence=[lesson_photo(), sign_in_sheet()])
    response = client.post(CREATE, data)
    visit = Visit.objects.get()
    assert response.status_code == 302 and response.url == detail_url(visit)
    assert (visit.instructor, visit.recorded_by, visit.date) == (bob.instructor, bob, TODAY)
    assert visit.items_done == ["lesson", "policy"]
    assert (visit.case_talk_case, visit.attendees) == ("某机构违规收费案", 15)
    assert sorted(visit.evidence.values_list("original_name", flat=True)) == [
        "党课照片.jpg", "签到表.pdf"]
    assert "已保存 2026-11-22 对“赫山区阳光艺术培训学校”的走访记录。" in flashed(response)


def test_a_rejected_visit_keeps_what_was_typed_and_saves_nothing(client, bob, bob_at_a,
                                                                 institution_a):
    client.force_login(bob)
    before = database_state()
    response = client.post(CREATE, form_data(institution_a, date="2026-11-30",
                                             notes="讲了很多内容，不想重打"))
    assert response.status_code == 200
    assert "走访日期 2026-11-30 晚于今天" in form_error_text(response)
    html = page_text(response)
    assert "讲了很多内容，不想重打" in html and 'value="学习贯彻党的二十大精神"' in html
    assert "已填写的内容都保留着" in html
    assert database_state() == before


def test_an_item_ticked_without_its_text_asks_for_the_text(client, bob, bob_at_a, institution_a):
    client.force_login(bob)
    response = client.post(CREATE, form_data(institution_a, ledger="on", ledger_text=""))
    assert response.status_code == 200
    assert response.context["form"].errors["ledger_text"] == ["请填写核查了哪些台账。"]
    assert not Visit.objects.exists()


def test_a_visit_with_nothing_ticked_is_refused(client, bob, bob_at_a, institution_a):
    client.force_login(bob)
    response = client.post(CREATE, form_data(institution_a, lesson="", lesson_topic=""))
    assert "请至少勾选一项走访内容" in form_error_text(response)
    assert not Visit.objects.exists()


@pytest.mark.parametrize(("name", "content", "phrase"), [
    ("照片.jpg", HTML_BYTES, "文件“照片.jpg”不是 JPEG、PNG 或 PDF 文件"),
    ("图标.svg", SVG_BYTES, "文件“图标.svg”不是 JPEG、PNG 或 PDF 文件"),
])
def test_a_bad_file_is_reported_on_the_form_and_nothing_is_saved(client, bob, bob_at_a,
                                                                 institution_a, name, content,
                                                                 phrase):
    client.force_login(bob)
    before = database_state()
    response = client.post(CREATE, form_data(institution_a,
                                             evidence=[lesson_photo(), upload(name, content)]))
    assert response.status_code == 200
    assert phrase in " ".join(response.context["form"].errors["evidence"])
    assert "请重新选择要上传的文件" in page_text(response)
    assert database_state() == before


def test_the_duplicate_of_a_visit_is_refused_with_a_clear_message(client, bob, bobs_visit,
                                                                  institution_a):
    client.force_login(bob)
    response = client.post(CREATE, form_data(institution_a, date="2026-11-05"))
    message = "已有对“赫山区阳光艺术培训学校”的走访记录，请打开那条记录修改"
    assert message in form_error_text(response)
    assert Visit.objects.count() == 1


def test_an_instructor_can_choose_only_institutions_assigned_to_them(client, bob, bob_at_a,
                                                                     institution_a,
                                                                     institution_a2):
    client.force_login(bob)
    form = client.get(CREATE).context["form"]
    assert list(form.fields["institution"].queryset) == [institution_a]
    response = client.post(CREATE, form_data(institution_a2))
    assert "institution" in response.context["form"].errors
    assert not Visit.objects.exists()


def test_staff_record_a_visit_on_behalf_of_the_instructor(client, alice, bob, bob_at_a,
                                                          institution_a):
    client.force_login(alice)
    response = client.post(CREATE, form_data(institution_a, instructor=bob.instructor.pk))
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert (visit.instructor, visit.recorded_by) == (bob.instructor, alice)
    html = page_text(client.get(detail_url(visit)))
    assert "代录" in html and "张丽" in html


def test_staff_may_leave_the_instructor_to_the_assignment(client, alice, bob, bob_at_a,
                                                          institution_a):
    client.force_login(alice)
    client.post(CREATE, form_data(institution_a))
    assert Visit.objects.get().instructor == bob.instructor


def test_a_reviewer_gets_403_on_every_write(client, carol, bobs_visit, institution_a):
    client.force_login(carol)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data(institution_a, date="2026-11-21")).status_code == 403
    assert client.get(edit_url(bobs_visit)).status_code == 403
    assert client.post(edit_url(bobs_visit), form_data(institution_a)).status_code == 403
    assert Visit.objects.count() == 1


def test_anonymous_visitors_are_sent_to_login(client, bobs_visit):
    evidence = bobs_visit.evidence.get()
    for url in (CREATE, LIST, detail_url(bobs_visit), edit_url(bobs_visit),
                reverse("visits:visit_evidence_download", args=[evidence.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


# Scoping ----------------------------------------------------------------------------------


def test_an_instructor_cannot_see_or_edit_another_instructors_visit(client, bob, bobs_visit,
                                                                    franks_visit,
                                                                    institution_a2):
    client.force_login(bob)
    assert client.get(detail_url(bobs_visit)).status_code == 200
    assert client.get(detail_url(franks_visit)).status_code == 404
    assert client.get(edit_url(franks_visit)).status_code == 404
    response = client.post(edit_url(franks_visit), form_data(institution_a2, notes="篡改"))
    assert response.status_code == 404
    franks_visit.refresh_from_db()
    assert franks_visit.notes == ""


@pytest.mark.parametrize("user_fixture", ["alice", "carol", "dave"])
def test_staff_reviewers_and_admins_read_the_visits_of_their_county(client, request,
                                                                    user_fixture, bobs_visit):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(detail_url(bobs_visit))
    assert response.status_code == 200
    assert "党史" in page_text(response) and "签到表.png" in page_text(response)


def test_the_outsider_gets_404_for_a_visit_of_another_county(client, eve, bobs_visit):
    client.force_login(eve)
    assert client.get(detail_url(bobs_visit)).status_code == 404
    assert client.get(edit_url(bobs_visit)).status_code == 404


def test_the_detail_page_offers_hazards_and_clues_to_recorders_only(client, bob, carol,
                                                                    bobs_visit):
    client.force_login(bob)
    html = page_text(client.get(detail_url(bobs_visit)))
    assert f"{reverse('visits:hazard_create')}?visit={bobs_visit.pk}" in html
    assert f"{reverse('visits:clue_create')}?visit={bobs_visit.pk}" in html
    client.force_login(carol)
    html = page_text(client.get(detail_url(bobs_visit)))
    assert reverse("visits:hazard_create") not in html
    assert edit_url(bobs_visit) not in html


# Editing ----------------------------------------------------------------------------------


def test_an_instructor_corrects_a_visit_and_adds_photos(client, bob, bobs_visit, institution_a):
    client.force_login(bob)
    response = client.get(edit_url(bobs_visit))
    assert response.context["form"]["lesson_topic"].value() == "党史"
    response = client.post(edit_url(bobs_visit), form_data(
        institution_a, date="2026-11-05", lesson_topic="党史学习教育", ledger="on",
        ledger_text="党员名册", evidence=[lesson_photo()]))
    assert response.status_code == 302
    bobs_visit.refresh_from_db()
    assert bobs_visit.items_done == ["lesson", "ledger"]
    assert bobs_visit.lesson_topic == "党史学习教育"
    assert bobs_visit.evidence.count() == 2
    assert bobs_visit.history.latest().history_user == bob


def test_staff_correct_a_visit_in_their_county(client, alice, bob, bobs_visit, institution_a):
    client.force_login(alice)
    response = client.post(edit_url(bobs_visit), form_data(institution_a, date="2026-11-05",
                                                           attendees="20"))
    assert response.status_code == 302
    bobs_visit.refresh_from_db()
    assert bobs_visit.attendees == 20
    assert bobs_visit.recorded_by == bob


# Evidence downloads -----------------------------------------------------------------------


def download_url(evidence) -> str:
    return reverse("visits:visit_evidence_download", args=[evidence.pk])


def test_evidence_downloads_as_an_attachment_with_its_real_type(client, bob, bobs_visit):
    evidence = bobs_visit.evidence.get()
    client.force_login(bob)
    response = client.get(download_url(evidence))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PNG_BYTES


def test_a_png_uploaded_as_jpg_downloads_with_a_png_name(client, bob, bob_at_a, institution_a):
    visit = services.visit_record(acting_user=bob, institution=institution_a, date=TODAY,
                                  lesson=True, lesson_topic="党史",
                                  evidence=[upload("scan.jpg", PNG_BYTES)])
    client.force_login(bob)
    response = client.get(download_url(visit.evidence.get()))
    assert response["Content-Type"] == "image/png"
    assert 'filename="scan.png"' in response["Content-Disposition"]


def test_evidence_is_scoped_like_its_visit(client, bob, carol, eve, bobs_visit, franks_visit):
    franks_photo = franks_visit.evidence.get()
    client.force_login(bob)
    assert client.get(download_url(franks_photo)).status_code == 404
    client.force_login(eve)
    assert client.get(download_url(bobs_visit.evidence.get())).status_code == 404
    client.force_login(carol)
    assert client.get(download_url(franks_photo)).status_code == 200


def test_a_missing_file_answers_404(client, bob, bobs_visit):
    evidence = bobs_visit.evidence.get()
    evidence.file.delete(save=False)
    client.force_login(bob)
    assert client.get(download_url(evidence)).status_code == 404


# The list ---------------------------------------------------------------------------------


def listed(response) -> list:
    return [row.record for row in response.context["table"].paginated_rows]


def test_an_instructor_lists_only_their_own_visits(client, bob, bobs_visit, franks_visit):
    client.force_login(bob)
    response = client.get(LIST)
    assert response.status_code == 200
    assert listed(response) == [bobs_visit]
    assert response.context["page_title"] == "我的走访记录"
    assert "region" not in response.context["filter"].form.fields


def test_the_history_lists_visits_by_month(client, bob, bob_at_a, institution_a):
    october = VisitFactory(instructor=bob.instructor, institution=institution_a,
                           date=date(2026, 10, 15))
    november = VisitFactory(instructor=bob.instructor, institution=institution_a,
                            date=date(2026, 11, 3))
    client.force_login(bob)
    assert listed(client.get(LIST)) == [november, october]
    assert listed(client.get(f"{LIST}?month=2026-10")) == [october]
    assert listed(client.get(f"{LIST}?month=2026-11")) == [november]


def test_staff_filter_visits_by_instructor_and_region(client, alice, dave, bobs_visit,
                                                      franks_visit, frank, county_b,
                                                      institution_b):
    other = InstructorFactory(name="钱多", region=county_b)
    AssignmentFactory(instructor=other, institution=institution_b)
    b_visit = VisitFactory(instructor=other, institution=institution_b, date=date(2026, 11, 7))
    client.force_login(alice)
    assert set(listed(client.get(LIST))) == {bobs_visit, franks_visit}
    response = client.get(f"{LIST}?instructor={frank.instructor.pk}")
    assert listed(response) == [franks_visit]
    client.force_login(dave)
    assert set(listed(client.get(LIST))) == {bobs_visit, franks_visit, b_visit}
    assert listed(client.get(f"{LIST}?region={county_b.pk}")) == [b_visit]
    assert listed(client.get(f"{LIST}?q=博雅")) == [franks_visit]


def test_the_visit_list_exports_every_filtered_row_as_csv(client, alice, bobs_visit,
                                                          franks_visit):
    client.force_login(alice)
    response = client.get(f"{LIST}?_export=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["走访日期", "机构", "区划", "指导员", "上党课"]
    assert rows[1][:5] == ["2026-11-06", "赫山区博雅培训学校", "赫山区", "周峰", "否"]
    assert rows[2][:5] == ["2026-11-05", "赫山区阳光艺术培训学校", "赫山区", "李波", "是"]


def test_the_visit_list_takes_a_constant_number_of_queries(client, alice, county_a,
                                                           django_assert_max_num_queries,
                                                           settings):
    settings.LIST_PAGE_SIZE = 100
    for n in range(60):
        instructor = InstructorFactory(region=county_a)
        institution = InstitutionFactory(region=county_a)
        AssignmentFactory(instructor=instructor, institution=institution)
        visit = VisitFactory(instructor=instructor, institution=institution,
                             date=date(2026, 11, 1 + n % 20), case_talk=n % 2 == 0)
        VisitEvidence.objects.create(visit=visit, file="evidence/x.jpg", original_name="x.jpg",
                                     content_type="image/jpeg", size=1)
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert len(listed(response)) == 60
