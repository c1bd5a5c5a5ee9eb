"""factory_boy factories for realistic partybuild records."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from partybuild.accounts.models import User
from partybuild.core.credit_code import make_credit_code
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
from partybuild.regions.models import Region


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"4309{n + 10:02d}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    level = Region.Level.DISTRICT
    parent = None
    path = factory.LazyAttribute(
        lambda o: f"{o.parent.path if o.parent else '/'}{o.code}/"
    )


class CommitteeFactory(DjangoModelFactory):
    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"测试民办教育党委{n}")
    level = Committee.Level.PRIVATE_EDUCATION
    region = factory.SubFactory(RegionFactory)


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"阳光培训学校{n}")
    credit_code = factory.Sequence(lambda n: make_credit_code(n + 1))
    permit_no = factory.Sequence(lambda n: f"教民14309{n:05d}")
    category = Institution.Category.ARTS
    licence = Institution.Licence.LICENSED_PERMITTED
    region = factory.SubFactory(RegionFactory)
    address = "益阳市赫山区桃花仑路1号"
    founder = factory.Sequence(lambda n: f"举办者{n}")
    opened_on = date(2020, 1, 1)
    closed_on = None
    charter_includes_party_building = True
    staff_count = 12


class BranchFactory(DjangoModelFactory):
    class Meta:
        model = Branch

    name = factory.Sequence(lambda n: f"第{n}联合党支部")
    kind = Branch.Kind.JOINT
    committee = factory.SubFactory(CommitteeFactory)
    founded_on = date(2021, 1, 1)
    dissolved_on = None


class CoverageFactory(DjangoModelFactory):
    class Meta:
        model = Coverage

    branch = factory.SubFactory(BranchFactory)
    institution = factory.SubFactory(InstitutionFactory)
    start = date(2021, 1, 1)
    end = None


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    number = factory.Sequence(lambda n: f"DY{n:06d}")
    name = factory.Sequence(lambda n: f"党员{n}")
    gender = Member.Gender.FEMALE
    status = Member.Status.FULL
    joined_on = date(2010, 7, 1)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    member = factory.SubFactory(MemberFactory)
    branch = factory.SubFactory(BranchFactory)
    start = date(2021, 1, 1)
    end = None
    is_secretary = False


class SchoolBranchFactory(DjangoModelFactory):
    class Meta:
        model = SchoolBranch

    name = factory.Sequence(lambda n: f"第{n}党支部")
    school = factory.Sequence(lambda n: f"益阳市第{n}中学")


class PairingFactory(DjangoModelFactory):
    class Meta:
        model = Pairing

    branch = factory.SubFactory(BranchFactory)
    school_branch = factory.SubFactory(SchoolBranchFactory)
    start = date(2022, 3, 1)
    end = None


class InstructorFactory(DjangoModelFactory):
    class Meta:
        model = Instructor

    number = factory.Sequence(lambda n: f"ZDY{n:05d}")
    name = factory.Sequence(lambda n: f"指导员{n}")
    source_type = Instructor.SourceType.PUBLIC_SCHOOL
    source_org = "益阳市第一中学"
    title = "党支部书记"
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    region = None


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = Assignment

    instructor = factory.SubFactory(InstructorFactory)
    institution = factory.SubFactory(InstitutionFactory)
    start = date(2022, 1, 1)
    end = None


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    role = User.Role.STAFF
    password = factory.django.Password("correct-horse-battery")
