"""The visit, hazard and clue services: every rejection rule leaves the database unchanged."""

from datetime import date

import pytest

from partybuild.core.evidence import MAX_EVIDENCE_BYTES
from partybuild.visits import services
from partybuild.visits.models import Hazard, Visit
from tests.factories import AssignmentFactory, InstitutionFactory
from tests.factories_visits import (
    HTML_BYTES,
    JPEG_BYTES,
    PNG_BYTES,
    SVG_BYTES,
    ClueFactory,
    HazardFactory,
    VisitFactory,
    lesson_photo,
    sign_in_sheet,
    upload,
)

from .conftest import TODAY, stored_files
from .db_state import refused, rejected

pytestmark = pytest.mark.usefixtures("frozen_today", "media_root")

LESSON = {"lesson": True, "lesson_topic": "学习贯彻党的二十大精神"}


def record(user, institution, day=TODAY, **fields):
    return services.visit_record(acting_user=user, institution=institution, date=day,
                                 **(fields or LESSON))


# Recording a visit ------------------------------------------------------------------------


def test_an_instructor_records_a_visit_to_an_assigned_institution(bob, bob_at_a, institution_a):
    visit = record(bob, institution_a, lesson=True, lesson_topic="党史学习", policy=True,
                   policy_text="双减政策", case_talk=True, case_talk_case="某机构违规收费案",
                   attendees=15, notes="全体教职工参加。")
    visit.refresh_from_db()
    assert visit.instructor == bob.instructor
    assert visit.recorded_by == bob
    assert visit.items_done == ["lesson", "policy"]
    assert visit.case_talk and visit.case_talk_case == "某机构违规收费案"
    assert visit.attendees == 15
    assert visit.history.get().history_user == bob


def test_a_visit_dated_in_the_future_is_rejected(bob, bob_at_a, institution_a):
    with rejected("走访日期 2026-11-23 晚于今天（2026-11-22），不能录入未来的日期"):
        record(bob, institution_a, day=date(2026, 11, 23))


def test_a_visit_before_the_institution_opened_is_rejected(bob, county_a):
    institution = InstitutionFactory(name="赫山区新开培训学校", region=county_a,
                                     opened_on=date(2026, 11, 10))
    AssignmentFactory(instructor=bob.instructor, institution=institution, start=date(2026, 11, 1))
    with rejected("机构“赫山区新开培训学校”于 2026-11-10 开办，2026-11-09 尚未开办"):
        record(bob, institution, day=date(2026, 11, 9))


def test_a_visit_after_the_institution_closed_is_rejected(bob, county_a):
    institution = InstitutionFactory(name="赫山区停办培训学校", region=county_a,
                                     closed_on=date(2026, 10, 31))
    AssignmentFactory(instructor=bob.instructor, institution=institution, start=date(2022, 1, 1))
    with rejected("已于 2026-10-31 停办，2026-11-02 不在办学期间"):
        record(bob, institution, day=date(2026, 11, 2))


def test_a_visit_on_the_closing_day_is_still_accepted(bob, county_a):
    institution = InstitutionFactory(region=county_a, closed_on=date(2026, 10, 31))
    AssignmentFactory(instructor=bob.instructor, institution=institution, start=date(2022, 1, 1))
    assert record(bob, institution, day=date(2026, 10, 31)).pk


def test_a_visit_to_an_institution_never_assigned_is_rejected(bob, institution_a):
    with rejected("指导员李波在 2026-11-22 没有派驻到机构“赫山区阳光艺术培训学校”，不能录入；"
                  "从未派驻到该机构"):
        record(bob, institution_a)


def test_a_visit_after_the_assignment_ended_is_rejected(bob, institution_a):
    AssignmentFactory(instructor=bob.instructor, institution=institution_a,
                      start=date(2022, 1, 1), end=date(2026, 10, 31))
    with rejected("其派驻期间为 2022-01-01 至 2026-10-31"):
        record(bob, institution_a, day=date(2026, 11, 1))
    # The last day of the assignment is still inside it.
    assert record(bob, institution_a, day=date(2026, 10, 31)).pk


def test_a_second_visit_by_the_same_instructor_on_the_same_day_is_rejected(bob, bob_at_a,
                                                                           institution_a):
    record(bob, institution_a)
    with rejected("指导员李波在 2026-11-22 已有对“赫山区阳光艺术培训学校”的走访记录"):
        record(bob, institution_a, policy=True, policy_text="双减政策")


def test_a_reviewer_may_not_record_a_visit(carol, bob_at_a, institution_a):
    with refused("只有党建指导员、党委工作人员和系统管理员可以录入"):
        record(carol, institution_a)


def test_an_instructor_may_not_record_a_visit_for_someone_else(bob, frank, institution_a):
    AssignmentFactory(instructor=frank.instructor, institution=institution_a)
    with refused("只能录入本人的走访记录"):
        services.visit_record(acting_user=bob, instructor=frank.instructor,
                              institution=institution_a, date=TODAY, **LESSON)


def test_staff_record_a_visit_on_an_instructors_behalf(alice, bob, bob_at_a, institution_a):
    visit = record(alice, institution_a)
    assert visit.instructor == bob.instructor
    assert visit.recorded_by == alice
    assert visit.history.get().history_user == alice


def test_staff_recording_on_behalf_face_the_same_checks(alice, bob, institution_a):
    AssignmentFactory(instructor=bob.instructor, institution=institution_a,
                      start=date(2022, 1, 1), end=date(2026, 10, 31))
    with rejected("指导员李波在 2026-11-05 没有派驻到机构"):
        services.visit_record(acting_user=alice, instructor=bob.instructor,
                              institution=institution_a, date=date(2026, 11, 5), **LESSON)
    with rejected("没有派驻指导员，请选择指导员"):
        record(alice, institution_a, day=date(2026, 11, 5))


def test_staff_of_another_county_may_not_record_there(eve, bob_at_a, institution_a):
    with rejected("机构不在您管辖的区划内"):
        record(eve, institution_a)


def test_the_text_of_an_item_not_done_is_not_kept(bob, bob_at_a, institution_a):
    visit = record(bob, institution_a, lesson=True, lesson_topic="党史", policy=False,
                   policy_text="没勾选时填的字")
    assert Visit.objects.get(pk=visit.pk).policy_text == ""


# Changing a visit -------------------------------------------------------------------------


def test_an_instructor_corrects_their_own_visit(bob, bob_at_a, institution_a):
    visit = record(bob, institution_a, day=date(2026, 11, 3))
    services.visit_update(acting_user=bob, visit=visit, date=date(2026, 11, 4), ledger=True,
                          ledger_text="党员名册", lesson=True, lesson_topic="党史")
    visit.refresh_from_db()
    assert visit.date == date(2026, 11, 4)
    assert visit.items_done == ["lesson", "ledger"]
    assert visit.recorded_by == bob


def test_an_instructor_may_not_change_another_instructors_visit(bob, frank, frank_at_a2,
                                                                institution_a2):
    visit = record(frank, institution_a2)
    with refused("只能修改本人录入的记录"):
        services.visit_update(acting_user=bob, visit=visit, notes="改一下")
    with refused("只能修改本人录入的记录"):
        services.visit_evidence_add(acting_user=bob, visit=visit, files=[lesson_photo()])


def test_moving_a_visit_onto_a_day_that_already_has_one_is_rejected(bob, bob_at_a,
                                                                   institution_a):
    record(bob, institution_a, day=date(2026, 11, 3))
    later = record(bob, institution_a, day=date(2026, 11, 4))
    with rejected("已有对“赫山区阳光艺术培训学校”的走访记录"):
        services.visit_update(acting_user=bob, visit=later, date=date(2026, 11, 3))


def test_a_reviewer_may_not_change_a_visit(carol, bob, bob_at_a, institution_a):
    visit = record(bob, institution_a)
    with refused("只有党建指导员、党委工作人员和系统管理员可以录入"):
        services.visit_update(acting_user=carol, visit=visit, notes="改一下")


# Evidence ---------------------------------------------------------------------------------


def test_evidence_is_stored_under_a_random_name_with_the_type_its_content_proves(
        bob, bob_at_a, institution_a, media_root):
    visit = record(bob, institution_a, evidence=[
        lesson_photo(), sign_in_sheet(), upload("截图.jpg", PNG_BYTES, "image/jpeg")])
    files = {item.original_name: item for item in visit.evidence.all()}
    assert {name: item.content_type for name, item in files.items()} == {
        "党课照片.jpg": "image/jpeg", "签到表.pdf": "application/pdf", "截图.jpg": "image/png"}
    # The PNG sent as .jpg is stored as .png; no stored name contains the user's file name.
    assert files["截图.jpg"].file.name.endswith(".png")
    assert all("党课" not in path.name for path in stored_files(media_root))
    assert len(stored_files(media_root)) == 3
    assert files["党课照片.jpg"].uploaded_by == bob
    assert files["党课照片.jpg"].size == len(JPEG_BYTES)


def test_an_html_page_named_jpg_is_rejected_and_nothing_is_saved(bob, bob_at_a, institution_a):
    with rejected("文件“照片.jpg”不是 JPEG、PNG 或 PDF 文件"):
        record(bob, institution_a, evidence=[lesson_photo(), upload("照片.jpg", HTML_BYTES)])
    assert not Visit.objects.exists()


def test_a_plain_text_file_named_jpg_is_rejected(bob, bob_at_a, institution_a):
    with rejected("文件“签到表.jpg”不是 JPEG、PNG 或 PDF 文件"):
        record(bob, institution_a, evidence=[upload("签到表.jpg", "签到：张三、李四".encode())])


def test_an_svg_image_is_rejected(bob, bob_at_a, institution_a):
    with rejected("文件“logo.svg”不是 JPEG、PNG 或 PDF 文件"):
        record(bob, institution_a, evidence=[upload("logo.svg", SVG_BYTES, "image/svg+xml")])


def test_a_file_over_10_mb_is_rejected(bob, bob_at_a, institution_a):
    padding = b"\x00" * (MAX_EVIDENCE_BYTES + 1 - len(JPEG_BYTES))
    too_big = upload("大照片.jpg", JPEG_BYTES + padding)
    with rejected("文件“大照片.jpg”超过 10 MB"):
        record(bob, institution_a, evidence=[too_big])


def test_a_file_of_exactly_10_mb_is_accepted(bob, bob_at_a, institution_a):
    just_fits = upload("照片.jpg", JPEG_BYTES + b"\x00" * (MAX_EVIDENCE_BYTES - len(JPEG_BYTES)))
    assert record(bob, institution_a, evidence=[just_fits]).evidence.count() == 1


def test_adding_a_bad_file_to_an_existing_visit_changes_nothing(bob, bob_at_a, institution_a):
    visit = record(bob, institution_a, evidence=[lesson_photo()])
    with rejected("不是 JPEG、PNG 或 PDF 文件"):
        services.visit_evidence_add(acting_user=bob, visit=visit,
                                    files=[sign_in_sheet(), upload("a.pdf", HTML_BYTES)])
    assert visit.evidence.count() == 1


# Hazards ----------------------------------------------------------------------------------


def hazard_fields(**overrides):
    return {"category": Hazard.Category.FIRE, "severity": Hazard.Severity.MAJOR,
            "description": "灭火器过期", "found_on": date(2026, 11, 20),
            "deadline": date(2026, 11, 30), **overrides}


def test_an_instructor_records_a_hazard_from_their_visit(bob, bob_at_a, institution_a):
    visit = record(bob, institution_a, day=date(2026, 11, 20))
    hazard = services.hazard_record(acting_user=bob, institution=institution_a, visit=visit,
                                    **hazard_fields())
    hazard.refresh_from_db()
    assert (hazard.visit, hazard.instructor, hazard.recorded_by) == (visit, bob.instructor, bob)


def test_staff_record_a_hazard_which_goes_to_the_assigned_instructor(alice, bob, bob_at_a,
                                                                     institution_a):
    hazard = services.hazard_record(acting_user=alice, institution=institution_a,
                                    **hazard_fields())
    assert (hazard.instructor, hazard.recorded_by) == (bob.instructor, alice)


@pytest.mark.parametrize(("overrides", "phrase"), [
    ({"found_on": date(2026, 11, 23), "deadline": date(2026, 12, 1)},
     "发现日期 2026-11-23 晚于今天"),
    ({"deadline": date(2026, 11, 19)}, "整改期限 2026-11-19 不能早于发现日期 2026-11-20"),
    ({"found_on": date(2019, 12, 1)}, "2019-12-01 尚未开办"),
])
def test_a_hazard_with_impossible_dates_is_rejected(alice, bob_at_a, institution_a, overrides,
                                                    phrase):
    with rejected(phrase):
        services.hazard_record(acting_user=alice, institution=institution_a,
                               **hazard_fields(**overrides))


def test_an_instructor_may_record_hazards_only_where_assigned_that_day(bob, institution_a):
    AssignmentFactory(instructor=bob.instructor, institution=institution_a,
                      start=date(2026, 11, 21))
    with rejected("指导员李波在 2026-11-20 没有派驻到机构"):
        services.hazard_record(acting_user=bob, institution=institution_a, **hazard_fields())


def test_a_hazard_may_not_be_recorded_twice(alice, bob_at_a, institution_a):
    services.hazard_record(acting_user=alice, institution=institution_a, **hazard_fields())
    with rejected("已登记过描述相同的隐患"):
        services.hazard_record(acting_user=alice, institution=institution_a, **hazard_fields())


def test_a_rectified_date_before_the_found_date_is_rejected(bob, bob_at_a, institution_a):
    hazard = HazardFactory(institution=institution_a, instructor=bob.instructor,
                           found_on=date(2026, 11, 10))
    with rejected("整改完成日期 2026-11-09 不能早于发现日期 2026-11-10"):
        services.hazard_rectify(acting_user=bob, hazard=hazard, rectified_on=date(2026, 11, 9),
                                rectification_note="已清理", evidence=[lesson_photo()])


def test_a_rectified_date_in_the_future_is_rejected(bob, bob_at_a, institution_a):
    hazard = HazardFactory(institution=institution_a, instructor=bob.instructor)
    with rejected("整改完成日期 2026-11-25 晚于今天"):
        services.hazard_rectify(acting_user=bob, hazard=hazard, rectified_on=date(2026, 11, 25))


def test_the_instructor_records_the_rectification_with_evidence(bob, bob_at_a, institution_a):
    hazard = HazardFactory(institution=institution_a, instructor=bob.instructor)
    services.hazard_rectify(acting_user=bob, hazard=hazard, rectified_on=date(2026, 11, 15),
                            rectification_note="已更换灭火器",
                            evidence=[lesson_photo("整改后.jpg")])
    hazard.refresh_from_db()
    assert (hazard.rectified_on, hazard.rectification_note) == (date(2026, 11, 15), "已更换灭火器")
    assert [e.original_name for e in hazard.evidence.all()] == ["整改后.jpg"]
    assert hazard.rectified_on_time


def test_an_instructor_may_not_rectify_another_instructors_hazard(bob, frank, institution_a2):
    hazard = HazardFactory(institution=institution_a2, instructor=frank.instructor)
    with refused("只能修改本人录入的记录"):
        services.hazard_rectify(acting_user=bob, hazard=hazard, rectified_on=TODAY)


def test_staff_close_out_a_rectified_hazard(alice, institution_a):
    hazard = HazardFactory(institution=institution_a, rectified_on=date(2026, 11, 15))
    services.hazard_close_out(acting_user=alice, hazard=hazard, on=TODAY)
    hazard.refresh_from_db()
    assert (hazard.closed_out_on, hazard.closed_out_by) == (TODAY, alice)


def test_a_hazard_not_yet_rectified_cannot_be_closed_out(alice, institution_a):
    hazard = HazardFactory(institution=institution_a)
    with rejected("该隐患尚未登记整改完成，不能销号"):
        services.hazard_close_out(acting_user=alice, hazard=hazard, on=TODAY)


def test_a_closed_out_hazard_can_no_longer_be_changed(alice, bob, bob_at_a, institution_a):
    hazard = HazardFactory(institution=institution_a, instructor=bob.instructor,
                           rectified_on=date(2026, 11, 15), closed_out_on=date(2026, 11, 16))
    with rejected("该隐患已于 2026-11-16 销号"):
        services.hazard_rectify(acting_user=bob, hazard=hazard, rectified_on=TODAY)
    with rejected("该隐患已于 2026-11-16 销号"):
        services.hazard_close_out(acting_user=alice, hazard=hazard, on=TODAY)


@pytest.mark.parametrize("user_fixture", ["bob", "carol"])
def test_instructors_and_reviewers_may_not_close_out(request, user_fixture, bob_at_a,
                                                     institution_a):
    user = request.getfixturevalue(user_fixture)
    hazard = HazardFactory(institution=institution_a, instructor=user.instructor
                           if user_fixture == "bob" else None, rectified_on=date(2026, 11, 15))
    with refused("只有党委工作人员和系统管理员可以为隐患销号"):
        services.hazard_close_out(acting_user=user, hazard=hazard, on=TODAY)


def test_staff_of_another_county_may_not_close_out(eve, institution_a):
    hazard = HazardFactory(institution=institution_a, rectified_on=date(2026, 11, 15))
    with rejected("该隐患不在您管辖的区划内"):
        services.hazard_close_out(acting_user=eve, hazard=hazard, on=TODAY)


# Clues ------------------------------------------------------------------------------------


def test_an_instructor_reports_a_clue_from_their_visit(bob, bob_at_a, institution_a):
    visit = record(bob, institution_a, day=date(2026, 11, 20))
    clue = services.clue_record(acting_user=bob, institution=institution_a, visit=visit,
                                date=date(2026, 11, 20), description="疑似违规开展学科类培训")
    assert (clue.instructor, clue.visit, clue.recorded_by) == (bob.instructor, visit, bob)
    assert clue.reviewed_on is None and not clue.substantiated


@pytest.mark.parametrize(("day", "phrase"), [
    (date(2026, 11, 23), "日期 2026-11-23 晚于今天"),
    (date(2019, 6, 1), "2019-06-01 尚未开办"),
])
def test_a_clue_outside_the_operating_period_or_in_the_future_is_rejected(alice, institution_a,
                                                                         day, phrase):
    with rejected(phrase):
        services.clue_record(acting_user=alice, institution=institution_a, date=day,
                             description="疑似违规收费")


def test_an_instructor_may_not_attach_a_clue_to_another_instructors_visit(bob, frank,
                                                                         frank_at_a2,
                                                                         institution_a2):
    visit = record(frank, institution_a2)
    with refused("只能在本人的走访记录中录入"):
        services.clue_record(acting_user=bob, institution=institution_a2, visit=visit,
                             date=TODAY, description="疑似违规收费")


def test_staff_review_a_clue(alice, bob, institution_a):
    clue = ClueFactory(institution=institution_a, instructor=bob.instructor)
    services.clue_review(acting_user=alice, clue=clue, substantiated=True, enforcement=True,
                         reviewed_on=date(2026, 11, 10))
    clue.refresh_from_db()
    assert (clue.substantiated, clue.enforcement, clue.reviewed_on) == (
        True, True, date(2026, 11, 10))
    assert clue.history.latest().history_user == alice


def test_a_review_before_the_clue_is_rejected(alice, institution_a):
    clue = ClueFactory(institution=institution_a, date=date(2026, 11, 2))
    with rejected("核查日期 2026-11-01 不能早于线索日期 2026-11-02"):
        services.clue_review(acting_user=alice, clue=clue, substantiated=True,
                             enforcement=False, reviewed_on=date(2026, 11, 1))


@pytest.mark.parametrize("user_fixture", ["bob", "carol"])
def test_only_staff_review_clues(request, user_fixture, institution_a):
    clue = ClueFactory(institution=institution_a)
    with refused("只有党委工作人员和系统管理员可以核查线索"):
        services.clue_review(acting_user=request.getfixturevalue(user_fixture), clue=clue,
                             substantiated=True, enforcement=False, reviewed_on=TODAY)


def test_visits_made_with_the_factory_pass_the_same_checks(bob, bob_at_a, institution_a):
    """The factory's defaults describe a visit the services would accept."""
    visit = VisitFactory(instructor=bob.instructor, institution=institution_a)
    services.check_visit(instructor=visit.instructor, institution=visit.institution,
                         date=visit.date, exclude_pk=visit.pk)
