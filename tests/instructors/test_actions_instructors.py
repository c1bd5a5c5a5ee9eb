from datetime import date

import pytest
from django.urls import reverse

from partybuild.instructors.models import Assignment, Instructor
from tests.action_helpers import (
    confirm,
    flashed,
    form_error_text,
    is_confirmation_page,
    page_text,
    preview,
)
from tests.factories import AssignmentFactory, InstitutionFactory, InstructorFactory

CREATE_URL = reverse("instructors:instructor_create")
ASSIGN_URL = reverse("instructors:assignment_create")


@pytest.fixture
def liu(county_a):
    return InstructorFactory(number="ZDY43090301", name="刘洋", region=county_a,
                             source_org="益阳市第一中学")


@pytest.fixture
def chen(county_a):
    return InstructorFactory(number="ZDY43090302", name="陈红", region=county_a,
                             source_org="赫山区教育局")


@pytest.fixture
def zhao(county_b):
    return InstructorFactory(number="ZDY43090201", name="赵刚", region=county_b)


def instructor_detail(instructor):
    return reverse("instructors:instructor_detail", args=[instructor.pk])


def instructor_data(region, **changes):
    return {"number": "ZDY43090399", "name": "黄磊",
            "source_type": Instructor.SourceType.EDUCATION_BUREAU, "source_org": "赫山区教育局",
            "title": "督学", "phone": "13907370001", "region": region.pk, **changes}


# Instructors ---------------------------------------------------------------------------


def test_a_new_instructor_is_previewed_then_registered(client, alice, county_a):
    client.force_login(alice)
    response = preview(client, CREATE_URL, instructor_data(county_a))
    assert is_confirmation_page(response)
    text = page_text(response)
    assert "将新增党建指导员 黄磊（编号 ZDY43090399）。" in text
    assert "来源：教育行政部门 · 赫山区教育局" in text
    assert not Instructor.objects.filter(name="黄磊").exists()

    response = confirm(client, CREATE_URL, instructor_data(county_a))
    instructor = Instructor.objects.get(name="黄磊")
    assert response["Location"] == instructor_detail(instructor)
    assert (instructor.number, instructor.region, instructor.phone) == (
        "ZDY43090399", county_a, "13907370001")
    assert instructor.history.latest().history_user == alice
    assert flashed(response) == ["已新增党建指导员 黄磊。"]


def test_the_create_form_starts_in_the_staffs_own_county(client, alice, county_a):
    client.force_login(alice)
    response = client.get(CREATE_URL)
    assert f'<option value="{county_a.pk}" selected>' in page_text(response)


def test_an_instructor_number_already_used_is_refused(client, alice, county_a, liu):
    client.force_login(alice)
    response = confirm(client, CREATE_URL, instructor_data(county_a, number="ZDY43090301"))
    assert "指导员编号" in form_error_text(response)
    assert not Instructor.objects.filter(name="黄磊").exists()


def test_an_instructor_cannot_be_registered_in_another_county(client, alice, county_b):
    client.force_login(alice)
    response = confirm(client, CREATE_URL, instructor_data(county_b))
    assert "region" in response.context["form"].errors
    assert not Instructor.objects.filter(name="黄磊").exists()


def test_editing_an_instructor_shows_the_change_and_saves_it(client, alice, county_a, liu):
    client.force_login(alice)
    url = reverse("instructors:instructor_update", args=[liu.pk])
    data = instructor_data(county_a, number=liu.number, name="刘洋",
                           source_type=liu.source_type, source_org="益阳市第一中学",
                           phone="13907379999")
    response = preview(client, url, data)
    assert f"手机：{liu.phone} → 13907379999" in page_text(response)
    response = confirm(client, url, data)
    assert response["Location"] == instructor_detail(liu)
    liu.refresh_from_db()
    assert liu.phone == "13907379999"
    assert liu.history.latest().history_user == alice


def test_the_outsider_cannot_edit_a_county_a_instructor(client, eve, county_a, liu):
    client.force_login(eve)
    url = reverse("instructors:instructor_update", args=[liu.pk])
    assert client.get(url).status_code == 404
    assert confirm(client, url, instructor_data(county_a, name="改名")).status_code == 404
    liu.refresh_from_db()
    assert liu.name == "刘洋"


# Assignments ---------------------------------------------------------------------------


def test_an_assignment_is_previewed_then_created(client, alice, liu, institution_a):
    client.force_login(alice)
    data = {"instructor": liu.pk, "institution": institution_a.pk, "start": "2024-03-01",
            "end": ""}
    response = preview(client, ASSIGN_URL, data)
    assert ("将从 2024-03-01 起派驻指导员 刘洋 到机构“赫山区阳光艺术培训学校”，不设结束日期。"
            in page_text(response))
    assert not Assignment.objects.exists()

    response = confirm(client, ASSIGN_URL, data)
    assert response["Location"] == instructor_detail(liu)
    assignment = Assignment.objects.get()
    assert (assignment.instructor, assignment.institution, assignment.start,
            assignment.end) == (liu, institution_a, date(2024, 3, 1), None)
    assert assignment.history.latest().history_user == alice


def test_the_assignment_form_can_be_opened_from_an_institution(client, alice, liu,
                                                               institution_a):
    client.force_login(alice)
    response = client.get(ASSIGN_URL, {"institution": institution_a.pk})
    assert f'<option value="{institution_a.pk}" selected>' in page_text(response)


def test_an_institution_with_an_instructor_cannot_get_a_second_one(client, alice, liu, chen,
                                                                   institution_a):
    AssignmentFactory(instructor=liu, institution=institution_a, start=date(2022, 1, 1))
    client.force_login(alice)
    response = confirm(client, ASSIGN_URL, {"instructor": chen.pk,
                                            "institution": institution_a.pk,
                                            "start": "2024-03-01", "end": ""})
    assert ("机构“赫山区阳光艺术培训学校”在 2022-01-01 至今 已由指导员刘洋负责。"
            "请使用“更换指导员”。") in form_error_text(response)
    assert Assignment.objects.count() == 1


def test_an_assignment_ending_before_it_starts_is_refused(client, alice, liu, institution_a):
    client.force_login(alice)
    response = confirm(client, ASSIGN_URL, {"instructor": liu.pk,
                                            "institution": institution_a.pk,
                                            "start": "2024-03-01", "end": "2024-01-31"})
    assert "结束日期 2024-01-31 不能早于开始日期 2024-03-01" in form_error_text(response)
    assert not Assignment.objects.exists()


def test_out_of_scope_instructors_and_institutions_cannot_be_submitted(client, alice, liu,
                                                                       zhao, institution_a,
                                                                       institution_b):
    client.force_login(alice)
    forged_instructor = confirm(client, ASSIGN_URL, {
        "instructor": zhao.pk, "institution": institution_a.pk, "start": "2024-03-01",
        "end": ""})
    forged_institution = confirm(client, ASSIGN_URL, {
        "instructor": liu.pk, "institution": institution_b.pk, "start": "2024-03-01",
        "end": ""})
    assert "instructor" in forged_instructor.context["form"].errors
    assert "institution" in forged_institution.context["form"].errors
    assert not Assignment.objects.exists()


def test_ending_an_assignment_records_the_last_day(client, alice, liu, institution_a):
    assignment = AssignmentFactory(instructor=liu, institution=institution_a,
                                   start=date(2022, 1, 1))
    client.force_login(alice)
    url = reverse("instructors:assignment_end", args=[assignment.pk])
    response = preview(client, url, {"on": "2024-02-29"})
    text = page_text(response)
    assert "指导员 刘洋 在机构“赫山区阳光艺术培训学校”的派驻将于 2024-02-29 结束" in text
    assert 'class="danger"' in text
    assignment.refresh_from_db()
    assert assignment.end is None

    response = confirm(client, url, {"on": "2024-02-29"})
    assert response["Location"] == instructor_detail(liu)
    assignment.refresh_from_db()
    assert assignment.end == date(2024, 2, 29)
    assert assignment.history.latest().history_user == alice


def test_an_assignment_cannot_end_before_it_started(client, alice, liu, institution_a):
    assignment = AssignmentFactory(instructor=liu, institution=institution_a,
                                   start=date(2022, 1, 1))
    client.force_login(alice)
    response = confirm(client, reverse("instructors:assignment_end", args=[assignment.pk]),
                       {"on": "2021-12-31"})
    assert "结束日期 2021-12-31 不能早于开始日期 2022-01-01" in form_error_text(response)
    assignment.refresh_from_db()
    assert assignment.end is None


def test_reassigning_hands_the_institution_over_on_the_date(client, alice, liu, chen,
                                                            institution_a):
    AssignmentFactory(instructor=liu, institution=institution_a, start=date(2022, 1, 1))
    client.force_login(alice)
    url = reverse("instructors:assignment_reassign", args=[institution_a.pk])
    response = preview(client, url, {"instructor": chen.pk, "on": "2024-03-01"})
    assert ("将从 2024-03-01 起由指导员 陈红 接替 刘洋 负责机构“赫山区阳光艺术培训学校”；"
            "刘洋 的派驻于 2024-02-29 结束。") in page_text(response)
    assert Assignment.objects.count() == 1

    response = confirm(client, url, {"instructor": chen.pk, "on": "2024-03-01"})
    assert response["Location"] == reverse("organisation:institution_detail",
                                           args=[institution_a.pk])
    periods = [(a.instructor.name, a.start, a.end)
               for a in Assignment.objects.order_by("start")]
    assert periods == [("刘洋", date(2022, 1, 1), date(2024, 2, 29)),
                       ("陈红", date(2024, 3, 1), None)]
    assert Assignment.history.latest().history_user == alice
    assert flashed(response) == ["“赫山区阳光艺术培训学校”的指导员已更换为 陈红。"]


def test_reassigning_to_the_current_instructor_is_refused(client, alice, liu, institution_a):
    AssignmentFactory(instructor=liu, institution=institution_a, start=date(2022, 1, 1))
    client.force_login(alice)
    response = confirm(client, reverse("instructors:assignment_reassign",
                                       args=[institution_a.pk]),
                       {"instructor": liu.pk, "on": "2024-03-01"})
    assert "刘洋在 2024-03-01 已负责该机构。" in form_error_text(response)
    assert Assignment.objects.get().end is None


def test_the_city_administrator_can_assign_anywhere_in_the_city(client, dave, county_b, zhao):
    institution = InstitutionFactory(region=county_b, name="资阳区育才培训学校")
    client.force_login(dave)
    confirm(client, ASSIGN_URL, {"instructor": zhao.pk, "institution": institution.pk,
                                 "start": "2024-03-01", "end": ""})
    assert Assignment.objects.get().history.latest().history_user == dave
