"""Every confirmed action validates before its confirmation page: the summary only ever shows
something that will succeed, and the confirming POST still re-validates."""

from datetime import date

import pytest
from django.urls import reverse

from partybuild.organisation.models import Branch, Coverage
from tests.action_helpers import (
    carried_values,
    confirm,
    form_error_text,
    is_confirmation_page,
    preview,
)
from tests.factories import BranchFactory, CoverageFactory, InstitutionFactory


@pytest.fixture
def joint_branch(committee_a):
    return BranchFactory(name="赫山区第一联合党支部", committee=committee_a,
                         founded_on=date(2021, 1, 1))


@pytest.fixture
def standalone_branch(committee_a):
    return BranchFactory(name="赫山区阳光艺术培训学校党支部", committee=committee_a,
                         kind=Branch.Kind.STANDALONE, founded_on=date(2021, 1, 1))


def test_an_overlapping_coverage_is_refused_on_the_form_not_after_confirming(
    client, alice, joint_branch, committee_a, institution_a
):
    other = BranchFactory(name="赫山区第二联合党支部", committee=committee_a,
                          founded_on=date(2021, 1, 1))
    CoverageFactory(branch=other, institution=institution_a, start=date(2022, 1, 1))
    client.force_login(alice)
    response = preview(client, reverse("organisation:coverage_add", args=[joint_branch.pk]),
                       {"institution": institution_a.pk, "start": "2024-03-01", "end": ""})
    assert not is_confirmation_page(response)
    assert "赫山区第二联合党支部" in form_error_text(response)
    assert Coverage.objects.count() == 1


def test_merging_several_institutions_into_a_standalone_branch_is_refused_before_the_summary(
    client, alice, joint_branch, standalone_branch, county_a
):
    for name in ("赫山区启航英语培训学校", "赫山区金话筒口才培训中心"):
        CoverageFactory(branch=joint_branch, start=date(2022, 1, 1),
                        institution=InstitutionFactory(region=county_a, name=name))
    client.force_login(alice)
    response = preview(client, reverse("organisation:branch_merge", args=[joint_branch.pk]),
                       {"target": standalone_branch.pk, "on": "2024-03-01"})
    assert not is_confirmation_page(response)
    assert "单独党支部" in form_error_text(response)
    joint_branch.refresh_from_db()
    assert joint_branch.dissolved_on is None
    assert not Coverage.objects.filter(branch=standalone_branch).exists()


def test_a_valid_action_shows_its_summary_and_the_preview_writes_nothing(
    client, alice, joint_branch, institution_a
):
    client.force_login(alice)
    url = reverse("organisation:coverage_add", args=[joint_branch.pk])
    response = preview(client, url, {"institution": institution_a.pk, "start": "2024-03-01",
                                     "end": ""})
    assert is_confirmation_page(response)
    assert not Coverage.objects.exists()
    assert not Coverage.history.exists()
    confirm(client, url, carried_values(response))
    assert Coverage.objects.filter(branch=joint_branch, institution=institution_a).exists()


def test_the_confirming_post_still_revalidates_when_the_world_changed_meanwhile(
    client, alice, joint_branch, committee_a, institution_a
):
    client.force_login(alice)
    url = reverse("organisation:coverage_add", args=[joint_branch.pk])
    response = preview(client, url, {"institution": institution_a.pk, "start": "2024-03-01",
                                     "end": ""})
    assert is_confirmation_page(response)
    # Someone else covers the institution between the summary and the 确认.
    CoverageFactory(branch=BranchFactory(committee=committee_a, founded_on=date(2021, 1, 1)),
                    institution=institution_a, start=date(2024, 1, 1))
    response = confirm(client, url, carried_values(response))
    assert not is_confirmation_page(response)
    assert form_error_text(response)
    assert not Coverage.objects.filter(branch=joint_branch).exists()
