"""Instructor services: records, assignments (派驻) and rotation (轮换)."""

from datetime import date
from types import SimpleNamespace

import pytest

from partybuild.instructors import services
from partybuild.instructors.models import Assignment, Instructor
from tests.factories import AssignmentFactory, InstitutionFactory, InstructorFactory
from tests.organisation.db_state import refused, rejected

D = date


@pytest.fixture
def scene(county_a, county_b, alice, bob, carol, dave, eve, institution_a, institution_b):
    """Two 赫山区 instructors: 胡敏 serves the arts school since 2022; the academy has nobody."""
    hu = InstructorFactory(number="ZDY430903001", name="胡敏", region=county_a,
                           source_org="赫山区教育局", title="股长")
    tang = InstructorFactory(number="ZDY430903002", name="唐磊", region=county_a,
                             source_org="益阳市第一中学")
    academy = InstitutionFactory(name="赫山区博雅学科培训学校", region=county_a)
    current = AssignmentFactory(instructor=hu, institution=institution_a, start=D(2022, 1, 1))
    AssignmentFactory(instructor=InstructorFactory(name="资阳指导员", region=county_b),
                      institution=institution_b, start=D(2022, 1, 1))
    return SimpleNamespace(county_a=county_a, county_b=county_b, alice=alice, bob=bob,
                           carol=carol, dave=dave, eve=eve, sunshine=institution_a,
                           academy=academy, hu=hu, tang=tang, current=current)


def last_changed_by(obj):
    return obj.history.first().history_user


def assignments_of(institution) -> list[tuple]:
    return [(a.instructor.name, a.start, a.end)
            for a in Assignment.objects.filter(institution=institution).order_by("start")]


def test_staff_register_an_instructor_selected_from_a_school(scene):
    instructor = services.instructor_create(
        acting_user=scene.alice, number="ZDY430903010", name="彭静",
        source_type=Instructor.SourceType.PUBLIC_SCHOOL, source_org="赫山区实验小学",
        title="党支部书记", phone="13907370010", region=scene.county_a,
    )

    stored = Instructor.objects.get(number="ZDY430903010")
    assert (stored.name, stored.source_org, stored.region) == ("彭静", "赫山区实验小学",
                                                              scene.county_a)
    assert last_changed_by(instructor) == scene.alice


def test_an_instructor_number_is_registered_once(scene):
    with rejected("指导员编号"):
        services.instructor_create(acting_user=scene.alice, number="ZDY430903001", name="胡敏",
                                   source_type=Instructor.SourceType.EDUCATION_BUREAU,
                                   source_org="赫山区教育局", region=scene.county_a)


def test_editing_an_instructor_keeps_their_assignments(scene):
    services.instructor_update(acting_user=scene.alice, instructor=scene.hu,
                               phone="13807370001", title="副科长")

    scene.hu.refresh_from_db()
    assert (scene.hu.phone, scene.hu.title) == ("13807370001", "副科长")
    assert scene.hu.assignments.count() == 1
    assert last_changed_by(scene.hu) == scene.alice


def test_staff_of_another_county_cannot_take_an_instructor_into_their_county(scene):
    with rejected("该指导员不在您管辖的区划内"):
        services.instructor_update(acting_user=scene.eve, instructor=scene.hu,
                                   region=scene.county_b)


def test_assigning_an_instructor_to_an_unserved_institution(scene):
    assignment = services.assignment_create(acting_user=scene.alice, instructor=scene.tang,
                                            institution=scene.academy, start=D(2023, 3, 1))

    assert assignments_of(scene.academy) == [("唐磊", D(2023, 3, 1), None)]
    assert last_changed_by(assignment) == scene.alice


def test_one_instructor_serves_several_institutions_at_once(scene):
    services.assignment_create(acting_user=scene.alice, instructor=scene.hu,
                               institution=scene.academy, start=D(2023, 3, 1))

    assert scene.hu.assignments.holding_on(D(2023, 3, 1)).count() == 2


def test_an_institution_has_one_instructor_at_a_time(scene):
    with rejected("已由指导员胡敏负责。请使用“更换指导员”"):
        services.assignment_create(acting_user=scene.alice, instructor=scene.tang,
                                   institution=scene.sunshine, start=D(2023, 3, 1))


def test_a_new_assignment_may_start_the_day_after_the_previous_one_ended(scene):
    services.assignment_end(acting_user=scene.alice, assignment=scene.current,
                            on=D(2023, 3, 31))

    with rejected("已由指导员胡敏负责"):
        services.assignment_create(acting_user=scene.alice, instructor=scene.tang,
                                   institution=scene.sunshine, start=D(2023, 3, 31))
    services.assignment_create(acting_user=scene.alice, instructor=scene.tang,
                               institution=scene.sunshine, start=D(2023, 4, 1))

    assert assignments_of(scene.sunshine) == [("胡敏", D(2022, 1, 1), D(2023, 3, 31)),
                                              ("唐磊", D(2023, 4, 1), None)]


def test_an_assignment_cannot_end_before_it_starts(scene):
    with rejected("结束日期 2023-02-28 不能早于开始日期 2023-03-01"):
        services.assignment_create(acting_user=scene.alice, instructor=scene.tang,
                                   institution=scene.academy, start=D(2023, 3, 1),
                                   end=D(2023, 2, 28))


def test_no_instructor_is_assigned_to_an_institution_after_it_closed(scene):
    scene.academy.closed_on = D(2023, 6, 30)
    scene.academy.save()

    with rejected("已于 2023-06-30 停办"):
        services.assignment_create(acting_user=scene.alice, instructor=scene.tang,
                                   institution=scene.academy, start=D(2023, 7, 1))


def test_ending_an_assignment_sets_the_instructors_last_day(scene):
    services.assignment_end(acting_user=scene.alice, assignment=scene.current,
                            on=D(2023, 12, 31))

    scene.current.refresh_from_db()
    assert scene.current.end == D(2023, 12, 31)
    assert last_changed_by(scene.current) == scene.alice


def test_an_assignment_cannot_end_before_it_started_nor_after_it_already_ended(scene):
    with rejected("结束日期 2021-12-31 不能早于开始日期 2022-01-01"):
        services.assignment_end(acting_user=scene.alice, assignment=scene.current,
                                on=D(2021, 12, 31))
    services.assignment_end(acting_user=scene.alice, assignment=scene.current,
                            on=D(2023, 3, 31))
    with rejected("该派驻已于 2023-03-31 结束"):
        services.assignment_end(acting_user=scene.alice, assignment=scene.current,
                                on=D(2023, 6, 30))


def test_reassigning_ends_the_old_assignment_the_day_before_and_starts_the_new(scene):
    new = services.assignment_reassign(acting_user=scene.alice, institution=scene.sunshine,
                                       instructor=scene.tang, on=D(2023, 9, 1))

    assert assignments_of(scene.sunshine) == [("胡敏", D(2022, 1, 1), D(2023, 8, 31)),
                                              ("唐磊", D(2023, 9, 1), None)]
    assert last_changed_by(new) == scene.alice
    assert last_changed_by(Assignment.objects.get(instructor=scene.hu)) == scene.alice


def test_reassigning_an_unserved_institution_simply_assigns_it(scene):
    services.assignment_reassign(acting_user=scene.alice, institution=scene.academy,
                                 instructor=scene.tang, on=D(2023, 9, 1))

    assert assignments_of(scene.academy) == [("唐磊", D(2023, 9, 1), None)]


def test_an_institution_is_not_reassigned_to_its_own_instructor_nor_on_the_first_day(scene):
    with rejected("胡敏在 2023-09-01 已负责该机构"):
        services.assignment_reassign(acting_user=scene.alice, institution=scene.sunshine,
                                     instructor=scene.hu, on=D(2023, 9, 1))
    with rejected("更换日期须晚于当前派驻的开始日期 2022-01-01"):
        services.assignment_reassign(acting_user=scene.alice, institution=scene.sunshine,
                                     instructor=scene.tang, on=D(2022, 1, 1))


COUNTY_A_WRITES = {
    "instructor_create": lambda s, user: services.instructor_create(
        acting_user=user, number="ZDY430903099", name="彭静",
        source_type=Instructor.SourceType.PUBLIC_SCHOOL, source_org="赫山区实验小学",
        region=s.county_a),
    "instructor_update": lambda s, user: services.instructor_update(
        acting_user=user, instructor=s.hu, phone="13800000000"),
    "assignment_create": lambda s, user: services.assignment_create(
        acting_user=user, instructor=s.tang, institution=s.academy, start=D(2023, 3, 1)),
    "assignment_end": lambda s, user: services.assignment_end(
        acting_user=user, assignment=s.current, on=D(2023, 3, 31)),
    "assignment_reassign": lambda s, user: services.assignment_reassign(
        acting_user=user, institution=s.sunshine, instructor=s.tang, on=D(2023, 9, 1)),
}


@pytest.mark.parametrize("write", COUNTY_A_WRITES.values(), ids=COUNTY_A_WRITES.keys())
def test_staff_of_another_county_cannot_change_county_a_instructors(scene, write):
    with rejected("不在您管辖的区划内"):
        write(scene, scene.eve)


@pytest.mark.parametrize("role", ["carol", "bob"])
@pytest.mark.parametrize("write", COUNTY_A_WRITES.values(), ids=COUNTY_A_WRITES.keys())
def test_reviewers_and_instructors_cannot_assign_instructors(scene, write, role):
    with refused():
        write(scene, getattr(scene, role))


def test_the_city_administrator_rotates_instructors_in_every_county(scene):
    services.assignment_reassign(acting_user=scene.dave, institution=scene.sunshine,
                                 instructor=scene.tang, on=D(2023, 9, 1))

    assert assignments_of(scene.sunshine)[-1] == ("唐磊", D(2023, 9, 1), None)
