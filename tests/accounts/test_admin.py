"""The Django admin: every model listed, searched and scoped, with history and region paths."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse

from partybuild.accounts.models import User
from partybuild.organisation import services
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
    PairingFactory,
    RegionFactory,
    SchoolBranchFactory,
    UserFactory,
)

D = date
MANY = 55
# Session, user, region, permissions, counts, the page of rows, filter choices and the date
# hierarchy: a constant, however many rows there are.
MAX_CHANGELIST_QUERIES = 15


@pytest.fixture
def world(city, county_a, county_b, committee_a, committee_b, dave, eve):
    """Both counties, an administrator held to 赫山区 (frank), a branch in each county."""
    frank = UserFactory(username="frank", display_name="冯凯", role=User.Role.ADMIN,
                        region=county_a, is_staff=True)
    branch_a = BranchFactory(name="赫山区第一联合党支部", committee=committee_a)
    branch_b = BranchFactory(name="资阳区第一联合党支部", committee=committee_b)
    return SimpleNamespace(city=city, county_a=county_a, county_b=county_b,
                           committee_a=committee_a, committee_b=committee_b, dave=dave, eve=eve,
                           frank=frank, branch_a=branch_a, branch_b=branch_b)


def institution(n: int, region):
    return InstitutionFactory(name=f"益阳第{n:03d}号培训学校", region=region)


# Each builder makes MANY rows in 赫山区 and one in 资阳区, and returns
# (a search term that hits exactly one 赫山区 row, that row's label, the 资阳区 row's label).


def build_users(w):
    for n in range(MANY):
        UserFactory(username=f"heshan{n:03d}", display_name=f"赫山用户{n:03d}",
                    region=w.county_a)
    return "heshan007", "赫山用户007", "赵燕"


def build_regions(w):
    for n in range(MANY):
        RegionFactory(code=f"430903{n:03d}", name=f"赫山第{n:03d}街道", level="street",
                      parent=w.county_a)
    RegionFactory(code="430902001", name="汽车路街道", level="street", parent=w.county_b)
    return "赫山第007街道", "赫山第007街道", "汽车路街道"


def build_committees(w):
    for n in range(MANY):
        CommitteeFactory(name=f"赫山第{n:03d}党委", region=w.county_a)
    return "赫山第007党委", "赫山第007党委", "资阳区民办教育党委"


def build_institutions(w):
    for n in range(MANY):
        institution(n, w.county_a)
    institution(900, w.county_b)
    return "益阳第007号", "益阳第007号培训学校", "益阳第900号培训学校"


def build_branches(w):
    for n in range(MANY):
        BranchFactory(name=f"赫山第{n:03d}联合党支部", committee=w.committee_a)
    return "赫山第007联合", "赫山第007联合党支部", "资阳区第一联合党支部"


def build_coverages(w):
    for n in range(MANY):
        CoverageFactory(branch=w.branch_a, institution=institution(n, w.county_a))
    CoverageFactory(branch=w.branch_b, institution=institution(900, w.county_b))
    return "益阳第007号", "益阳第007号培训学校", "益阳第900号培训学校"


def build_members(w):
    for n in range(MANY):
        MembershipFactory(branch=w.branch_a, member=MemberFactory(name=f"赫山党员{n:03d}"))
    MembershipFactory(branch=w.branch_b, member=MemberFactory(name="资阳党员赵敏"))
    return "赫山党员007", "赫山党员007", "资阳党员赵敏"


def build_memberships(w):
    return build_members(w)


def build_school_branches(w):
    for n in range(MANY):
        PairingFactory(branch=w.branch_a,
                       school_branch=SchoolBranchFactory(school=f"赫山区第{n:03d}小学"))
    SchoolBranchFactory(school="资阳区第一中学", region=w.county_b)
    return "第007小学", "赫山区第007小学", "资阳区第一中学"


def build_pairings(w):
    build_school_branches(w)
    PairingFactory(branch=w.branch_b,
                   school_branch=SchoolBranchFactory(school="资阳区第二中学", region=w.county_b))
    return "第007小学", "赫山区第007小学", "资阳区第二中学"


def build_instructors(w):
    for n in range(MANY):
        InstructorFactory(name=f"赫山指导员{n:03d}", region=w.county_a)
    InstructorFactory(name="资阳指导员宋佳", region=w.county_b)
    return "赫山指导员007", "赫山指导员007", "资阳指导员宋佳"


def build_assignments(w):
    for n in range(MANY):
        AssignmentFactory(instructor=InstructorFactory(name=f"赫山指导员{n:03d}",
                                                       region=w.county_a),
                          institution=institution(n, w.county_a))
    AssignmentFactory(instructor=InstructorFactory(name="资阳指导员宋佳", region=w.county_b),
                      institution=institution(900, w.county_b))
    return "赫山指导员007", "赫山指导员007", "资阳指导员宋佳"


ADMIN_PAGES = {
    "accounts_user": build_users,
    "regions_region": build_regions,
    "organisation_committee": build_committees,
    "organisation_institution": build_institutions,
    "organisation_branch": build_branches,
    "organisation_coverage": build_coverages,
    "organisation_member": build_members,
    "organisation_membership": build_memberships,
    "organisation_schoolbranch": build_school_branches,
    "organisation_pairing": build_pairings,
    "instructors_instructor": build_instructors,
    "instructors_assignment": build_assignments,
}
pages = pytest.mark.parametrize("page", ADMIN_PAGES, ids=ADMIN_PAGES.keys())


def changelist(page: str) -> str:
    return reverse(f"admin:{page}_changelist")


def listed(response, label: str) -> bool:
    """Whether any row of the list, on whichever page, shows the label."""
    return any(label in str(row) for row in response.context["cl"].queryset)


@pages
def test_the_city_administrator_opens_every_list_with_a_bounded_number_of_queries(
    client, world, page, django_assert_max_num_queries,
):
    _term, hit, other_county = ADMIN_PAGES[page](world)
    client.force_login(world.dave)

    with django_assert_max_num_queries(MAX_CHANGELIST_QUERIES):
        response = client.get(changelist(page))

    assert response.status_code == 200
    assert response.context["cl"].result_count >= MANY
    assert hit in response.content.decode()
    assert listed(response, other_county)


@pages
def test_searching_a_list_finds_the_one_matching_row(client, world, page):
    term, hit, _other_county = ADMIN_PAGES[page](world)
    client.force_login(world.dave)

    response = client.get(changelist(page), {"q": term})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert hit in response.content.decode()


@pages
def test_a_county_administrator_sees_only_their_countys_rows(client, world, page):
    _term, hit, other_county = ADMIN_PAGES[page](world)
    client.force_login(world.frank)

    response = client.get(changelist(page))

    assert response.status_code == 200
    assert listed(response, hit) and not listed(response, other_county)


def test_committee_staff_are_kept_out_of_the_admin(client, world, alice):
    client.force_login(alice)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_status_without_the_administrator_role_opens_no_list(client, world, alice):
    alice.is_staff = True
    alice.save()
    client.force_login(alice)

    assert client.get(changelist("organisation_institution")).status_code == 403


def test_the_admin_index_lists_every_model_for_an_administrator(client, world):
    client.force_login(world.dave)

    response = client.get(reverse("admin:index"))

    listed = {f"{app['app_label']}_{model['object_name'].lower()}"
              for app in response.context["app_list"] for model in app["models"]}
    assert set(ADMIN_PAGES) <= listed


@pytest.mark.parametrize("page", ["organisation_coverage", "organisation_membership",
                                  "organisation_pairing", "instructors_assignment"])
def test_periods_are_read_only_in_the_admin_so_their_rules_and_history_hold(client, world,
                                                                            page):
    client.force_login(world.dave)

    assert client.get(reverse(f"admin:{page}_add")).status_code == 403


def test_a_period_opens_for_viewing_without_a_save_button(client, world):
    coverage = CoverageFactory(branch=world.branch_a, institution=institution(1, world.county_a))
    client.force_login(world.dave)

    response = client.get(reverse("admin:organisation_coverage_change", args=[coverage.pk]))

    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()


def test_another_countys_record_does_not_open_for_a_county_administrator(client, world):
    other = institution(900, world.county_b)
    client.force_login(world.frank)

    change = client.get(reverse("admin:organisation_institution_change", args=[other.pk]))
    history = client.get(reverse("admin:organisation_institution_history", args=[other.pk]))

    assert change.status_code == 302
    assert history.status_code == 404


def test_the_history_page_shows_who_changed_a_record(client, world, alice):
    school = institution(1, world.county_a)
    services.institution_update(acting_user=alice, institution=school, staff_count=30)
    client.force_login(world.dave)

    response = client.get(reverse("admin:organisation_institution_history", args=[school.pk]))

    assert response.status_code == 200
    assert "张丽" in response.content.decode()


def test_a_view_only_user_cannot_revert_through_the_history_form(client, world, alice):
    coverage = CoverageFactory(branch=world.branch_a, institution=institution(1, world.county_a))
    services.coverage_end(acting_user=alice, coverage=coverage, on=D(2023, 3, 31))
    first_version = coverage.history.earliest()
    client.force_login(world.dave)
    url = reverse("admin:organisation_coverage_simple_history",
                  args=[coverage.pk, first_version.history_id])

    response = client.post(url, {"branch": world.branch_a.pk,
                                 "institution": coverage.institution_id,
                                 "start": "2021-01-01", "end": ""})

    assert response.status_code == 403
    coverage.refresh_from_db()
    assert coverage.end == D(2023, 3, 31)


# Regions: the path is built when saved through the admin --------------------------------------


def test_adding_a_street_in_the_admin_builds_its_path(client, world):
    client.force_login(world.dave)

    response = client.post(reverse("admin:regions_region_add"), {
        "code": "430903001", "name": "桃花仑街道", "parent": world.county_a.pk,
        "level": Region.Level.STREET,
    })

    assert response.status_code == 302
    street = Region.objects.get(code="430903001")
    assert street.path == "/430900/430903/430903001/"
    assert street.history.first().history_user == world.dave


def test_changing_a_county_code_in_the_admin_rebuilds_every_path_below(client, world):
    street = RegionFactory(code="430903001", name="桃花仑街道", level="street",
                           parent=world.county_a)
    client.force_login(world.dave)

    response = client.post(reverse("admin:regions_region_change", args=[world.county_a.pk]), {
        "code": "430904", "name": "赫山区", "parent": world.city.pk,
        "level": Region.Level.DISTRICT,
    })

    assert response.status_code == 302
    street.refresh_from_db()
    assert street.path == "/430900/430904/430903001/"
    assert street.history.first().history_user == world.dave


def test_the_admin_refuses_to_move_a_region_below_itself(client, world):
    street = RegionFactory(code="430903001", name="桃花仑街道", level="street",
                           parent=world.county_a)
    client.force_login(world.dave)

    response = client.post(reverse("admin:regions_region_change", args=[world.county_a.pk]), {
        "code": "430903", "name": "赫山区", "parent": street.pk, "level": Region.Level.DISTRICT,
    })

    assert response.status_code == 200
    assert "不能把区划移到它自己或它的下级区划之下" in response.content.decode()
    world.county_a.refresh_from_db()
    assert world.county_a.parent == world.city and world.county_a.path == "/430900/430903/"


def test_a_city_administrator_cannot_add_a_top_level_region_in_the_admin(client, world):
    client.force_login(world.dave)

    response = client.post(reverse("admin:regions_region_add"), {
        "code": "430000", "name": "湖南省", "level": Region.Level.PROVINCE,
    })

    assert response.status_code == 200
    assert "只有不限区划的管理员可以创建顶级区划" in response.content.decode()
    assert not Region.objects.filter(code="430000").exists()


def test_a_county_administrator_can_only_pick_regions_of_their_county(client, world):
    client.force_login(world.frank)

    response = client.post(reverse("admin:regions_region_add"), {
        "code": "430902009", "name": "长春镇", "parent": world.county_b.pk,
        "level": Region.Level.STREET,
    })

    assert response.status_code == 200
    assert not Region.objects.filter(code="430902009").exists()


# Users --------------------------------------------------------------------------------------


def user_form(user: User, **changes) -> dict:
    data = {
        "username": user.username, "display_name": user.display_name, "role": user.role,
        "region": user.region_id or "", "email": user.email, "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    return data | changes


def test_an_administrator_changes_a_users_role_and_region(client, world):
    client.force_login(world.dave)

    response = client.post(reverse("admin:accounts_user_change", args=[world.eve.pk]),
                           user_form(world.eve, role=User.Role.REVIEWER,
                                     region=world.county_a.pk))

    assert response.status_code == 302
    world.eve.refresh_from_db()
    assert (world.eve.role, world.eve.region) == (User.Role.REVIEWER, world.county_a)


def test_an_administrator_cannot_make_anyone_a_superuser(client, world):
    client.force_login(world.dave)

    client.post(reverse("admin:accounts_user_change", args=[world.eve.pk]),
                user_form(world.eve, is_superuser="on", is_staff="on"))

    world.eve.refresh_from_db()
    assert world.eve.is_staff and not world.eve.is_superuser


def test_superusers_are_out_of_reach_of_administrators(client, world):
    UserFactory(username="root", is_superuser=True, is_staff=True, region=world.city)
    client.force_login(world.dave)

    response = client.get(changelist("accounts_user"))

    assert "root" not in [u.username for u in response.context["cl"].result_list]


def test_a_superuser_without_a_region_sees_every_county(client, world):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    institution(1, world.county_a)
    institution(900, world.county_b)
    client.force_login(root)

    response = client.get(changelist("organisation_institution"))

    assert response.context["cl"].result_count == 2


ADDED_ELSEWHERE = {"organisation_coverage", "organisation_membership", "organisation_pairing",
                   "instructors_assignment", "organisation_member"}


@pages
def test_every_add_and_change_page_opens_for_the_administrator(client, world, page):
    ADMIN_PAGES[page](world)
    client.force_login(world.dave)
    first = client.get(changelist(page)).context["cl"].result_list[0]

    change = client.get(reverse(f"admin:{page}_change", args=[first.pk]))
    history = client.get(reverse(f"admin:{page}_history", args=[first.pk]))
    add = client.get(reverse(f"admin:{page}_add"))

    assert change.status_code == 200 and history.status_code == 200
    # Periods change through the services; members are added together with their branch.
    assert add.status_code == (403 if page in ADDED_ELSEWHERE else 200)


def test_region_choices_offered_while_typing_stay_inside_the_county(client, world):
    RegionFactory(code="430903001", name="桃花仑街道", level="street", parent=world.county_a)
    RegionFactory(code="430902001", name="汽车路街道", level="street", parent=world.county_b)
    client.force_login(world.frank)

    response = client.get(reverse("admin:autocomplete"), {
        "app_label": "organisation", "model_name": "committee", "field_name": "region",
        "term": "街道",
    })

    assert response.status_code == 200
    assert [choice["text"] for choice in response.json()["results"]] == ["桃花仑街道"]


# Archived, never deleted ----------------------------------------------------------------------


@pytest.mark.parametrize("admin_name", [
    "organisation_institution", "organisation_branch", "regions_region",
    "organisation_committee", "accounts_user",
])
def test_not_even_a_superuser_deletes_a_structure_record_in_the_admin(client, world, admin_name):
    root = User.objects.create_superuser("root", "root@example.gov.cn", "a-long-root-passphrase",
                                         region=world.city)
    school = institution(1, world.county_a)
    target = {"organisation_institution": school, "organisation_branch": world.branch_a,
              "regions_region": world.county_b, "organisation_committee": world.committee_b,
              "accounts_user": world.eve}[admin_name]
    model = type(target)
    client.force_login(root)

    page = client.get(reverse(f"admin:{admin_name}_change", args=[target.pk]))
    refused = client.post(reverse(f"admin:{admin_name}_delete", args=[target.pk]),
                          {"post": "yes"})

    assert page.status_code == 200
    assert "deletelink" not in page.content.decode()
    assert refused.status_code == 403
    assert model.objects.filter(pk=target.pk).exists()
