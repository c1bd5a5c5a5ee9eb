from datetime import date

import pytest
from django.urls import reverse

from partybuild.organisation.models import Branch, Coverage, Membership, Pairing
from tests.action_helpers import (
    carried_values,
    confirm,
    flashed,
    form_error_text,
    is_confirmation_page,
    page_text,
    preview,
)
from tests.factories import (
    BranchFactory,
    CoverageFactory,
    InstitutionFactory,
    MemberFactory,
    MembershipFactory,
    PairingFactory,
    SchoolBranchFactory,
)


@pytest.fixture
def joint_branch(committee_a):
    return BranchFactory(name="赫山区第一联合党支部", committee=committee_a,
                         founded_on=date(2021, 1, 1))


@pytest.fixture
def second_branch(committee_a):
    return BranchFactory(name="赫山区第二联合党支部", committee=committee_a,
                         founded_on=date(2021, 1, 1))


@pytest.fixture
def standalone_branch(committee_a):
    return BranchFactory(name="赫山区阳光艺术培训学校党支部", committee=committee_a,
                         kind=Branch.Kind.STANDALONE, founded_on=date(2021, 1, 1))


@pytest.fixture
def institutions(county_a):
    return [InstitutionFactory(region=county_a, name=name)
            for name in ("赫山区启航英语培训学校", "赫山区金话筒口才培训中心",
                         "赫山区小牛顿科学培训学校")]


def branch_url(name, branch):
    return reverse(f"organisation:{name}", args=[branch.pk])


def detail(branch):
    return reverse("organisation:branch_detail", args=[branch.pk])


# Founding and editing ------------------------------------------------------------------


def test_confirming_a_new_branch_founds_it_under_the_committee(client, alice, committee_a):
    client.force_login(alice)
    data = {"name": "赫山区第三联合党支部", "kind": Branch.Kind.JOINT,
            "committee": committee_a.pk, "founded_on": "2024-03-01"}
    response = preview(client, reverse("organisation:branch_create"), data)
    assert is_confirmation_page(response)
    assert ("将于 2024-03-01 在“赫山区民办教育党委”下成立联合党支部“赫山区第三联合党支部”。"
            in page_text(response))
    assert not Branch.objects.exists()

    response = confirm(client, reverse("organisation:branch_create"), data)
    branch = Branch.objects.get()
    assert response["Location"] == detail(branch)
    assert (branch.name, branch.kind, branch.founded_on) == (
        "赫山区第三联合党支部", Branch.Kind.JOINT, date(2024, 3, 1))
    assert branch.history.latest().history_user == alice


def test_a_branch_cannot_be_founded_under_another_countys_committee(client, alice,
                                                                   committee_b):
    client.force_login(alice)
    response = confirm(client, reverse("organisation:branch_create"), {
        "name": "越权支部", "kind": Branch.Kind.JOINT, "committee": committee_b.pk,
        "founded_on": "2024-03-01"})
    assert "committee" in response.context["form"].errors
    assert not Branch.objects.exists()


def test_renaming_a_branch_is_confirmed_then_saved(client, alice, joint_branch):
    client.force_login(alice)
    data = {"name": "赫山区文化艺术类联合党支部", "kind": Branch.Kind.JOINT,
            "committee": joint_branch.committee_id}
    response = preview(client, branch_url("branch_update", joint_branch), data)
    assert "支部名称：赫山区第一联合党支部 → 赫山区文化艺术类联合党支部" in page_text(response)
    response = confirm(client, branch_url("branch_update", joint_branch), data)
    assert response["Location"] == detail(joint_branch)
    joint_branch.refresh_from_db()
    assert joint_branch.name == "赫山区文化艺术类联合党支部"
    assert joint_branch.history.latest().history_user == alice


def test_a_joint_branch_covering_two_institutions_cannot_become_standalone(
    client, alice, joint_branch, institutions
):
    for institution in institutions[:2]:
        CoverageFactory(branch=joint_branch, institution=institution, start=date(2022, 1, 1))
    client.force_login(alice)
    response = confirm(client, branch_url("branch_update", joint_branch), {
        "name": joint_branch.name, "kind": Branch.Kind.STANDALONE,
        "committee": joint_branch.committee_id})
    assert "同一天只能覆盖一家机构" in form_error_text(response)
    joint_branch.refresh_from_db()
    assert joint_branch.kind == Branch.Kind.JOINT


# Coverage ------------------------------------------------------------------------------


def test_adding_coverage_is_previewed_then_recorded(client, alice, joint_branch,
                                                    institutions):
    client.force_login(alice)
    url = branch_url("coverage_add", joint_branch)
    data = {"institution": institutions[0].pk, "start": "2024-03-01", "end": ""}
    response = preview(client, url, data)
    assert ("将从 2024-03-01 起由“赫山区第一联合党支部”覆盖机构“赫山区启航英语培训学校”，"
            "不设结束日期。" in page_text(response))
    assert not Coverage.objects.exists()

    response = confirm(client, url, data)
    assert response["Location"] == detail(joint_branch)
    coverage = Coverage.objects.get()
    assert (coverage.branch, coverage.institution, coverage.start, coverage.end) == (
        joint_branch, institutions[0], date(2024, 3, 1), None)
    assert coverage.history.latest().history_user == alice
    assert flashed(response) == ["“赫山区第一联合党支部”已开始覆盖“赫山区启航英语培训学校”。"]


def test_an_institution_covered_by_another_branch_is_refused(client, alice, joint_branch,
                                                            second_branch, institutions):
    CoverageFactory(branch=second_branch, institution=institutions[0], start=date(2022, 1, 1))
    client.force_login(alice)
    response = confirm(client, branch_url("coverage_add", joint_branch), {
        "institution": institutions[0].pk, "start": "2024-03-01", "end": ""})
    assert response.status_code == 200
    assert ("机构“赫山区启航英语培训学校”在 2022-01-01 至今 已由“赫山区第二联合党支部”覆盖"
            in form_error_text(response))
    assert 'value="2024-03-01"' in page_text(response)
    assert Coverage.objects.count() == 1


def test_a_standalone_branch_cannot_cover_a_second_institution(client, alice,
                                                              standalone_branch,
                                                              institution_a, institutions):
    CoverageFactory(branch=standalone_branch, institution=institution_a,
                    start=date(2021, 1, 1))
    client.force_login(alice)
    response = confirm(client, branch_url("coverage_add", standalone_branch), {
        "institution": institutions[0].pk, "start": "2024-03-01", "end": ""})
    assert ("单独党支部“赫山区阳光艺术培训学校党支部”同一天只能覆盖一家机构"
            in form_error_text(response))
    assert Coverage.objects.count() == 1


def test_coverage_ending_before_it_starts_is_refused(client, alice, joint_branch,
                                                     institutions):
    client.force_login(alice)
    response = confirm(client, branch_url("coverage_add", joint_branch), {
        "institution": institutions[0].pk, "start": "2024-03-01", "end": "2024-02-01"})
    assert "结束日期 2024-02-01 不能早于开始日期 2024-03-01" in form_error_text(response)
    assert not Coverage.objects.exists()


def test_coverage_of_another_countys_institution_cannot_be_submitted(client, alice,
                                                                    joint_branch,
                                                                    institution_b):
    client.force_login(alice)
    response = confirm(client, branch_url("coverage_add", joint_branch), {
        "institution": institution_b.pk, "start": "2024-03-01", "end": ""})
    assert "institution" in response.context["form"].errors
    assert not Coverage.objects.exists()


def test_ending_coverage_sets_its_last_day(client, alice, joint_branch, institutions):
    coverage = CoverageFactory(branch=joint_branch, institution=institutions[0],
                               start=date(2022, 1, 1))
    client.force_login(alice)
    url = reverse("organisation:coverage_end", args=[coverage.pk])
    response = preview(client, url, {"on": "2024-02-29"})
    text = page_text(response)
    assert ("“赫山区第一联合党支部”对机构“赫山区启航英语培训学校”的覆盖将于 2024-02-29 结束"
            in text)
    assert 'class="danger"' in text
    coverage.refresh_from_db()
    assert coverage.end is None

    response = confirm(client, url, {"on": "2024-02-29"})
    assert response["Location"] == detail(joint_branch)
    coverage.refresh_from_db()
    assert coverage.end == date(2024, 2, 29)
    assert coverage.history.latest().history_user == alice


def test_coverage_cannot_end_before_it_started(client, alice, joint_branch, institutions):
    coverage = CoverageFactory(branch=joint_branch, institution=institutions[0],
                               start=date(2022, 1, 1))
    client.force_login(alice)
    response = confirm(client, reverse("organisation:coverage_end", args=[coverage.pk]),
                       {"on": "2021-12-31"})
    assert "不能早于开始日期 2022-01-01" in form_error_text(response)
    coverage.refresh_from_db()
    assert coverage.end is None


# Dissolving and merging ----------------------------------------------------------------


@pytest.fixture
def populated_branch(joint_branch, institutions):
    """A joint branch covering three institutions, with two members (one the secretary)."""
    for institution in institutions:
        CoverageFactory(branch=joint_branch, institution=institution, start=date(2022, 1, 1))
    MembershipFactory(branch=joint_branch, member=MemberFactory(name="王芳"),
                      employer=institutions[0], start=date(2022, 1, 1), is_secretary=True)
    MembershipFactory(branch=joint_branch, member=MemberFactory(name="李强"),
                      employer=institutions[1], start=date(2022, 1, 1))
    PairingFactory(branch=joint_branch, start=date(2022, 3, 1),
                   school_branch=SchoolBranchFactory(school="益阳市第一中学", name="第一党支部"))
    return joint_branch


def test_the_dissolve_preview_counts_what_ends(client, alice, populated_branch):
    client.force_login(alice)
    response = preview(client, branch_url("branch_dissolve", populated_branch),
                       {"on": "2024-02-29"})
    text = page_text(response)
    assert ("将于 2024-02-29 撤销“赫山区第一联合党支部”：以下 3 家机构的覆盖、2 名党员的组织关系、"
            "1 项结对共建在当天结束。") in text
    assert "党员：王芳、李强" in text
    assert 'class="danger"' in text
    populated_branch.refresh_from_db()
    assert populated_branch.dissolved_on is None


def test_dissolving_a_branch_ends_its_coverage_members_and_pairings(client, alice,
                                                                   populated_branch):
    client.force_login(alice)
    response = confirm(client, branch_url("branch_dissolve", populated_branch),
                       {"on": "2024-02-29"})
    assert response["Location"] == detail(populated_branch)
    populated_branch.refresh_from_db()
    assert populated_branch.dissolved_on == date(2024, 2, 29)
    assert set(Coverage.objects.values_list("end", flat=True)) == {date(2024, 2, 29)}
    assert set(Membership.objects.values_list("end", flat=True)) == {date(2024, 2, 29)}
    assert set(Pairing.objects.values_list("end", flat=True)) == {date(2024, 2, 29)}
    assert populated_branch.history.latest().history_user == alice
    assert Coverage.history.latest().history_user == alice


def test_a_branch_cannot_be_dissolved_before_it_was_founded(client, alice, populated_branch):
    client.force_login(alice)
    response = confirm(client, branch_url("branch_dissolve", populated_branch),
                       {"on": "2020-12-31"})
    assert "撤销日期 2020-12-31 不能早于成立日期 2021-01-01" in form_error_text(response)
    populated_branch.refresh_from_db()
    assert populated_branch.dissolved_on is None
    assert not Coverage.objects.filter(end__isnull=False).exists()


def test_the_merge_preview_says_what_moves_and_when_the_source_ends(client, alice,
                                                                   populated_branch,
                                                                   second_branch):
    client.force_login(alice)
    response = preview(client, branch_url("branch_merge", populated_branch),
                       {"target": second_branch.pk, "on": "2024-03-01"})
    text = page_text(response)
    assert ("将于 2024-03-01 把“赫山区第一联合党支部”合并到“赫山区第二联合党支部”："
            "以下 3 家机构的覆盖、2 名党员的组织关系转入“赫山区第二联合党支部”；"
            "“赫山区第一联合党支部”撤销日期为 2024-02-29。") in text
    assert ("机构：赫山区启航英语培训学校、赫山区金话筒口才培训中心、"
            "赫山区小牛顿科学培训学校") in text
    assert not Coverage.objects.filter(branch=second_branch).exists()


def test_merging_moves_coverage_and_members_to_the_target(client, alice, populated_branch,
                                                         second_branch, institutions):
    client.force_login(alice)
    response = confirm(client, branch_url("branch_merge", populated_branch),
                       {"target": second_branch.pk, "on": "2024-03-01"})
    assert response["Location"] == detail(second_branch)
    populated_branch.refresh_from_db()
    assert populated_branch.dissolved_on == date(2024, 2, 29)
    moved = Coverage.objects.filter(branch=second_branch, start=date(2024, 3, 1), end=None)
    assert {c.institution for c in moved} == set(institutions)
    assert set(Membership.objects.filter(branch=second_branch)
               .values_list("member__name", flat=True)) == {"王芳", "李强"}
    assert set(Coverage.objects.filter(branch=populated_branch)
               .values_list("end", flat=True)) == {date(2024, 2, 29)}
    assert Pairing.objects.filter(branch=second_branch, start=date(2024, 3, 1)).count() == 1
    assert moved.first().history.latest().history_user == alice
    assert flashed(response) == ["已将“赫山区第一联合党支部”合并到“赫山区第二联合党支部”。"]


def test_confirming_the_merge_page_merges_on_the_previewed_date(client, alice,
                                                               populated_branch,
                                                               second_branch):
    client.force_login(alice)
    url = branch_url("branch_merge", populated_branch)
    response = preview(client, url, {"target": second_branch.pk, "on": "2024-03-01"})
    confirm(client, url, carried_values(response))
    populated_branch.refresh_from_db()
    assert populated_branch.dissolved_on == date(2024, 2, 29)
    assert Coverage.objects.filter(branch=second_branch).count() == 3


def test_several_institutions_cannot_be_merged_into_a_standalone_branch(
    client, alice, populated_branch, standalone_branch
):
    client.force_login(alice)
    response = confirm(client, branch_url("branch_merge", populated_branch),
                       {"target": standalone_branch.pk, "on": "2024-03-01"})
    assert "单独党支部" in form_error_text(response)
    populated_branch.refresh_from_db()
    assert populated_branch.dissolved_on is None
    assert not Coverage.objects.filter(branch=standalone_branch).exists()
    assert not Coverage.objects.filter(end__isnull=False).exists()


def test_a_branch_of_another_county_is_not_offered_as_merge_target(client, alice,
                                                                  populated_branch,
                                                                  committee_b):
    elsewhere = BranchFactory(name="资阳区第一联合党支部", committee=committee_b)
    client.force_login(alice)
    form_page = client.get(branch_url("branch_merge", populated_branch))
    assert "资阳区第一联合党支部" not in page_text(form_page)
    assert "赫山区第一联合党支部</option>" not in page_text(form_page)
    response = confirm(client, branch_url("branch_merge", populated_branch),
                       {"target": elsewhere.pk, "on": "2024-03-01"})
    assert "target" in response.context["form"].errors
    populated_branch.refresh_from_db()
    assert populated_branch.dissolved_on is None


# Secretary -----------------------------------------------------------------------------


def test_setting_a_new_secretary_steps_the_old_one_down(client, alice, populated_branch):
    client.force_login(alice)
    li = Membership.objects.get(member__name="李强").member
    url = branch_url("secretary_set", populated_branch)
    response = preview(client, url, {"member": li.pk, "on": "2024-03-01"})
    text = page_text(response)
    assert "将从 2024-03-01 起由 李强 担任“赫山区第一联合党支部”书记。" in text
    assert "原书记 王芳 于 2024-02-29 卸任" in text

    response = confirm(client, url, {"member": li.pk, "on": "2024-03-01"})
    assert response["Location"] == detail(populated_branch)
    secretaries = Membership.objects.filter(branch=populated_branch, is_secretary=True)
    assert [(m.member.name, m.start, m.end) for m in secretaries.order_by("start")] == [
        ("王芳", date(2022, 1, 1), date(2024, 2, 29)),
        ("李强", date(2024, 3, 1), None),
    ]
    assert secretaries.get(end=None).history.latest().history_user == alice


def test_a_secretary_must_belong_to_the_branch_on_that_day(client, alice, populated_branch):
    client.force_login(alice)
    li = Membership.objects.get(member__name="李强").member
    response = confirm(client, branch_url("secretary_set", populated_branch),
                       {"member": li.pk, "on": "2021-06-01"})
    assert "李强在 2021-06-01 不是“赫山区第一联合党支部”的党员，不能担任书记。" in form_error_text(
        response)
    assert Membership.objects.get(member=li).is_secretary is False
