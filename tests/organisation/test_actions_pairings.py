from datetime import date

import pytest
from django.urls import reverse

from partybuild.organisation.models import Pairing, SchoolBranch
from tests.action_helpers import (
    confirm,
    flashed,
    form_error_text,
    is_confirmation_page,
    page_text,
    preview,
)
from tests.factories import BranchFactory, PairingFactory, SchoolBranchFactory

CREATE_URL = reverse("organisation:pairing_create")
LIST_URL = reverse("organisation:pairing_list")


@pytest.fixture
def branch(committee_a):
    return BranchFactory(name="赫山区第一联合党支部", committee=committee_a,
                         founded_on=date(2021, 1, 1))


def pairing_data(branch, **changes):
    return {"branch": branch.pk, "school": "益阳市第六中学", "school_branch_name": "第二党支部",
            "start": "2024-03-01", **changes}


def test_a_pairing_is_previewed_then_created_with_a_new_school_branch(client, alice, branch):
    client.force_login(alice)
    response = preview(client, CREATE_URL, pairing_data(branch))
    assert is_confirmation_page(response)
    assert ("将从 2024-03-01 起“赫山区第一联合党支部”与 益阳市第六中学 第二党支部 结对共建。"
            in page_text(response))
    assert not SchoolBranch.objects.exists()

    response = confirm(client, CREATE_URL, pairing_data(branch))
    assert response["Location"] == LIST_URL
    pairing = Pairing.objects.select_related("school_branch").get()
    assert (pairing.branch, pairing.school_branch.school, pairing.school_branch.name,
            pairing.start, pairing.end) == (branch, "益阳市第六中学", "第二党支部",
                                            date(2024, 3, 1), None)
    assert pairing.school_branch.region == branch.committee.region
    assert pairing.history.latest().history_user == alice
    assert pairing.school_branch.history.latest().history_user == alice
    assert flashed(response) == ["“赫山区第一联合党支部”已与 益阳市第六中学 第二党支部 结对。"]


def test_a_known_school_branch_is_reused(client, alice, branch):
    known = SchoolBranchFactory(school="益阳市第六中学", name="第二党支部")
    client.force_login(alice)
    confirm(client, CREATE_URL, pairing_data(branch))
    assert SchoolBranch.objects.get() == known
    assert Pairing.objects.get().school_branch == known


def test_the_branch_can_be_chosen_in_advance_from_its_page(client, alice, branch):
    client.force_login(alice)
    response = client.get(CREATE_URL, {"branch": branch.pk})
    assert f'<option value="{branch.pk}" selected>' in page_text(response)


def test_a_refused_pairing_leaves_no_new_school_branch_behind(client, alice, branch):
    client.force_login(alice)
    response = confirm(client, CREATE_URL, pairing_data(branch, start="2020-03-01"))
    assert ("结对开始日期 2020-03-01 早于支部“赫山区第一联合党支部”的成立日期"
            in form_error_text(response))
    assert not Pairing.objects.exists()
    assert not SchoolBranch.objects.exists()


def test_pairing_twice_with_the_same_school_branch_is_refused(client, alice, branch):
    school_branch = SchoolBranchFactory(school="益阳市第六中学", name="第二党支部")
    PairingFactory(branch=branch, school_branch=school_branch, start=date(2022, 3, 1))
    client.force_login(alice)
    response = confirm(client, CREATE_URL, pairing_data(branch))
    assert "已结对" in form_error_text(response)
    assert Pairing.objects.count() == 1


def test_a_pairing_cannot_be_made_for_another_countys_branch(client, alice, committee_b):
    elsewhere = BranchFactory(name="资阳区第一联合党支部", committee=committee_b)
    client.force_login(alice)
    response = confirm(client, CREATE_URL, pairing_data(elsewhere))
    assert "branch" in response.context["form"].errors
    assert not Pairing.objects.exists()


def test_ending_a_pairing_records_its_last_day(client, alice, branch):
    pairing = PairingFactory(branch=branch, start=date(2022, 3, 1),
                             school_branch=SchoolBranchFactory(school="益阳市第六中学",
                                                               name="第二党支部"))
    client.force_login(alice)
    url = reverse("organisation:pairing_end", args=[pairing.pk])
    response = preview(client, url, {"on": "2024-06-30"})
    text = page_text(response)
    assert ("“赫山区第一联合党支部”与 益阳市第六中学 第二党支部 的结对共建"
            "将于 2024-06-30 结束") in text
    assert 'class="danger"' in text
    pairing.refresh_from_db()
    assert pairing.end is None

    response = confirm(client, url, {"on": "2024-06-30"})
    assert response["Location"] == LIST_URL
    pairing.refresh_from_db()
    assert pairing.end == date(2024, 6, 30)
    assert pairing.history.latest().history_user == alice


def test_a_pairing_cannot_end_before_it_started(client, alice, branch):
    pairing = PairingFactory(branch=branch, start=date(2022, 3, 1))
    client.force_login(alice)
    response = confirm(client, reverse("organisation:pairing_end", args=[pairing.pk]),
                       {"on": "2022-02-28"})
    assert "结束日期 2022-02-28 不能早于开始日期 2022-03-01" in form_error_text(response)
    pairing.refresh_from_db()
    assert pairing.end is None
