"""A secretary hand-over splits memberships in the branch; the member table shows one row
per member who never left, not an 已转出 row and a second row for the same person."""

from datetime import date

import pytest
from django.urls import reverse

from partybuild.organisation.services import secretary_set
from tests.factories import BranchFactory, MemberFactory, MembershipFactory


@pytest.fixture
def handed_over(committee_a, alice):
    branch = BranchFactory(name="赫山区第一联合党支部", committee=committee_a)
    wang = MembershipFactory(branch=branch, member=MemberFactory(name="王芳"),
                             start=date(2022, 1, 1)).member
    li = MembershipFactory(branch=branch, member=MemberFactory(name="李强"),
                           start=date(2022, 1, 1)).member
    secretary_set(acting_user=alice, branch=branch, member=wang, on=date(2023, 3, 1))
    secretary_set(acting_user=alice, branch=branch, member=li, on=date(2024, 6, 1))
    return branch


def test_each_member_who_never_left_is_one_row_here_today(client, alice, handed_over):
    client.force_login(alice)
    response = client.get(reverse("organisation:branch_detail", args=[handed_over.pk]))
    rows = [(s.member.name, s.start, s.end, s.holding_today, s.is_secretary)
            for s in response.context["detail"].memberships]
    assert sorted(rows) == [
        ("李强", date(2022, 1, 1), None, True, True),
        ("王芳", date(2022, 1, 1), None, True, False),
    ]
    html = response.content.decode()
    assert '<span class="badge">已转出</span>' not in html
    # Both secretaries' terms stay in the secretaries table.
    assert [m.member.name for m in response.context["detail"].secretaries] == ["李强", "王芳"]


def test_a_member_who_really_left_and_came_back_keeps_two_rows(client, alice, committee_a):
    branch = BranchFactory(committee=committee_a)
    member = MemberFactory(name="赵敏")
    MembershipFactory(branch=branch, member=member, start=date(2021, 1, 1),
                      end=date(2021, 12, 31))
    MembershipFactory(branch=branch, member=member, start=date(2023, 1, 1))
    client.force_login(alice)
    response = client.get(reverse("organisation:branch_detail", args=[branch.pk]))
    stays = response.context["detail"].memberships
    assert [(s.start, s.end, s.holding_today) for s in stays] == [
        (date(2023, 1, 1), None, True), (date(2021, 1, 1), date(2021, 12, 31), False)]
    assert '<span class="badge">已转出</span>' in response.content.decode()
