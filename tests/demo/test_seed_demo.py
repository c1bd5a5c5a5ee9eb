"""`manage.py seed_demo`: the Yiyang demo city holds seed 003's 2022 figures exactly, today."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from partybuild.accounts.models import User
from partybuild.core.credit_code import credit_code_problem
from partybuild.instructors.models import Assignment, Instructor
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
from partybuild.organisation.scoping import institutions_visible_to
from partybuild.regions.models import Region

DEMO_USERNAMES = [
    "admin", "staff", "staff_ziyang", "staff_heshan", "staff_nanxian", "staff_taojiang",
    "staff_anhua", "staff_yuanjiang", "reviewer", "instructor", "instructor_ziyang",
    "instructor_yuanjiang",
]
COUNTED = [Region, Committee, Institution, Branch, Coverage, Member, Membership, SchoolBranch,
           Pairing, Instructor, Assignment, User]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings, db):
    # The demo password is hashed once per run; a slow hasher would only slow the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def count_all() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in COUNTED}
    counts |= {f"history {model.__name__}": model.history.count()
               for model in COUNTED if hasattr(model, "history")}
    return counts


def structure_on(day: date) -> dict[str, int]:
    """The figures seed 003 reports, counted from the records as of `day`."""
    holding_memberships = Membership.objects.holding_on(day)
    holding_assignments = Assignment.objects.holding_on(day)
    holding_pairings = Pairing.objects.holding_on(day)
    active = Branch.objects.active_on(day)
    operating = Institution.objects.operating_on(day)
    return {
        "institutions": operating.count(),
        "joint": active.filter(kind=Branch.Kind.JOINT).count(),
        "standalone": active.filter(kind=Branch.Kind.STANDALONE).count(),
        "members": holding_memberships.values("member").distinct().count(),
        "secretaries": holding_memberships.filter(is_secretary=True)
        .values("member").distinct().count(),
        "instructors": holding_assignments.values("instructor").distinct().count(),
        "covered": Coverage.objects.holding_on(day).values("institution").distinct().count(),
        "without instructor": operating.exclude(
            pk__in=holding_assignments.values("institution")).count(),
        "paired branches": holding_pairings.values("branch").distinct().count(),
        "paired school branches": holding_pairings.values("school_branch").distinct().count(),
    }


def assert_structure_invariants(day: date) -> None:
    """Every institution covered and assigned exactly once; branches shaped as their kind says."""
    institutions = Institution.objects.count()
    per_institution = (Institution.objects.annotate(
        covering=Count("coverages", filter=Q(coverages__start__lte=day)
                       & (Q(coverages__end__isnull=True) | Q(coverages__end__gte=day)),
                       distinct=True),
    ).values_list("covering", flat=True))
    assert set(per_institution) == {1}
    assigned = (Assignment.objects.holding_on(day).values("institution")
                .annotate(n=Count("pk")).values_list("n", flat=True))
    assert len(assigned) == institutions and set(assigned) == {1}

    branches = Branch.objects.active_on(day).annotate(
        covers=Count("coverages", filter=Q(coverages__end__isnull=True), distinct=True),
        full_members=Count("memberships", filter=Q(memberships__end__isnull=True,
                                                   memberships__member__status="full"),
                           distinct=True),
        secretaries=Count("memberships", filter=Q(memberships__end__isnull=True,
                                                  memberships__is_secretary=True),
                          distinct=True),
    )
    for branch in branches:
        assert branch.secretaries == 1, branch
        if branch.kind == Branch.Kind.STANDALONE:
            assert branch.covers == 1, branch
            assert branch.full_members >= 3, branch
        else:
            assert branch.covers >= 2, branch

    # A member works at an institution their branch covers, and belongs to one branch a day.
    for membership in Membership.objects.holding_on(day).select_related("employer"):
        assert Coverage.objects.holding_on(day).filter(
            branch_id=membership.branch_id, institution_id=membership.employer_id).exists()
    per_member = (Membership.objects.holding_on(day).values("member")
                  .annotate(n=Count("pk")).values_list("n", flat=True))
    assert set(per_member) == {1}
    # Instructors serve institutions of their own district.
    assert not Assignment.objects.exclude(
        institution__region__path__startswith=F("instructor__region__path")).exists()


def test_the_default_demo_city_has_seed_003s_figures_exactly_as_of_today():
    seed()
    today = timezone.localdate()

    assert structure_on(today) == {
        "institutions": 530, "joint": 37, "standalone": 4, "members": 152, "secretaries": 41,
        "instructors": 187, "covered": 530, "without instructor": 0, "paired branches": 26,
        "paired school branches": 28,
    }
    assert Institution.objects.count() == 530
    assert Instructor.objects.count() == 187
    assert_structure_invariants(today)


def test_the_2022_figures_already_held_at_the_end_of_2022_despite_the_2023_rotations():
    seed()

    assert structure_on(date(2022, 12, 31))["instructors"] == 187
    assert structure_on(date(2022, 12, 31))["without instructor"] == 0
    assert_structure_invariants(date(2022, 12, 31))
    rotated = Assignment.objects.filter(end__isnull=False)
    assert rotated.count() == 62
    for old in rotated:
        successor = Assignment.objects.get(institution=old.institution, start__gt=old.start)
        assert (successor.start - old.end).days == 1
        assert successor.instructor_id != old.instructor_id
        assert successor.start.year == 2023


def test_the_city_has_six_districts_with_paths_and_a_committee_chain():
    seed()

    city = Region.objects.get(code="430900")
    assert (city.name, city.path, city.parent) == ("益阳市", "/430900/", None)
    districts = dict(Region.objects.filter(parent=city).values_list("code", "name"))
    assert districts == {"430902": "资阳区", "430903": "赫山区", "430921": "南县",
                         "430922": "桃江县", "430923": "安化县", "430981": "沅江市"}
    for region in Region.objects.exclude(pk=city.pk).select_related("parent"):
        assert region.path == f"{region.parent.path}{region.code}/"

    work_committee = Committee.objects.get(name="益阳市教育工委")
    assert (work_committee.level, work_committee.region) == ("work_committee", city)
    district_committees = Committee.objects.filter(parent=work_committee)
    assert sorted(c.region.code for c in district_committees) == sorted(districts)
    assert {c.level for c in district_committees} == {"private_education"}
    assert Committee.objects.count() == 7
    # Every branch hangs under its district's 民办教育党委.
    assert not Branch.objects.exclude(committee__in=district_committees).exists()


def test_institutions_look_real_and_have_valid_credit_codes():
    seed()

    institutions = list(Institution.objects.select_related("region"))
    assert all(credit_code_problem(i.credit_code) is None for i in institutions)
    assert all(i.credit_code[2:8] == i.region.path.split("/")[2] for i in institutions)
    assert all(i.name.startswith(("资阳区", "赫山区", "南县", "桃江县", "安化县", "沅江市"))
               for i in institutions)
    assert len({i.name for i in institutions}) == 530
    categories = [i.category for i in institutions]
    assert categories.count("academic") < len(categories) / 4
    assert {"arts", "sports", "science"} <= set(categories)
    assert sum(i.charter_includes_party_building for i in institutions) > 530 * 0.7
    assert {i.opened_on.year for i in institutions} == set(range(2015, 2023))
    assert all(i.permit_no for i in institutions if i.licence == "licensed_permitted")
    assert all(i.address.startswith("益阳市") and i.founder and i.staff_count
               for i in institutions)
    members = Member.objects.all()
    assert 0 < members.filter(status="probationary").count() < members.count() / 4


def test_seeding_twice_creates_nothing_new_and_still_prints_the_logins():
    seed()
    before = count_all()

    output = seed()

    assert count_all() == before
    assert "已存在" in output
    for username in DEMO_USERNAMES:
        assert username in output


def test_the_same_city_is_built_every_time():
    def snapshot():
        return (
            list(Institution.objects.order_by("credit_code")
                 .values_list("name", "credit_code", "region__code", "opened_on", "founder")),
            list(Membership.objects.order_by("member__number")
                 .values_list("member__number", "member__name", "branch__name", "start")),
            list(Assignment.objects.order_by("institution__credit_code", "start")
                 .values_list("instructor__number", "institution__credit_code", "start", "end")),
        )

    with transaction.atomic():
        seed()
        first = snapshot()
        transaction.set_rollback(True)
    assert not Region.objects.exists()

    seed()

    assert snapshot() == first


def test_a_scaled_city_keeps_every_invariant():
    seed(institutions=1200)
    today = timezone.localdate()

    figures = structure_on(today)
    assert figures["institutions"] == figures["covered"] == 1200
    assert figures["without instructor"] == 0
    assert figures["joint"] + figures["standalone"] == figures["secretaries"] == 93
    assert figures["standalone"] == 9
    assert figures["members"] == 344
    assert figures["instructors"] == 423
    assert (figures["paired branches"], figures["paired school branches"]) == (59, 63)
    assert_structure_invariants(today)


def test_too_small_a_city_is_refused():
    with pytest.raises(CommandError):
        seed(institutions=10)
    assert not Region.objects.exists()


def test_a_city_with_the_same_code_that_holds_real_records_gets_no_demo_users():
    Region.objects.create(code="430900", name="益阳市", level="city", path="/430900/")

    with pytest.raises(CommandError, match="不是演示数据"):
        seed()

    assert not User.objects.exists()
    assert Region.objects.count() == 1


def test_every_record_has_a_created_history_entry():
    seed()

    for model in (Region, Committee, Institution, Branch, Coverage, Member, Membership,
                  SchoolBranch, Pairing, Instructor, Assignment):
        assert model.history.filter(history_type="+").count() == model.objects.count(), model
    rotated = Assignment.objects.filter(end__isnull=False).first()
    assert [h.history_type for h in rotated.history.order_by("history_date")] == ["+", "~"]


def test_the_printed_demo_logins_work_for_every_role(client):
    output = seed()

    assert "demo12345!" in output
    for username in DEMO_USERNAMES:
        assert username in output
        assert client.login(username=username, password="demo12345!"), username
    for label in ("系统管理员", "党委工作人员", "年检评审人员", "党建指导员"):
        assert label in output

    admin = User.objects.get(username="admin")
    assert (admin.role, admin.is_staff, admin.region.code) == ("admin", True, "430900")
    assert User.objects.get(username="reviewer").role == "reviewer"
    heshan_staff = User.objects.get(username="staff_heshan")
    assert (heshan_staff.role, heshan_staff.region.name) == ("staff", "赫山区")
    visible = institutions_visible_to(heshan_staff)
    assert visible.exists()
    assert not visible.exclude(region__path__startswith="/430900/430903/").exists()

    for username, district in (("instructor", "赫山区"), ("instructor_ziyang", "资阳区")):
        user = User.objects.get(username=username)
        assert user.role == "instructor" and user.region.name == district
        assert user.instructor.region == user.region
        assert user.display_name == user.instructor.name
        assert institutions_visible_to(user).count() == user.instructor.assignments.count()
