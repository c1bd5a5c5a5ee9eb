"""The stored natural-order key: database-sorted, paginated lists read 第二 before 第三 before
第十 and 机构2 before 机构10, on SQLite and PostgreSQL alike, whichever way a record was
written (form, import, demo load, rows stored before the key existed)."""

import importlib
import itertools
import random
from datetime import date

import pytest
from django.apps import apps
from django.urls import reverse

from partybuild.core.natural import natural_key, sort_key
from partybuild.demo.common import bulk_with_history
from partybuild.imports.engine import Planned, write_planned
from partybuild.instructors.models import Instructor
from partybuild.organisation.forms import CoverageAddForm
from partybuild.organisation.models import Branch, Institution, Member, SchoolBranch

from ..factories import (
    BranchFactory,
    InstitutionFactory,
    InstructorFactory,
    MemberFactory,
    SchoolBranchFactory,
)

BRANCHES_IN_ORDER = [
    "第一联合党支部", "第二联合党支部", "第三联合党支部", "第九联合党支部", "第十联合党支部",
    "第十一联合党支部", "第十二联合党支部", "第二十联合党支部", "第一百零五联合党支部",
]
INSTITUTIONS_IN_ORDER = [
    "Abc英语培训学校", "abd艺术学校", "赫山区2号培训学校", "赫山区10号培训学校",
    "赫山区第二培训学校", "赫山区第三培训学校", "赫山区第十培训学校", "阳光培训学校",
    "阳光培训学校（分校）",
]


def shuffled(names):
    names = list(names)
    random.Random(19).shuffle(names)
    return names


REALISTIC = BRANCHES_IN_ORDER + INSTITUTIONS_IN_ORDER + [
    "", "机构", "机构1", "机构2", "机构2A", "机构10", "机构10b", "机构10B", "二〇二五年度",
    "2025年度", "益阳市第一中学", "益阳市第十一中学", "益阳市一中", "Zeta", "zeta 2", "ÉCOLE",
    "张三", "张三丰", "李四", "王五", "𠀀字", "第99999999999999999999名",
]


def test_the_string_key_orders_exactly_as_the_python_key():
    for left, right in itertools.product(REALISTIC, repeat=2):
        assert (sort_key(left) < sort_key(right)) == (natural_key(left) < natural_key(right)), \
            (left, right)
        assert (sort_key(left) == sort_key(right)) == (natural_key(left) == natural_key(right))


def test_the_key_uses_only_characters_every_collation_orders_alike():
    for name in REALISTIC:
        assert set(sort_key(name)) <= set("0123456789abcdef")


@pytest.mark.django_db
def test_the_database_orders_branches_naturally(committee_a):
    for name in shuffled(BRANCHES_IN_ORDER):
        BranchFactory(name=name, committee=committee_a)
    assert list(Branch.objects.order_by("name_key").values_list("name", flat=True)) \
        == BRANCHES_IN_ORDER
    # The model's default order is the natural one too.
    assert [branch.name for branch in Branch.objects.all()] == BRANCHES_IN_ORDER


@pytest.mark.django_db
def test_the_database_orders_institutions_members_instructors_and_schools_naturally(county_a):
    for name in shuffled(INSTITUTIONS_IN_ORDER):
        InstitutionFactory(name=name, region=county_a)
    names = ["党员10", "党员2", "党员1"]
    for name in names:
        MemberFactory(name=name)
        InstructorFactory(name=name.replace("党员", "指导员"))
    for school in ["益阳市第十中学", "益阳市第二中学", "益阳市第三中学"]:
        SchoolBranchFactory(school=school, name="第一党支部")
    assert list(Institution.objects.values_list("name", flat=True)) == INSTITUTIONS_IN_ORDER
    assert list(Member.objects.order_by("name_key").values_list("name", flat=True)) \
        == ["党员1", "党员2", "党员10"]
    assert list(Instructor.objects.filter(name__startswith="指导员").order_by("name_key")
                .values_list("name", flat=True)) == ["指导员1", "指导员2", "指导员10"]
    assert list(SchoolBranch.objects.values_list("school", flat=True)) \
        == ["益阳市第二中学", "益阳市第三中学", "益阳市第十中学"]


@pytest.mark.django_db
def test_renaming_keeps_the_key_in_step_even_with_update_fields(committee_a):
    branch = BranchFactory(name="第十联合党支部", committee=committee_a)
    BranchFactory(name="第三联合党支部", committee=committee_a)
    branch.name = "第二联合党支部"
    branch.save(update_fields=["name"])
    branch.refresh_from_db()
    assert branch.name_key == sort_key("第二联合党支部")
    assert list(Branch.objects.values_list("name", flat=True)) \
        == ["第二联合党支部", "第三联合党支部"]


def _branch_rows(response):
    return [row.record.name for row in response.context["table"].paginated_rows]


@pytest.mark.django_db
def test_the_branch_list_sorted_by_name_is_natural_across_pages(client, alice, committee_a,
                                                                 settings):
    settings.LIST_PAGE_SIZE = 5
    for name in shuffled(BRANCHES_IN_ORDER):
        BranchFactory(name=name, committee=committee_a)
    client.force_login(alice)
    url = reverse("organisation:branch_list")
    pages = [_branch_rows(client.get(url, {"sort": "name", "page": page})) for page in (1, 2)]
    assert pages[0] + pages[1] == BRANCHES_IN_ORDER
    descending = _branch_rows(client.get(url, {"sort": "-name"}))
    assert descending == list(reversed(BRANCHES_IN_ORDER))[:5]
    # Unsorted, the list is in natural order as well.
    assert _branch_rows(client.get(url)) == BRANCHES_IN_ORDER[:5]


@pytest.mark.django_db
def test_the_institution_list_sorted_by_name_is_natural(client, alice, county_a):
    for name in shuffled(INSTITUTIONS_IN_ORDER):
        InstitutionFactory(name=name, region=county_a)
    client.force_login(alice)
    response = client.get(reverse("organisation:institution_list"), {"sort": "name"})
    assert _branch_rows(response) == INSTITUTIONS_IN_ORDER


@pytest.mark.django_db
def test_the_institution_select_offers_names_in_natural_order(client, alice, county_a):
    for name in shuffled(INSTITUTIONS_IN_ORDER):
        InstitutionFactory(name=name, region=county_a)
    form = CoverageAddForm(user=alice)
    assert [institution.name for institution in form.fields["institution"].queryset] \
        == INSTITUTIONS_IN_ORDER


@pytest.mark.django_db
def test_imported_records_get_their_key_on_create_and_on_rename(alice, committee_a):
    new = Branch(name="第十二联合党支部", kind=Branch.Kind.JOINT, committee=committee_a,
                 founded_on=date(2021, 1, 1))
    write_planned(Branch, [Planned(row=None, instance=new)], alice)
    stored = Branch.objects.get(name="第十二联合党支部")
    assert stored.name_key == sort_key("第十二联合党支部")
    stored.name = "第二联合党支部"
    write_planned(Branch, [Planned(row=None, instance=stored, changed=["name"])], alice)
    assert Branch.objects.get(pk=stored.pk).name_key == sort_key("第二联合党支部")


@pytest.mark.django_db
def test_the_demo_bulk_load_sets_the_key(county_a):
    bulk_with_history(Institution, [
        Institution(name="演示培训学校10", credit_code="91430903MA4L000010",
                    category=Institution.Category.ARTS,
                    licence=Institution.Licence.LICENSED_PERMITTED,
                    region=county_a, opened_on=date(2020, 1, 1)),
        Institution(name="演示培训学校9", credit_code="91430903MA4L000029",
                    category=Institution.Category.ARTS,
                    licence=Institution.Licence.LICENSED_PERMITTED,
                    region=county_a, opened_on=date(2020, 1, 1)),
    ])
    assert list(Institution.objects.values_list("name", flat=True)) \
        == ["演示培训学校9", "演示培训学校10"]


@pytest.mark.django_db
def test_the_migration_fills_the_key_of_rows_stored_before_it(committee_a):
    for name in shuffled(BRANCHES_IN_ORDER):
        BranchFactory(name=name, committee=committee_a)
    Branch.objects.update(name_key="")
    migration = importlib.import_module(
        "partybuild.organisation.migrations.0006_natural_name_keys")
    migration.fill_keys(apps, None)
    assert list(Branch.objects.values_list("name", flat=True)) == BRANCHES_IN_ORDER
