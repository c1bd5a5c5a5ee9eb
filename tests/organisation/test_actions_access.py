"""Who may open and submit the organisation actions: staff only, and only in their county."""

from datetime import date

import pytest
from django.urls import reverse

from partybuild.organisation.models import Branch, Coverage, Institution, Member, Pairing
from tests.action_helpers import confirm
from tests.factories import (
    BranchFactory,
    CoverageFactory,
    MemberFactory,
    MembershipFactory,
    PairingFactory,
)

# (URL name, which county-A record its pk points at; None for the create actions)
ACTIONS = [
    ("institution_create", None),
    ("institution_update", "institution"),
    ("branch_create", None),
    ("branch_update", "branch"),
    ("branch_dissolve", "branch"),
    ("branch_merge", "branch"),
    ("coverage_add", "branch"),
    ("coverage_end", "coverage"),
    ("secretary_set", "branch"),
    ("member_create", None),
    ("member_update", "member"),
    ("member_transfer", "member"),
    ("member_transfer_out", "member"),
    ("pairing_create", None),
    ("pairing_end", "pairing"),
]
OBJECT_ACTIONS = [action for action in ACTIONS if action[1] is not None]


@pytest.fixture
def county_a_records(committee_a, institution_a):
    branch = BranchFactory(name="赫山区第一联合党支部", committee=committee_a)
    member = MemberFactory(name="王芳")
    MembershipFactory(member=member, branch=branch, start=date(2022, 1, 1))
    return {
        "institution": institution_a,
        "branch": branch,
        "coverage": CoverageFactory(branch=branch, institution=institution_a),
        "member": member,
        "pairing": PairingFactory(branch=branch),
    }


def url_for(name, target, records):
    args = [records[target].pk] if target else []
    return reverse(f"organisation:{name}", args=args)


@pytest.mark.parametrize(("name", "target"), ACTIONS)
def test_committee_staff_can_open_every_action(client, alice, county_a_records, name, target):
    client.force_login(alice)
    assert client.get(url_for(name, target, county_a_records)).status_code == 200


@pytest.mark.parametrize(("name", "target"), ACTIONS)
@pytest.mark.parametrize("who", ["carol", "bob"])
def test_reviewers_and_instructors_are_forbidden(client, request, county_a_records, who,
                                                 name, target):
    client.force_login(request.getfixturevalue(who))
    url = url_for(name, target, county_a_records)
    assert client.get(url).status_code == 403
    assert confirm(client, url, {"on": "2024-03-01"}).status_code == 403


@pytest.mark.parametrize(("name", "target"), ACTIONS)
def test_anonymous_visitors_are_sent_to_login(client, county_a_records, name, target):
    url = url_for(name, target, county_a_records)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "target"), OBJECT_ACTIONS)
def test_the_outsider_gets_not_found_for_county_a_records(client, eve, county_a_records,
                                                          name, target):
    client.force_login(eve)
    url = url_for(name, target, county_a_records)
    assert client.get(url).status_code == 404
    assert confirm(client, url, {"on": "2024-03-01"}).status_code == 404


def test_a_forged_post_cannot_end_county_a_records(client, eve, county_a_records):
    client.force_login(eve)
    branch = county_a_records["branch"]
    confirm(client, reverse("organisation:branch_dissolve", args=[branch.pk]),
            {"on": "2024-03-01"})
    confirm(client, reverse("organisation:coverage_end", args=[county_a_records["coverage"].pk]),
            {"on": "2024-03-01"})
    branch.refresh_from_db()
    assert branch.dissolved_on is None
    assert not Coverage.objects.filter(end__isnull=False).exists()


def test_the_outsider_cannot_submit_county_a_ids_in_her_own_forms(client, eve, committee_a,
                                                                  committee_b,
                                                                  county_a_records):
    eve_branch = BranchFactory(name="资阳区第一联合党支部", committee=committee_b)
    client.force_login(eve)
    county_a_branch = county_a_records["branch"]
    responses = [
        confirm(client, reverse("organisation:member_create"), {
            "number": "DY430902001", "name": "赵敏", "gender": "female", "status": "full",
            "joined_on": "", "branch": county_a_branch.pk, "start": "2024-03-01",
            "employer": ""}),
        confirm(client, reverse("organisation:branch_create"), {
            "name": "越权支部", "kind": "joint", "committee": committee_a.pk,
            "founded_on": "2024-03-01"}),
        confirm(client, reverse("organisation:coverage_add", args=[eve_branch.pk]), {
            "institution": county_a_records["institution"].pk, "start": "2024-03-01",
            "end": ""}),
        confirm(client, reverse("organisation:branch_merge", args=[eve_branch.pk]), {
            "target": county_a_branch.pk, "on": "2024-03-01"}),
        confirm(client, reverse("organisation:secretary_set", args=[eve_branch.pk]), {
            "member": county_a_records["member"].pk, "on": "2024-03-01"}),
        confirm(client, reverse("organisation:pairing_create"), {
            "branch": county_a_branch.pk, "school": "益阳市第一中学",
            "school_branch_name": "第一党支部", "start": "2024-03-01"}),
    ]
    for response in responses:
        assert response.status_code == 200
        assert response.context["form"].errors
    assert Member.objects.count() == 1
    assert set(Branch.objects.values_list("name", flat=True)) == {
        "赫山区第一联合党支部", "资阳区第一联合党支部"}
    assert Coverage.objects.count() == 1
    assert Pairing.objects.count() == 1
    assert Branch.objects.filter(dissolved_on__isnull=False).count() == 0


def test_the_outsider_cannot_register_an_institution_in_county_a(client, eve, county_a):
    client.force_login(eve)
    response = confirm(client, reverse("organisation:institution_create"), {
        "name": "越权机构", "credit_code": "", "category": "arts",
        "licence": "licensed_permitted", "region": county_a.pk, "opened_on": "2024-03-01"})
    assert "region" in response.context["form"].errors
    assert not Institution.objects.filter(name="越权机构").exists()


def test_only_committees_of_the_staffs_county_are_offered(client, alice, committee_a,
                                                         committee_b):
    client.force_login(alice)
    text = client.get(reverse("organisation:branch_create")).content.decode()
    assert "赫山区民办教育党委" in text
    assert "资阳区民办教育党委" not in text
