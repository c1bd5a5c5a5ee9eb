from datetime import date

import pytest
from django.urls import reverse

from partybuild.organisation.models import Member, Membership
from tests.action_helpers import (
    confirm,
    flashed,
    form_error_text,
    is_confirmation_page,
    page_text,
    preview,
)
from tests.factories import BranchFactory, MemberFactory, MembershipFactory

CREATE_URL = reverse("organisation:member_create")


@pytest.fixture
def branch(committee_a):
    return BranchFactory(name="赫山区第一联合党支部", committee=committee_a,
                         founded_on=date(2021, 1, 1))


@pytest.fixture
def other_branch(committee_a):
    return BranchFactory(name="赫山区第二联合党支部", committee=committee_a,
                         founded_on=date(2021, 1, 1))


@pytest.fixture
def member(branch, institution_a):
    member = MemberFactory(number="DY430903001", name="王芳", status=Member.Status.FULL)
    MembershipFactory(member=member, branch=branch, employer=institution_a,
                      start=date(2022, 1, 1))
    return member


def member_url(name, member):
    return reverse(f"organisation:{name}", args=[member.pk])


def detail(member):
    return reverse("organisation:member_detail", args=[member.pk])


@pytest.fixture
def new_member(branch, institution_a):
    return {"number": "DY430903099", "name": "周婷", "gender": Member.Gender.FEMALE,
            "status": Member.Status.PROBATIONARY, "joined_on": "2023-07-01",
            "branch": branch.pk, "start": "2023-09-01", "employer": institution_a.pk}


def test_a_new_member_is_previewed_then_registered_in_the_branch(client, alice, new_member,
                                                                institution_a):
    client.force_login(alice)
    response = preview(client, CREATE_URL, new_member)
    assert is_confirmation_page(response)
    assert ("将新增党员 周婷（编号 DY430903099，预备党员），"
            "从 2023-09-01 起组织关系在“赫山区第一联合党支部”。") in page_text(response)
    assert not Member.objects.exists()

    response = confirm(client, CREATE_URL, new_member)
    member = Member.objects.get(number="DY430903099")
    assert response["Location"] == detail(member)
    membership = member.memberships.get()
    assert (membership.branch.name, membership.start, membership.end, membership.employer) == (
        "赫山区第一联合党支部", date(2023, 9, 1), None, institution_a)
    assert member.history.latest().history_user == alice
    assert membership.history.latest().history_user == alice
    assert flashed(response) == ["已新增党员 周婷。"]


def test_a_member_number_already_used_is_refused(client, alice, member, new_member):
    client.force_login(alice)
    response = confirm(client, CREATE_URL, {**new_member, "number": "DY430903001"})
    assert "党员编号" in form_error_text(response)
    assert Member.objects.count() == 1


def test_a_member_cannot_join_before_the_branch_was_founded(client, alice, new_member):
    client.force_login(alice)
    response = confirm(client, CREATE_URL, {**new_member, "start": "2020-09-01"})
    assert "早于支部“赫山区第一联合党支部”的成立日期 2021-01-01" in form_error_text(response)
    assert not Member.objects.exists()


def test_a_member_cannot_be_put_in_another_countys_branch(client, alice, committee_b,
                                                         new_member):
    elsewhere = BranchFactory(name="资阳区第一联合党支部", committee=committee_b)
    client.force_login(alice)
    response = confirm(client, CREATE_URL, {**new_member, "branch": elsewhere.pk})
    assert "branch" in response.context["form"].errors
    assert not Member.objects.exists()


def test_editing_a_member_shows_the_change_and_saves_it(client, alice, member):
    client.force_login(alice)
    data = {"name": "王芳", "gender": Member.Gender.FEMALE,
            "status": Member.Status.PROBATIONARY, "joined_on": "2010-07-01"}
    response = preview(client, member_url("member_update", member), data)
    assert "类别：正式党员 → 预备党员" in page_text(response)
    response = confirm(client, member_url("member_update", member), data)
    assert response["Location"] == detail(member)
    member.refresh_from_db()
    assert member.status == Member.Status.PROBATIONARY
    assert member.history.latest().history_user == alice


def test_transferring_a_member_ends_the_old_membership_the_day_before(client, alice, member,
                                                                     other_branch,
                                                                     institution_a):
    client.force_login(alice)
    url = member_url("member_transfer", member)
    data = {"to_branch": other_branch.pk, "on": "2024-03-01", "employer": ""}
    response = preview(client, url, data)
    assert ("将于 2024-03-01 把党员 王芳 的组织关系从“赫山区第一联合党支部”"
            "转入“赫山区第二联合党支部”；"
            "在“赫山区第一联合党支部”的组织关系于 2024-02-29 结束。") in page_text(response)
    assert member.memberships.count() == 1

    response = confirm(client, url, data)
    assert response["Location"] == detail(member)
    periods = [(m.branch.name, m.start, m.end, m.employer)
               for m in member.memberships.order_by("start")]
    assert periods == [
        ("赫山区第一联合党支部", date(2022, 1, 1), date(2024, 2, 29), institution_a),
        ("赫山区第二联合党支部", date(2024, 3, 1), None, institution_a),
    ]
    assert Membership.history.latest().history_user == alice


def test_a_transfer_into_the_same_branch_is_refused(client, alice, member, branch):
    client.force_login(alice)
    response = confirm(client, member_url("member_transfer", member),
                       {"to_branch": branch.pk, "on": "2024-03-01", "employer": ""})
    assert "王芳在 2024-03-01 已属于“赫山区第一联合党支部”" in form_error_text(response)
    assert member.memberships.get().end is None


def test_a_member_already_in_another_branch_cannot_be_moved_over_that_period(
    client, alice, member, other_branch
):
    client.force_login(alice)
    response = confirm(client, member_url("member_transfer", member),
                       {"to_branch": other_branch.pk, "on": "2021-06-01", "employer": ""})
    assert ("党员王芳在 2022-01-01 至今 属于“赫山区第一联合党支部”，同一天只能属于一个支部"
            in form_error_text(response))
    assert member.memberships.count() == 1


def test_transferring_out_ends_the_membership_on_that_day(client, alice, member):
    client.force_login(alice)
    url = member_url("member_transfer_out", member)
    response = preview(client, url, {"on": "2024-05-31"})
    text = page_text(response)
    assert ("党员 王芳 在“赫山区第一联合党支部”的组织关系将于 2024-05-31 结束（转出）" in text)
    assert 'class="danger"' in text
    assert member.memberships.get().end is None

    response = confirm(client, url, {"on": "2024-05-31"})
    assert response["Location"] == detail(member)
    membership = member.memberships.get()
    assert membership.end == date(2024, 5, 31)
    assert membership.history.latest().history_user == alice


def test_a_member_not_in_any_branch_on_that_day_cannot_be_transferred_out(client, alice,
                                                                        member):
    client.force_login(alice)
    response = confirm(client, member_url("member_transfer_out", member), {"on": "2021-05-31"})
    assert "党员王芳在 2021-05-31 不属于任何支部。" in form_error_text(response)
    assert member.memberships.get().end is None


def test_the_outsider_cannot_touch_a_county_a_member(client, eve, member):
    client.force_login(eve)
    for name in ("member_update", "member_transfer", "member_transfer_out"):
        assert client.get(member_url(name, member)).status_code == 404
    assert confirm(client, member_url("member_transfer_out", member),
                   {"on": "2024-05-31"}).status_code == 404
    assert member.memberships.get().end is None
