"""Every gap links to the form that fixes it, with the record filled in; after 确认 the user
is back on the gaps page and the gap is gone."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from partybuild.instructors.models import Assignment
from partybuild.organisation.models import Branch, Coverage, Membership
from tests.action_helpers import carried_values, confirm, is_confirmation_page, preview
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    CoverageFactory,
    InstitutionFactory,
    InstructorFactory,
    MemberFactory,
    MembershipFactory,
)

GAPS = reverse("coverage_gaps")


@pytest.fixture
def branch(committee_a):
    return BranchFactory(name="赫山区第一联合党支部", committee=committee_a)


@pytest.fixture
def uncovered(county_a):
    return InstitutionFactory(name="赫山区书香培训学校", region=county_a)


def gap_links(client) -> str:
    return client.get(GAPS).content.decode()


def follow_fix(client, url: str, data: dict):
    """Fill in the linked form, confirm, and return the answer of the confirming POST."""
    response = preview(client, url, data)
    assert is_confirmation_page(response), response.context["form"].errors
    return confirm(client, url, carried_values(response))


def test_an_uncovered_institution_is_covered_from_its_gap_and_the_user_returns(
        client, alice, branch, uncovered):
    client.force_login(alice)
    link = (f"{reverse('organisation:institution_cover', args=[uncovered.pk])}"
            f"?next=/gaps/")
    assert link.replace("&", "&amp;") in gap_links(client)
    form = client.get(link).context["form"]
    assert form.initial["start"] == timezone.localdate()
    response = follow_fix(client, link, {"branch": branch.pk,
                                         "start": timezone.localdate().isoformat()})
    assert response.status_code == 302 and response.url == GAPS
    assert Coverage.objects.filter(branch=branch, institution=uncovered).exists()
    assert "赫山区书香培训学校" not in client.get(GAPS).context["gaps"].uncovered.__repr__()
    assert uncovered not in client.get(GAPS).context["gaps"].uncovered


def test_a_lapsed_coverage_is_renewed_with_the_institution_already_chosen(
        client, alice, branch, uncovered):
    CoverageFactory(branch=branch, institution=uncovered, start=date(2022, 1, 1),
                    end=date(2023, 12, 31))
    client.force_login(alice)
    link = (f"{reverse('organisation:coverage_add', args=[branch.pk])}"
            f"?institution={uncovered.pk}&next=/gaps/")
    assert link.replace("&", "&amp;") in gap_links(client)
    response = client.get(link)
    assert response.context["form"].initial["institution"] == str(uncovered.pk)
    assert f'<option value="{uncovered.pk}" selected>' in response.content.decode()
    response = follow_fix(client, link, {"institution": uncovered.pk,
                                         "start": timezone.localdate().isoformat()})
    assert response.url == GAPS
    assert uncovered not in client.get(GAPS).context["gaps"].uncovered


def test_an_institution_without_instructor_gets_one_from_its_gap(client, alice, county_a,
                                                                   uncovered):
    instructor = InstructorFactory(name="周敏", region=county_a)
    client.force_login(alice)
    link = f"{reverse('instructors:assignment_create')}?institution={uncovered.pk}&next=/gaps/"
    assert link.replace("&", "&amp;") in gap_links(client)
    response = follow_fix(client, link, {"instructor": instructor.pk,
                                         "institution": uncovered.pk,
                                         "start": timezone.localdate().isoformat()})
    assert response.url == GAPS
    assert Assignment.objects.filter(instructor=instructor, institution=uncovered).exists()
    assert uncovered not in client.get(GAPS).context["gaps"].without_instructor


def test_a_branch_without_secretary_gets_one_from_its_gap(client, alice, branch, uncovered):
    CoverageFactory(branch=branch, institution=uncovered)
    AssignmentFactory(institution=uncovered)
    membership = MembershipFactory(branch=branch, member=MemberFactory(name="王芳"))
    client.force_login(alice)
    link = f"{reverse('organisation:secretary_set', args=[branch.pk])}?next=/gaps/"
    assert link in gap_links(client)
    response = follow_fix(client, link, {"member": membership.member.pk,
                                         "on": timezone.localdate().isoformat()})
    assert response.url == GAPS
    assert client.get(GAPS).context["gaps"].total == 0


def test_a_small_standalone_branch_links_to_a_new_member_form_with_the_branch_chosen(
        client, alice, committee_a, uncovered):
    standalone = BranchFactory(name="赫山区书香培训学校党支部", committee=committee_a,
                               kind=Branch.Kind.STANDALONE)
    client.force_login(alice)
    link = f"{reverse('organisation:member_create')}?branch={standalone.pk}&next=/gaps/"
    assert link.replace("&", "&amp;") in gap_links(client)
    assert client.get(link).context["form"].initial["branch"] == str(standalone.pk)
    response = follow_fix(client, link, {
        "number": "DY900001", "name": "周敏", "gender": "female", "status": "full",
        "joined_on": "2015-07-01", "branch": standalone.pk,
        "start": timezone.localdate().isoformat(), "employer": ""})
    assert response.url == GAPS
    assert Membership.objects.filter(branch=standalone, member__name="周敏").exists()


@pytest.mark.parametrize("next_url", ["https://example.com/", "//example.com/", "gaps/"])
def test_a_return_address_off_the_site_is_ignored(client, alice, branch, uncovered, next_url):
    client.force_login(alice)
    url = reverse("organisation:institution_cover", args=[uncovered.pk])
    response = preview(client, f"{url}?next={next_url}",
                       {"branch": branch.pk, "start": timezone.localdate().isoformat()})
    response = confirm(client, f"{url}?next={next_url}", carried_values(response))
    assert response.url == reverse("organisation:institution_detail", args=[uncovered.pk])


def test_an_institution_of_another_county_cannot_be_covered_from_the_gap_form(
        client, alice, branch, institution_b):
    client.force_login(alice)
    url = reverse("organisation:institution_cover", args=[institution_b.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"branch": branch.pk, "start": "2024-03-01",
                             "confirm": "1"}).status_code == 404
    assert not Coverage.objects.exists()


def test_the_gap_lists_are_in_natural_order(client, alice, committee_a):
    for name in ("第十联合党支部", "第二联合党支部", "第三联合党支部", "第一联合党支部"):
        BranchFactory(name=name, committee=committee_a)
    client.force_login(alice)
    gaps = client.get(GAPS).context["gaps"]
    assert [b.name for b in gaps.without_secretary] == [
        "第一联合党支部", "第二联合党支部", "第三联合党支部", "第十联合党支部"]
