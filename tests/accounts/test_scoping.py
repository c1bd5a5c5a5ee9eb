"""Who sees what: accounts/scoping.py and the scoping.py of organisation and instructors,
on two counties with streets."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from partybuild.accounts import scoping
from partybuild.accounts.models import User
from partybuild.instructors.scoping import instructors_visible_to
from partybuild.organisation.models import Coverage
from partybuild.organisation.scoping import (
    branches_visible_to,
    institutions_visible_to,
    members_visible_to,
)
from partybuild.regions.models import Region
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    CommitteeFactory,
    CoverageFactory,
    InstitutionFactory,
    InstructorFactory,
    MemberFactory,
    MembershipFactory,
    RegionFactory,
    UserFactory,
)

D = date


@pytest.fixture
def scene(city, county_a, county_b, committee_a, committee_b, alice, bob, carol, dave, eve,
          institution_a, institution_b):
    """Records in both counties and their streets; bob serves two 赫山区 institutions."""
    street_a = RegionFactory(code="430903001", name="桃花仑街道", level=Region.Level.STREET,
                             parent=county_a)
    street_b = RegionFactory(code="430902001", name="汽车路街道", level=Region.Level.STREET,
                             parent=county_b)
    academy = InstitutionFactory(name="赫山区博雅学科培训学校", region=street_a)
    robotics = InstitutionFactory(name="赫山区创客机器人培训中心", region=county_a)
    swim = InstitutionFactory(name="资阳区飞鱼游泳培训中心", region=street_b)
    street_committee = CommitteeFactory(name="桃花仑街道民办教育党委", region=street_a)
    branch_a = BranchFactory(name="赫山区第一联合党支部", committee=committee_a)
    branch_street = BranchFactory(name="桃花仑街道联合党支部", committee=street_committee)
    branch_b = BranchFactory(name="资阳区第一联合党支部", committee=committee_b)
    CoverageFactory(branch=branch_a, institution=institution_a)
    CoverageFactory(branch=branch_street, institution=academy)
    CoverageFactory(branch=branch_b, institution=institution_b)
    wang = MemberFactory(name="王芳")
    MembershipFactory(member=wang, branch=branch_a)
    zhao = MemberFactory(name="赵敏")
    MembershipFactory(member=zhao, branch=branch_b)
    # 刘洋 moved from 赫山区 to 资阳区: both counties keep seeing his record.
    liu = MemberFactory(name="刘洋")
    MembershipFactory(member=liu, branch=branch_street, start=D(2021, 1, 1), end=D(2022, 8, 31))
    MembershipFactory(member=liu, branch=branch_b, start=D(2022, 9, 1))
    bob_record = bob.instructor
    AssignmentFactory(instructor=bob_record, institution=institution_a, start=D(2022, 1, 1))
    AssignmentFactory(instructor=bob_record, institution=academy, start=D(2021, 1, 1),
                      end=D(2021, 12, 31))
    hu = InstructorFactory(name="胡敏", region=county_a)
    song = InstructorFactory(name="宋佳", region=county_b)
    # Selected by the city bureau, serving one 资阳区 institution.
    city_pick = InstructorFactory(name="钱程", region=city)
    AssignmentFactory(instructor=city_pick, institution=swim)
    unplaced = InstructorFactory(name="孙悦", region=None)
    AssignmentFactory(instructor=unplaced, institution=robotics)
    return SimpleNamespace(**locals())


def names(queryset) -> set[str]:
    return {str(obj.name) for obj in queryset}


COUNTY_A_INSTITUTIONS = {"赫山区阳光艺术培训学校", "赫山区博雅学科培训学校",
                         "赫山区创客机器人培训中心"}
COUNTY_B_INSTITUTIONS = {"资阳区启明体育培训中心", "资阳区飞鱼游泳培训中心"}


def test_a_users_region_path_is_their_home_regions_path(scene):
    assert scoping.region_path(scene.alice) == "/430900/430903/"
    assert scoping.region_path(scene.dave) == "/430900/"


def test_scope_filters_any_queryset_by_the_region_it_reaches(scene):
    coverage = Coverage.objects.all()

    assert {c.branch.name for c in scoping.scope(coverage, scene.alice,
                                                 "branch__committee__region")} == {
        "赫山区第一联合党支部", "桃花仑街道联合党支部"}
    assert {c.institution.name for c in scoping.scope(coverage, scene.eve,
                                                      "institution__region")} == {
        "资阳区启明体育培训中心"}
    assert scoping.scope(coverage, scene.dave, "branch__committee__region").count() == 3


def test_a_county_user_sees_their_county_and_its_streets_but_not_the_other_county(scene):
    assert names(scoping.regions_visible_to(scene.alice)) == {"赫山区", "桃花仑街道"}
    assert names(institutions_visible_to(scene.alice)) == COUNTY_A_INSTITUTIONS
    assert names(branches_visible_to(scene.alice)) == {"赫山区第一联合党支部",
                                                               "桃花仑街道联合党支部"}
    assert names(members_visible_to(scene.alice)) == {"王芳", "刘洋"}
    assert names(instructors_visible_to(scene.alice)) == {"李波", "胡敏", "孙悦"}


def test_the_other_county_sees_only_its_own_records(scene):
    assert names(scoping.regions_visible_to(scene.eve)) == {"资阳区", "汽车路街道"}
    assert names(institutions_visible_to(scene.eve)) == COUNTY_B_INSTITUTIONS
    assert names(branches_visible_to(scene.eve)) == {"资阳区第一联合党支部"}
    assert names(members_visible_to(scene.eve)) == {"赵敏", "刘洋"}
    assert names(instructors_visible_to(scene.eve)) == {"宋佳", "钱程"}


def test_the_city_administrator_sees_both_counties(scene):
    assert names(scoping.regions_visible_to(scene.dave)) == {
        "益阳市", "赫山区", "资阳区", "桃花仑街道", "汽车路街道"}
    assert names(institutions_visible_to(scene.dave)) == (COUNTY_A_INSTITUTIONS
                                                                  | COUNTY_B_INSTITUTIONS)
    assert branches_visible_to(scene.dave).count() == 3
    assert names(members_visible_to(scene.dave)) == {"王芳", "赵敏", "刘洋"}
    assert names(instructors_visible_to(scene.dave)) == {
        "李波", "胡敏", "宋佳", "钱程", "孙悦"}


def test_a_reviewer_sees_every_institution_of_their_county(scene):
    assert names(institutions_visible_to(scene.carol)) == COUNTY_A_INSTITUTIONS


def test_an_instructor_sees_only_institutions_they_are_or_were_assigned_to(scene):
    assert names(institutions_visible_to(scene.bob)) == {"赫山区阳光艺术培训学校",
                                                                 "赫山区博雅学科培训学校"}
    assert names(instructors_visible_to(scene.bob)) == {"李波"}


def test_an_instructor_without_assignments_sees_no_institution(scene):
    newcomer = UserFactory(username="newcomer", role=User.Role.INSTRUCTOR, region=scene.county_a)
    InstructorFactory(name="新人", user=newcomer, region=scene.county_a)

    assert not institutions_visible_to(newcomer).exists()


def test_an_inactive_user_sees_nothing(scene):
    scene.alice.is_active = False
    scene.alice.save()

    assert_sees_nothing(scene.alice, scene)


def test_a_user_without_a_region_sees_nothing(scene):
    assert_sees_nothing(UserFactory(username="nobody", role=User.Role.ADMIN), scene)


def test_an_anonymous_visitor_sees_nothing(scene):
    assert_sees_nothing(AnonymousUser(), scene)


def test_a_region_saved_without_its_path_does_not_open_everything(scene):
    Region.objects.filter(pk=scene.county_a.pk).update(path="")
    scene.alice.refresh_from_db()

    assert_sees_nothing(scene.alice, scene)


def assert_sees_nothing(user, scene) -> None:
    assert scoping.region_path(user) is None
    assert not scoping.regions_visible_to(user).exists()
    assert not institutions_visible_to(user).exists()
    assert not branches_visible_to(user).exists()
    assert not members_visible_to(user).exists()
    assert not instructors_visible_to(user).exists()
    assert not scoping.scope(Coverage.objects.all(), user, "institution__region").exists()
    assert not scoping.user_may_see_region(user, scene.county_a)


def test_a_superuser_without_a_region_sees_everything(scene):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)

    assert scoping.region_path(root) == "/"
    assert scoping.regions_visible_to(root).count() == 5
    assert institutions_visible_to(root).count() == 5
    assert branches_visible_to(root).count() == 3
    assert members_visible_to(root).count() == 3
    assert instructors_visible_to(root).count() == 5
    assert scoping.user_may_see_region(root, scene.street_b)


def test_a_superuser_with_a_region_is_held_to_it(scene):
    local_root = UserFactory(username="local-root", is_superuser=True, region=scene.county_b)

    assert names(institutions_visible_to(local_root)) == COUNTY_B_INSTITUTIONS


@pytest.mark.parametrize(("user", "region", "visible"), [
    ("alice", "county_a", True),
    ("alice", "street_a", True),
    ("alice", "county_b", False),
    ("alice", "street_b", False),
    ("alice", "city", False),
    ("eve", "street_b", True),
    ("eve", "street_a", False),
    ("dave", "city", True),
    ("dave", "street_a", True),
    ("dave", "street_b", True),
])
def test_user_may_see_region_follows_the_region_tree(scene, user, region, visible):
    assert scoping.user_may_see_region(getattr(scene, user), getattr(scene, region)) is visible


def test_a_county_code_sharing_a_prefix_does_not_leak_into_another_county(scene):
    # "/430900/4309031/" starts with "430903" but is not below "/430900/430903/".
    lookalike = RegionFactory(code="4309031", name="相似代码区", parent=scene.city)
    InstitutionFactory(name="相似代码区培训学校", region=lookalike)

    assert "相似代码区培训学校" not in names(institutions_visible_to(scene.alice))
    assert not scoping.user_may_see_region(scene.alice, lookalike)
