"""The organisation services: every write, every rule they keep, and who may call them."""

from datetime import date
from types import SimpleNamespace

import pytest

from partybuild.accounts.models import User
from partybuild.core.credit_code import CODE_CHARSET, make_credit_code
from partybuild.organisation import services
from partybuild.organisation.models import (
    Branch,
    Committee,
    Coverage,
    Institution,
    Member,
    Membership,
    Pairing,
    SchoolBranch,
)
from partybuild.regions.models import Region
from tests.factories import (
    BranchFactory,
    CommitteeFactory,
    CoverageFactory,
    InstitutionFactory,
    MemberFactory,
    MembershipFactory,
    PairingFactory,
    RegionFactory,
    SchoolBranchFactory,
    UserFactory,
)

from .db_state import refused, rejected

D = date


def last_changed_by(obj) -> User:
    return obj.history.first().history_user


def periods(queryset) -> list[tuple]:
    """(holder, start, end) of each period, oldest first, for readable assertions."""
    return sorted(((str(p), p.start, p.end) for p in queryset), key=lambda row: (row[1], row[0]))


@pytest.fixture
def scene(city, county_a, county_b, committee_a, committee_b, alice, bob, carol, dave, eve,
          institution_a, institution_b):
    """赫山区 with a joint branch over two institutions, a standalone branch, members, a pairing.

    eve's 资阳区 has its own committee, an institution and a joint branch.
    """
    street_a = RegionFactory(code="430903001", name="桃花仑街道", level=Region.Level.STREET,
                             parent=county_a)
    academy = InstitutionFactory(name="赫山区博雅学科培训学校", region=county_a,
                                 category=Institution.Category.ACADEMIC)
    dance = InstitutionFactory(name="赫山区舞之韵舞蹈培训中心", region=street_a)
    robotics = InstitutionFactory(name="赫山区创客机器人培训中心", region=county_a,
                                  category=Institution.Category.SCIENCE)
    joint = BranchFactory(name="赫山区第一联合党支部", committee=committee_a,
                          founded_on=D(2021, 3, 1))
    CoverageFactory(branch=joint, institution=academy, start=D(2021, 3, 1))
    CoverageFactory(branch=joint, institution=dance, start=D(2021, 3, 1))
    standalone = BranchFactory(name="赫山区阳光艺术培训学校党支部", committee=committee_a,
                               kind=Branch.Kind.STANDALONE, founded_on=D(2021, 6, 1))
    CoverageFactory(branch=standalone, institution=institution_a, start=D(2021, 6, 1))
    wang = MemberFactory(number="DY4309030001", name="王芳")
    liu = MemberFactory(number="DY4309030002", name="刘洋", gender=Member.Gender.MALE)
    chen = MemberFactory(number="DY4309030003", name="陈晨", status=Member.Status.PROBATIONARY)
    MembershipFactory(member=wang, branch=joint, employer=academy, start=D(2021, 3, 1),
                      is_secretary=True)
    MembershipFactory(member=liu, branch=joint, employer=dance, start=D(2021, 3, 1))
    MembershipFactory(member=chen, branch=standalone, employer=institution_a,
                      start=D(2021, 6, 1))
    school = SchoolBranchFactory(name="第一党支部", school="益阳市第一中学", region=city)
    pairing = PairingFactory(branch=joint, school_branch=school, start=D(2022, 3, 1))
    joint_b = BranchFactory(name="资阳区第一联合党支部", committee=committee_b,
                            founded_on=D(2021, 1, 1))
    CoverageFactory(branch=joint_b, institution=institution_b, start=D(2021, 1, 1))
    zhao = MemberFactory(number="DY4309020001", name="赵敏")
    MembershipFactory(member=zhao, branch=joint_b, employer=institution_b, start=D(2021, 1, 1))
    return SimpleNamespace(
        city=city, county_a=county_a, county_b=county_b, street_a=street_a,
        committee_a=committee_a, committee_b=committee_b,
        alice=alice, bob=bob, carol=carol, dave=dave, eve=eve,
        sunshine=institution_a, academy=academy, dance=dance, robotics=robotics,
        institution_b=institution_b, joint=joint, standalone=standalone, joint_b=joint_b,
        wang=wang, liu=liu, chen=chen, zhao=zhao, school=school, pairing=pairing,
    )


# Regions ---------------------------------------------------------------------------------


def test_a_new_street_gets_the_path_of_its_county_and_city(scene):
    street = services.region_create(acting_user=scene.dave, code="430903002", name="会龙山街道",
                                    parent=scene.county_a, level=Region.Level.STREET)

    street.refresh_from_db()
    assert street.path == "/430900/430903/430903002/"
    assert street.is_within(scene.county_a) and street.is_within(scene.city)
    assert not street.is_within(scene.county_b)
    assert last_changed_by(street) == scene.dave


def test_a_superuser_without_region_may_create_a_province(scene):
    root = UserFactory(username="root", is_superuser=True, is_staff=True, role=User.Role.ADMIN)

    province = services.region_create(acting_user=root, code="430000", name="湖南省",
                                      parent=None, level=Region.Level.PROVINCE)

    assert province.path == "/430000/"


def test_a_city_administrator_cannot_create_a_top_level_region(scene):
    with rejected("顶级区划"):
        services.region_create(acting_user=scene.dave, code="430000", name="湖南省",
                               parent=None, level=Region.Level.PROVINCE)


def test_staff_cannot_create_a_region_under_another_county(scene):
    with rejected("上级区划不在您管辖的区划内"):
        services.region_create(acting_user=scene.eve, code="430903009", name="龙光桥街道",
                               parent=scene.county_a, level=Region.Level.STREET)


def test_a_region_code_already_in_use_is_rejected(scene):
    with rejected("区划代码"):
        services.region_create(acting_user=scene.dave, code="430903001", name="重复街道",
                               parent=scene.county_a, level=Region.Level.STREET)


def test_moving_a_street_to_another_county_rebuilds_its_path(scene):
    services.region_update(acting_user=scene.dave, region=scene.street_a, code="430903001",
                           name="桃花仑街道", parent=scene.county_b, level=Region.Level.STREET)

    scene.street_a.refresh_from_db()
    assert scene.street_a.path == "/430900/430902/430903001/"
    assert scene.street_a.parent == scene.county_b
    assert last_changed_by(scene.street_a) == scene.dave


def test_a_new_county_code_rebuilds_the_paths_of_every_region_below_it(scene):
    services.region_update(acting_user=scene.dave, region=scene.county_a, code="430904",
                           name="赫山区", parent=scene.city, level=Region.Level.DISTRICT)

    scene.street_a.refresh_from_db()
    assert scene.street_a.path == "/430900/430904/430903001/"
    assert scene.street_a.history.first().history_user == scene.dave
    # alice's home region moved with it: she still sees the street and its institutions.
    scene.alice.region.refresh_from_db()
    assert scene.street_a.is_within(scene.alice.region)


def test_a_region_cannot_be_moved_below_itself(scene):
    with rejected("不能把“益阳市”移到它自己或它的下级区划之下"):
        services.region_update(acting_user=scene.dave, region=scene.city, code="430900",
                               name="益阳市", parent=scene.street_a, level=Region.Level.CITY)


def test_a_region_is_only_renamed_by_someone_who_administers_it(scene):
    with rejected("该区划不在您管辖的区划内"):
        services.region_update(acting_user=scene.eve, region=scene.street_a, code="430903001",
                               name="改名街道", parent=scene.county_a, level=Region.Level.STREET)


# Committees and institutions --------------------------------------------------------------


def test_staff_create_a_committee_in_their_county(scene):
    work = CommitteeFactory(name="益阳市教育工委", level=Committee.Level.WORK_COMMITTEE,
                            region=scene.city)

    committee = services.committee_create(
        acting_user=scene.alice, name="赫山区民办教育第二党委",
        level=Committee.Level.PRIVATE_EDUCATION, region=scene.street_a, parent=work,
    )

    assert Committee.objects.get(name="赫山区民办教育第二党委").region == scene.street_a
    assert committee.parent == work
    assert last_changed_by(committee) == scene.alice


def test_a_committee_name_is_unique(scene):
    with rejected("名称"):
        services.committee_create(acting_user=scene.alice, name="赫山区民办教育党委",
                                  level=Committee.Level.PRIVATE_EDUCATION, region=scene.county_a)


def test_staff_cannot_create_a_committee_in_another_county(scene):
    with rejected("所属区划不在您管辖的区划内"):
        services.committee_create(acting_user=scene.eve, name="赫山区新党委",
                                  level=Committee.Level.PRIVATE_EDUCATION, region=scene.county_a)


def institution_fields(region, **overrides) -> dict:
    fields = {
        "name": "赫山区星辰书法培训学校", "credit_code": make_credit_code(4242, "430903"),
        "permit_no": "教民143090370042", "category": Institution.Category.ARTS,
        "licence": Institution.Licence.LICENSED_PERMITTED, "region": region,
        "address": "益阳市赫山区迎宾东路88号", "founder": "周星", "opened_on": D(2023, 2, 15),
        "charter_includes_party_building": True, "staff_count": 9,
    }
    return fields | overrides


def test_staff_register_an_institution_in_their_county(scene):
    institution = services.institution_create(acting_user=scene.alice,
                                              **institution_fields(scene.street_a))

    stored = Institution.objects.get(credit_code=make_credit_code(4242, "430903"))
    assert stored.name == "赫山区星辰书法培训学校" and stored.region == scene.street_a
    assert stored.status_on(D(2023, 3, 1)) == Institution.Status.OPERATING
    assert last_changed_by(institution) == scene.alice


def test_an_institution_with_a_wrong_check_character_is_not_registered(scene):
    valid = make_credit_code(4242, "430903")
    wrong = valid[:17] + next(c for c in CODE_CHARSET if c != valid[17])

    with rejected(f"第18位应为 {valid[17]}"):
        services.institution_create(acting_user=scene.alice,
                                    **institution_fields(scene.county_a, credit_code=wrong))


def test_an_institution_whose_credit_code_is_taken_is_not_registered(scene):
    with rejected("统一社会信用代码"):
        services.institution_create(
            acting_user=scene.alice,
            **institution_fields(scene.county_a, credit_code=scene.academy.credit_code),
        )


def test_closing_an_institution_records_its_closing_day(scene):
    services.institution_update(acting_user=scene.alice, institution=scene.robotics,
                                closed_on=D(2023, 8, 31), staff_count=0)

    scene.robotics.refresh_from_db()
    assert scene.robotics.closed_on == D(2023, 8, 31) and scene.robotics.staff_count == 0
    assert scene.robotics.status_on(D(2023, 9, 1)) == Institution.Status.CLOSED
    assert last_changed_by(scene.robotics) == scene.alice


def test_an_institution_cannot_close_before_it_opened(scene):
    with rejected("停办日期不能早于开办日期"):
        services.institution_update(acting_user=scene.alice, institution=scene.robotics,
                                    closed_on=D(2019, 12, 31))


def test_staff_of_another_county_cannot_take_an_institution_into_their_county(scene):
    with rejected("该机构不在您管辖的区划内"):
        services.institution_update(acting_user=scene.eve, institution=scene.academy,
                                    region=scene.county_b)


# Branches ------------------------------------------------------------------------------------


def test_staff_found_a_branch_under_their_committee(scene):
    branch = services.branch_create(acting_user=scene.alice, name="赫山区第二联合党支部",
                                    kind=Branch.Kind.JOINT, committee=scene.committee_a,
                                    founded_on=D(2023, 7, 1))

    stored = Branch.objects.get(name="赫山区第二联合党支部")
    assert stored.founded_on == D(2023, 7, 1) and stored.dissolved_on is None
    assert stored.is_active_on(D(2023, 7, 1)) and not stored.is_active_on(D(2023, 6, 30))
    assert last_changed_by(branch) == scene.alice


def test_a_branch_name_is_unique(scene):
    with rejected("支部名称"):
        services.branch_create(acting_user=scene.alice, name="赫山区第一联合党支部",
                               kind=Branch.Kind.JOINT, committee=scene.committee_a,
                               founded_on=D(2023, 7, 1))


def test_renaming_a_branch_keeps_its_coverage(scene):
    services.branch_update(acting_user=scene.alice, branch=scene.joint, name="赫山区博雅联合党支部",
                           kind=Branch.Kind.JOINT, committee=scene.committee_a)

    scene.joint.refresh_from_db()
    assert scene.joint.name == "赫山区博雅联合党支部"
    assert scene.joint.coverages.count() == 2
    assert scene.joint.history.count() == 2
    assert last_changed_by(scene.joint) == scene.alice


def test_a_joint_branch_covering_two_institutions_cannot_become_standalone(scene):
    with rejected("同一天只能覆盖一家机构"):
        services.branch_update(acting_user=scene.alice, branch=scene.joint,
                               name="赫山区第一联合党支部", kind=Branch.Kind.STANDALONE,
                               committee=scene.committee_a)


def test_a_branch_that_covered_institutions_one_after_another_can_become_standalone(scene):
    branch = BranchFactory(name="赫山区创客联合党支部", committee=scene.committee_a,
                           founded_on=D(2021, 1, 1))
    CoverageFactory(branch=branch, institution=scene.robotics, start=D(2021, 1, 1),
                    end=D(2022, 12, 31))
    services.coverage_add(acting_user=scene.alice, branch=branch,
                          institution=InstitutionFactory(name="赫山区启航编程培训学校",
                                                         region=scene.county_a),
                          start=D(2023, 1, 1))

    services.branch_update(acting_user=scene.alice, branch=branch, name="赫山区创客党支部",
                           kind=Branch.Kind.STANDALONE, committee=scene.committee_a)

    branch.refresh_from_db()
    assert (branch.name, branch.kind) == ("赫山区创客党支部", Branch.Kind.STANDALONE)


def test_staff_of_another_county_cannot_move_a_branch_into_their_committee(scene):
    with rejected("该支部不在您管辖的区划内"):
        services.branch_update(acting_user=scene.eve, branch=scene.joint,
                               name="赫山区第一联合党支部", kind=Branch.Kind.JOINT,
                               committee=scene.committee_b)


# Coverage --------------------------------------------------------------------------------


def test_a_joint_branch_takes_on_another_institution(scene):
    coverage = services.coverage_add(acting_user=scene.alice, branch=scene.joint,
                                     institution=scene.robotics, start=D(2023, 4, 1))

    assert set(Coverage.objects.filter(branch=scene.joint).holding_on(D(2023, 4, 1))
               .values_list("institution__name", flat=True)) == {
        "赫山区博雅学科培训学校", "赫山区舞之韵舞蹈培训中心", "赫山区创客机器人培训中心"}
    assert not Coverage.objects.filter(institution=scene.robotics).holding_on(D(2023, 3, 31))
    assert last_changed_by(coverage) == scene.alice


def test_a_standalone_branch_cannot_cover_a_second_institution(scene):
    with rejected("单独党支部“赫山区阳光艺术培训学校党支部”同一天只能覆盖一家机构"):
        services.coverage_add(acting_user=scene.alice, branch=scene.standalone,
                              institution=scene.robotics, start=D(2023, 4, 1))


def test_a_standalone_branch_may_cover_a_new_institution_from_the_day_after_the_old_one(scene):
    old = scene.standalone.coverages.get()
    services.coverage_end(acting_user=scene.alice, coverage=old, on=D(2023, 3, 31))

    with rejected("同一天只能覆盖一家机构"):
        services.coverage_add(acting_user=scene.alice, branch=scene.standalone,
                              institution=scene.robotics, start=D(2023, 3, 31))
    services.coverage_add(acting_user=scene.alice, branch=scene.standalone,
                          institution=scene.robotics, start=D(2023, 4, 1))

    assert periods(scene.standalone.coverages.all()) == [
        ("赫山区阳光艺术培训学校党支部 → 赫山区阳光艺术培训学校", D(2021, 6, 1), D(2023, 3, 31)),
        ("赫山区阳光艺术培训学校党支部 → 赫山区创客机器人培训中心", D(2023, 4, 1), None),
    ]


def test_an_institution_covered_by_one_branch_cannot_be_covered_by_another(scene):
    with rejected("已由“赫山区第一联合党支部”覆盖，同一天只能由一个支部覆盖"):
        services.coverage_add(acting_user=scene.alice, branch=scene.standalone,
                              institution=scene.academy, start=D(2023, 1, 1))


def test_periods_are_inclusive_so_a_coverage_ending_on_a_day_blocks_another_starting_that_day(
    scene,
):
    branch = BranchFactory(name="赫山区第二联合党支部", committee=scene.committee_a,
                           founded_on=D(2023, 1, 1))
    services.coverage_end(acting_user=scene.alice,
                          coverage=scene.joint.coverages.get(institution=scene.academy),
                          on=D(2023, 3, 31))

    with rejected("同一天只能由一个支部覆盖"):
        services.coverage_add(acting_user=scene.alice, branch=branch, institution=scene.academy,
                              start=D(2023, 3, 31))
    services.coverage_add(acting_user=scene.alice, branch=branch, institution=scene.academy,
                          start=D(2023, 4, 1))

    assert [c.branch.name for c in Coverage.objects.filter(institution=scene.academy)
            .holding_on(D(2023, 3, 31))] == ["赫山区第一联合党支部"]
    assert [c.branch.name for c in Coverage.objects.filter(institution=scene.academy)
            .holding_on(D(2023, 4, 1))] == ["赫山区第二联合党支部"]


def test_a_coverage_before_an_existing_one_must_end_the_day_before_it_starts(scene):
    older = BranchFactory(name="赫山区老联合党支部", committee=scene.committee_a,
                          founded_on=D(2019, 1, 1))

    with rejected("同一天只能由一个支部覆盖"):
        services.coverage_add(acting_user=scene.alice, branch=older, institution=scene.academy,
                              start=D(2020, 1, 1), end=D(2021, 3, 1))
    services.coverage_add(acting_user=scene.alice, branch=older, institution=scene.academy,
                          start=D(2020, 1, 1), end=D(2021, 2, 28))

    assert Coverage.objects.filter(institution=scene.academy).count() == 2


def test_a_coverage_cannot_end_before_it_starts(scene):
    with rejected("结束日期 2023-03-31 不能早于开始日期 2023-04-01"):
        services.coverage_add(acting_user=scene.alice, branch=scene.joint,
                              institution=scene.robotics, start=D(2023, 4, 1),
                              end=D(2023, 3, 31))


def test_a_coverage_cannot_start_before_the_branch_was_founded(scene):
    with rejected("早于支部“赫山区第一联合党支部”的成立日期 2021-03-01"):
        services.coverage_add(acting_user=scene.alice, branch=scene.joint,
                              institution=scene.robotics, start=D(2021, 2, 28))


def test_a_dissolved_branch_cannot_take_on_an_institution(scene):
    services.branch_dissolve(acting_user=scene.alice, branch=scene.joint, on=D(2023, 6, 30))

    with rejected("已于 2023-06-30 撤销"):
        services.coverage_add(acting_user=scene.alice, branch=scene.joint,
                              institution=scene.robotics, start=D(2023, 5, 1))


def test_ending_a_coverage_sets_its_last_day(scene):
    coverage = scene.joint.coverages.get(institution=scene.dance)

    services.coverage_end(acting_user=scene.alice, coverage=coverage, on=D(2023, 5, 31))

    coverage.refresh_from_db()
    assert coverage.end == D(2023, 5, 31)
    assert coverage.holds_on(D(2023, 5, 31)) and not coverage.holds_on(D(2023, 6, 1))
    assert last_changed_by(coverage) == scene.alice


def test_a_coverage_cannot_end_before_it_started_nor_after_it_already_ended(scene):
    coverage = scene.joint.coverages.get(institution=scene.dance)
    with rejected("不能早于开始日期 2021-03-01"):
        services.coverage_end(acting_user=scene.alice, coverage=coverage, on=D(2021, 2, 1))
    services.coverage_end(acting_user=scene.alice, coverage=coverage, on=D(2023, 5, 31))
    with rejected("该覆盖已于 2023-05-31 结束"):
        services.coverage_end(acting_user=scene.alice, coverage=coverage, on=D(2023, 6, 30))


# Dissolving and merging ---------------------------------------------------------------------


def test_dissolving_a_branch_ends_its_coverage_memberships_and_pairings_that_day(scene):
    earlier = scene.joint.coverages.get(institution=scene.dance)
    services.coverage_end(acting_user=scene.alice, coverage=earlier, on=D(2022, 12, 31))

    services.branch_dissolve(acting_user=scene.alice, branch=scene.joint, on=D(2023, 6, 30))

    scene.joint.refresh_from_db()
    assert scene.joint.dissolved_on == D(2023, 6, 30)
    assert last_changed_by(scene.joint) == scene.alice
    assert periods(scene.joint.coverages.all()) == [
        ("赫山区第一联合党支部 → 赫山区博雅学科培训学校", D(2021, 3, 1), D(2023, 6, 30)),
        ("赫山区第一联合党支部 → 赫山区舞之韵舞蹈培训中心", D(2021, 3, 1), D(2022, 12, 31)),
    ]
    assert sorted(scene.joint.memberships.values_list("member__name", "end")) == [
        ("刘洋", D(2023, 6, 30)), ("王芳", D(2023, 6, 30))]
    scene.pairing.refresh_from_db()
    assert scene.pairing.end == D(2023, 6, 30)
    assert last_changed_by(scene.pairing) == scene.alice
    assert not Coverage.objects.filter(branch=scene.joint).holding_on(D(2023, 7, 1)).exists()


def test_a_branch_with_a_period_starting_after_the_dissolution_is_not_dissolved(scene):
    services.coverage_add(acting_user=scene.alice, branch=scene.joint,
                          institution=scene.robotics, start=D(2023, 9, 1))

    with rejected("有 2023-06-30 之后才开始的覆盖"):
        services.branch_dissolve(acting_user=scene.alice, branch=scene.joint, on=D(2023, 6, 30))


def test_a_branch_is_dissolved_once_and_not_before_it_was_founded(scene):
    with rejected("撤销日期 2021-02-28 不能早于成立日期 2021-03-01"):
        services.branch_dissolve(acting_user=scene.alice, branch=scene.joint, on=D(2021, 2, 28))
    services.branch_dissolve(acting_user=scene.alice, branch=scene.joint, on=D(2023, 6, 30))
    with rejected("已于 2023-06-30 撤销"):
        services.branch_dissolve(acting_user=scene.alice, branch=scene.joint, on=D(2023, 8, 31))


@pytest.fixture
def second_joint(scene):
    """A second joint branch with two institutions (one until year end), a member, a pairing."""
    branch = BranchFactory(name="赫山区第二联合党支部", committee=scene.committee_a,
                           founded_on=D(2022, 1, 1))
    art = InstitutionFactory(name="赫山区墨香美术培训学校", region=scene.county_a)
    CoverageFactory(branch=branch, institution=scene.robotics, start=D(2022, 1, 1))
    CoverageFactory(branch=branch, institution=art, start=D(2022, 1, 1), end=D(2023, 12, 31))
    zhou = MemberFactory(number="DY4309030010", name="周杰")
    MembershipFactory(member=zhou, branch=branch, employer=art, start=D(2022, 1, 1),
                      is_secretary=True)
    school = SchoolBranchFactory(name="第二党支部", school="益阳市第六中学", region=scene.city)
    PairingFactory(branch=branch, school_branch=school, start=D(2022, 9, 1))
    return SimpleNamespace(branch=branch, art=art, zhou=zhou, school=school)


def test_merging_moves_coverage_members_and_pairings_from_the_merge_day(scene, second_joint):
    source = second_joint.branch

    services.branch_merge(acting_user=scene.alice, source=source, target=scene.joint,
                          on=D(2023, 7, 1))

    source.refresh_from_db()
    assert source.dissolved_on == D(2023, 6, 30)
    assert periods(Coverage.objects.filter(institution__in=[scene.robotics, second_joint.art])) == [
        ("赫山区第二联合党支部 → 赫山区创客机器人培训中心", D(2022, 1, 1), D(2023, 6, 30)),
        ("赫山区第二联合党支部 → 赫山区墨香美术培训学校", D(2022, 1, 1), D(2023, 6, 30)),
        ("赫山区第一联合党支部 → 赫山区创客机器人培训中心", D(2023, 7, 1), None),
        ("赫山区第一联合党支部 → 赫山区墨香美术培训学校", D(2023, 7, 1), D(2023, 12, 31)),
    ]
    moved = second_joint.zhou.memberships.order_by("start")
    assert [(m.branch.name, m.start, m.end, m.employer, m.is_secretary) for m in moved] == [
        ("赫山区第二联合党支部", D(2022, 1, 1), D(2023, 6, 30), second_joint.art, True),
        ("赫山区第一联合党支部", D(2023, 7, 1), None, second_joint.art, False),
    ]
    assert periods(Pairing.objects.filter(school_branch=second_joint.school)) == [
        ("赫山区第二联合党支部 ↔ 益阳市第六中学 第二党支部", D(2022, 9, 1), D(2023, 6, 30)),
        ("赫山区第一联合党支部 ↔ 益阳市第六中学 第二党支部", D(2023, 7, 1), None),
    ]
    # The target's own secretary is still its only secretary.
    assert list(Membership.objects.filter(branch=scene.joint, is_secretary=True)
                .holding_on(D(2023, 7, 1)).values_list("member__name", flat=True)) == ["王芳"]
    assert all(last_changed_by(c) == scene.alice
               for c in Coverage.objects.filter(branch=scene.joint, start=D(2023, 7, 1)))


def test_a_standalone_branch_cannot_absorb_a_branch_with_several_institutions(scene,
                                                                            second_joint):
    lone = BranchFactory(name="赫山区新单独党支部", kind=Branch.Kind.STANDALONE,
                         committee=scene.committee_a, founded_on=D(2023, 1, 1))

    with rejected("不能接收多家机构"):
        services.branch_merge(acting_user=scene.alice, source=second_joint.branch,
                              target=lone, on=D(2023, 7, 1))


def test_a_standalone_branch_cannot_absorb_an_institution_while_covering_its_own(scene):
    single = BranchFactory(name="赫山区创客党支部", committee=scene.committee_a,
                           founded_on=D(2022, 1, 1))
    CoverageFactory(branch=single, institution=scene.robotics, start=D(2022, 1, 1))

    with rejected("同一天只能覆盖一家机构"):
        services.branch_merge(acting_user=scene.alice, source=single, target=scene.standalone,
                              on=D(2023, 7, 1))


def test_a_merge_that_fails_half_way_leaves_both_branches_untouched(scene, second_joint):
    # The target is already paired with the source's school: the pairing cannot move, and
    # everything done before that point (dissolving the source, moving coverage) is undone.
    PairingFactory(branch=scene.joint, school_branch=second_joint.school, start=D(2023, 1, 1))

    with rejected("已结对"):
        services.branch_merge(acting_user=scene.alice, source=second_joint.branch,
                              target=scene.joint, on=D(2023, 7, 1))


def test_a_branch_cannot_be_merged_into_itself_nor_before_it_existed(scene):
    with rejected("不能把支部合并到它自己"):
        services.branch_merge(acting_user=scene.alice, source=scene.joint, target=scene.joint,
                              on=D(2023, 7, 1))
    with rejected("在 2021-03-01 前后须处于存续状态"):
        services.branch_merge(acting_user=scene.alice, source=scene.joint,
                              target=scene.standalone, on=D(2021, 3, 1))


# Members ------------------------------------------------------------------------------------


def test_registering_a_member_starts_their_membership(scene):
    member = services.member_create(
        acting_user=scene.alice, number="DY4309030020", name="孙丽", status=Member.Status.FULL,
        branch=scene.joint, start=D(2023, 3, 15), gender=Member.Gender.FEMALE,
        joined_on=D(2015, 7, 1), employer=scene.dance,
    )

    membership = Membership.objects.get(member__number="DY4309030020")
    assert (membership.branch, membership.start, membership.end, membership.employer) == (
        scene.joint, D(2023, 3, 15), None, scene.dance)
    assert not membership.is_secretary
    assert last_changed_by(member) == scene.alice
    assert last_changed_by(membership) == scene.alice


def test_a_member_number_is_registered_once(scene):
    with rejected("党员编号"):
        services.member_create(acting_user=scene.alice, number="DY4309030001", name="王芳",
                               status=Member.Status.FULL, branch=scene.standalone,
                               start=D(2023, 3, 15))


def test_a_member_is_not_registered_into_a_branch_before_it_was_founded(scene):
    with rejected("早于支部“赫山区阳光艺术培训学校党支部”的成立日期"):
        services.member_create(acting_user=scene.alice, number="DY4309030021", name="钱进",
                               status=Member.Status.FULL, branch=scene.standalone,
                               start=D(2021, 1, 1))


def test_correcting_a_members_record_keeps_their_memberships(scene):
    services.member_update(acting_user=scene.alice, member=scene.chen, name="陈晨",
                           status=Member.Status.FULL, gender=Member.Gender.MALE,
                           joined_on=D(2022, 7, 1))

    scene.chen.refresh_from_db()
    assert scene.chen.status == Member.Status.FULL and scene.chen.joined_on == D(2022, 7, 1)
    assert scene.chen.memberships.count() == 1
    assert last_changed_by(scene.chen) == scene.alice


def test_a_transfer_ends_the_old_membership_the_day_before_and_starts_the_new(scene):
    new = services.member_transfer(acting_user=scene.alice, member=scene.liu,
                                   to_branch=scene.standalone, on=D(2023, 9, 1))

    assert [(m.branch.name, m.start, m.end, m.employer) for m in
            scene.liu.memberships.order_by("start")] == [
        ("赫山区第一联合党支部", D(2021, 3, 1), D(2023, 8, 31), scene.dance),
        ("赫山区阳光艺术培训学校党支部", D(2023, 9, 1), None, scene.dance),
    ]
    assert last_changed_by(new) == scene.alice
    assert last_changed_by(scene.liu.memberships.get(end=D(2023, 8, 31))) == scene.alice


def test_a_transfer_can_record_a_new_employer(scene):
    services.member_transfer(acting_user=scene.alice, member=scene.liu,
                             to_branch=scene.standalone, on=D(2023, 9, 1),
                             employer=scene.sunshine)

    assert scene.liu.memberships.get(start=D(2023, 9, 1)).employer == scene.sunshine


def test_a_member_belongs_to_one_branch_on_any_day(scene):
    # 刘洋 left on 2023-06-30 and is booked into the standalone branch from 2024-01-01;
    # an open-ended transfer on 2023-09-01 would overlap that booking.
    services.member_transfer_out(acting_user=scene.alice, member=scene.liu, on=D(2023, 6, 30))
    services.member_transfer(acting_user=scene.alice, member=scene.liu,
                             to_branch=scene.standalone, on=D(2024, 1, 1))

    with rejected("同一天只能属于一个支部"):
        services.member_transfer(acting_user=scene.alice, member=scene.liu,
                                 to_branch=scene.joint, on=D(2023, 9, 1))


def test_a_member_is_not_transferred_into_their_own_branch_nor_on_their_first_day(scene):
    with rejected("已属于“赫山区第一联合党支部”"):
        services.member_transfer(acting_user=scene.alice, member=scene.liu,
                                 to_branch=scene.joint, on=D(2023, 9, 1))
    with rejected("转入日期须晚于原组织关系的开始日期 2021-03-01"):
        services.member_transfer(acting_user=scene.alice, member=scene.liu,
                                 to_branch=scene.standalone, on=D(2021, 3, 1))


def test_a_member_transferred_out_has_no_branch_from_the_next_day(scene):
    services.member_transfer_out(acting_user=scene.alice, member=scene.chen, on=D(2023, 10, 31))

    membership = scene.chen.memberships.get()
    assert membership.end == D(2023, 10, 31)
    assert not Membership.objects.filter(member=scene.chen).holding_on(D(2023, 11, 1)).exists()
    assert last_changed_by(membership) == scene.alice


def test_a_member_outside_every_branch_cannot_be_transferred_out(scene):
    services.member_transfer_out(acting_user=scene.alice, member=scene.chen, on=D(2023, 10, 31))

    with rejected("党员陈晨在 2023-11-15 不属于任何支部"):
        services.member_transfer_out(acting_user=scene.alice, member=scene.chen,
                                     on=D(2023, 11, 15))


def test_a_new_secretary_takes_over_and_the_old_one_steps_down_the_day_before(scene):
    services.secretary_set(acting_user=scene.alice, branch=scene.joint, member=scene.liu,
                           on=D(2023, 5, 1))

    rows = Membership.objects.filter(branch=scene.joint).order_by("member__name", "start")
    assert [(m.member.name, m.start, m.end, m.is_secretary) for m in rows] == [
        ("刘洋", D(2021, 3, 1), D(2023, 4, 30), False),
        ("刘洋", D(2023, 5, 1), None, True),
        ("王芳", D(2021, 3, 1), D(2023, 4, 30), True),
        ("王芳", D(2023, 5, 1), None, False),
    ]

    def secretaries_on(day):
        return list(Membership.objects.filter(branch=scene.joint, is_secretary=True)
                    .holding_on(day).values_list("member__name", flat=True))

    assert secretaries_on(D(2023, 4, 30)) == ["王芳"]
    assert secretaries_on(D(2023, 5, 1)) == ["刘洋"]
    assert all(last_changed_by(m) == scene.alice for m in rows)


def test_a_member_who_joined_on_the_day_becomes_secretary_without_a_split(scene):
    services.member_transfer(acting_user=scene.alice, member=scene.chen, to_branch=scene.joint,
                             on=D(2023, 5, 1))

    services.secretary_set(acting_user=scene.alice, branch=scene.joint, member=scene.chen,
                           on=D(2023, 5, 1))

    assert scene.chen.memberships.get(branch=scene.joint).is_secretary
    assert Membership.objects.filter(branch=scene.joint).count() == 4


def test_only_a_member_of_the_branch_who_is_not_already_secretary_can_be_made_secretary(scene):
    with rejected("陈晨在 2023-05-01 不是“赫山区第一联合党支部”的党员"):
        services.secretary_set(acting_user=scene.alice, branch=scene.joint, member=scene.chen,
                               on=D(2023, 5, 1))
    with rejected("王芳在 2023-05-01 已是“赫山区第一联合党支部”的书记"):
        services.secretary_set(acting_user=scene.alice, branch=scene.joint, member=scene.wang,
                               on=D(2023, 5, 1))


# Pairings -----------------------------------------------------------------------------------


def test_a_school_branch_is_recorded_once_and_found_again(scene):
    found = services.school_branch_get_or_create(acting_user=scene.alice, name="第一党支部",
                                                 school="益阳市第一中学")
    created = services.school_branch_get_or_create(acting_user=scene.alice, name="第三党支部",
                                                   school="赫山区实验小学", region=scene.county_a)

    assert found == scene.school
    assert SchoolBranch.objects.count() == 2
    assert created.region == scene.county_a and last_changed_by(created) == scene.alice


def test_pairing_a_branch_with_a_school_branch_and_ending_it(scene):
    school = SchoolBranchFactory(name="第三党支部", school="赫山区实验小学")

    pairing = services.pairing_create(acting_user=scene.alice, branch=scene.standalone,
                                      school_branch=school, start=D(2023, 3, 1))
    services.pairing_end(acting_user=scene.alice, pairing=pairing, on=D(2023, 12, 31))

    pairing.refresh_from_db()
    assert (pairing.start, pairing.end) == (D(2023, 3, 1), D(2023, 12, 31))
    assert pairing.history.count() == 2
    assert last_changed_by(pairing) == scene.alice


def test_a_branch_is_not_paired_twice_with_the_same_school_branch_at_once(scene):
    with rejected("已结对"):
        services.pairing_create(acting_user=scene.alice, branch=scene.joint,
                                school_branch=scene.school, start=D(2023, 3, 1))


def test_a_pairing_cannot_end_before_it_started_nor_after_it_already_ended(scene):
    with rejected("不能早于开始日期 2022-03-01"):
        services.pairing_end(acting_user=scene.alice, pairing=scene.pairing, on=D(2022, 2, 28))
    services.pairing_end(acting_user=scene.alice, pairing=scene.pairing, on=D(2023, 6, 30))
    with rejected("该结对已于 2023-06-30 结束"):
        services.pairing_end(acting_user=scene.alice, pairing=scene.pairing, on=D(2023, 7, 31))


# Who may write ------------------------------------------------------------------------------

COUNTY_A_WRITES = {
    "region_create": lambda s, user: services.region_create(
        acting_user=user, code="430903009", name="龙光桥街道", parent=s.county_a,
        level=Region.Level.STREET),
    "committee_create": lambda s, user: services.committee_create(
        acting_user=user, name="赫山区新党委", level=Committee.Level.PRIVATE_EDUCATION,
        region=s.county_a),
    "institution_create": lambda s, user: services.institution_create(
        acting_user=user, **institution_fields(s.county_a)),
    "institution_update": lambda s, user: services.institution_update(
        acting_user=user, institution=s.academy, staff_count=30),
    "branch_create": lambda s, user: services.branch_create(
        acting_user=user, name="赫山区第三联合党支部", kind=Branch.Kind.JOINT,
        committee=s.committee_a, founded_on=D(2023, 7, 1)),
    "branch_update": lambda s, user: services.branch_update(
        acting_user=user, branch=s.joint, name="改名党支部", kind=Branch.Kind.JOINT,
        committee=s.committee_a),
    "coverage_add": lambda s, user: services.coverage_add(
        acting_user=user, branch=s.joint, institution=s.robotics, start=D(2023, 4, 1)),
    "coverage_end": lambda s, user: services.coverage_end(
        acting_user=user, coverage=s.joint.coverages.first(), on=D(2023, 4, 30)),
    "branch_dissolve": lambda s, user: services.branch_dissolve(
        acting_user=user, branch=s.joint, on=D(2023, 6, 30)),
    "branch_merge": lambda s, user: services.branch_merge(
        acting_user=user, source=s.joint, target=s.joint_b, on=D(2023, 7, 1)),
    "member_create": lambda s, user: services.member_create(
        acting_user=user, number="DY4309030099", name="吴刚", status=Member.Status.FULL,
        branch=s.joint, start=D(2023, 3, 1)),
    "member_update": lambda s, user: services.member_update(
        acting_user=user, member=s.wang, name="王芳芳", status=Member.Status.FULL,
        gender=Member.Gender.FEMALE, joined_on=None),
    "member_transfer": lambda s, user: services.member_transfer(
        acting_user=user, member=s.liu, to_branch=s.joint_b, on=D(2023, 9, 1)),
    "member_transfer_out": lambda s, user: services.member_transfer_out(
        acting_user=user, member=s.liu, on=D(2023, 9, 1)),
    "secretary_set": lambda s, user: services.secretary_set(
        acting_user=user, branch=s.joint, member=s.liu, on=D(2023, 5, 1)),
    "pairing_create": lambda s, user: services.pairing_create(
        acting_user=user, branch=s.standalone, school_branch=s.school, start=D(2023, 3, 1)),
    "pairing_end": lambda s, user: services.pairing_end(
        acting_user=user, pairing=s.pairing, on=D(2023, 6, 30)),
}


@pytest.mark.parametrize("write", COUNTY_A_WRITES.values(), ids=COUNTY_A_WRITES.keys())
def test_staff_of_another_county_cannot_change_county_a_records(scene, write):
    with rejected("不在您管辖的区划内"):
        write(scene, scene.eve)


@pytest.mark.parametrize("role", ["carol", "bob"])
@pytest.mark.parametrize("write", COUNTY_A_WRITES.values(), ids=COUNTY_A_WRITES.keys())
def test_reviewers_and_instructors_cannot_change_the_structure(scene, write, role):
    with refused():
        write(scene, getattr(scene, role))


def test_an_inactive_staff_member_cannot_change_the_structure(scene):
    scene.alice.is_active = False
    scene.alice.save()

    with refused():
        COUNTY_A_WRITES["branch_dissolve"](scene, scene.alice)


def test_reviewers_cannot_record_school_branches(scene):
    with refused():
        services.school_branch_get_or_create(acting_user=scene.carol, name="第九党支部",
                                             school="益阳市第九中学")


def test_the_city_administrator_may_change_records_of_every_county(scene):
    services.branch_dissolve(acting_user=scene.dave, branch=scene.joint_b, on=D(2023, 6, 30))
    services.coverage_add(acting_user=scene.dave, branch=scene.joint, institution=scene.robotics,
                          start=D(2023, 4, 1))

    scene.joint_b.refresh_from_db()
    assert scene.joint_b.dissolved_on == D(2023, 6, 30)
    assert last_changed_by(scene.joint_b) == scene.dave
