"""The activity pages: list, detail, evidence download, record and edit forms."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partybuild.activities.models import Activity, ActivityEvidence
from tests.action_helpers import flashed, form_error_text, page_text
from tests.factories import BranchFactory
from tests.factories_activities import PNG_BYTES, ActivityEvidenceFactory, ActivityFactory

pytestmark = pytest.mark.django_db

LIST = reverse("activities:activity_list")
CREATE = reverse("activities:activity_create")


def detail_url(activity) -> str:
    return reverse("activities:activity_detail", args=[activity.pk])


def edit_url(activity) -> str:
    return reverse("activities:activity_update", args=[activity.pk])


def evidence_add_url(activity) -> str:
    return reverse("activities:activity_evidence_add", args=[activity.pk])


def download_url(evidence) -> str:
    return reverse("activities:evidence_download", args=[evidence.pk])


def titles(response) -> list[str]:
    return [row.record.title for row in response.context["table"].paginated_rows]


@pytest.fixture
def activities(county, other_county):
    return {
        "J": ActivityFactory(branch=county.branches["J"], date=date(2025, 5, 20),
                             title="五月主题党日", kind=Activity.Kind.THEME_DAY),
        "pairing": ActivityFactory(branch=county.branches["J"], date=date(2025, 6, 1),
                                   title="六一结对共建", kind=Activity.Kind.PAIRING,
                                   school_branch=county.school_branch),
        "S": ActivityFactory(branch=county.branches["S"], date=date(2024, 7, 1),
                             title="七一党课", kind=Activity.Kind.LECTURE),
        "B": ActivityFactory(branch=other_county.branches["J"], date=date(2025, 5, 20),
                             title="资阳区主题党日"),
    }


# Who may open what ----------------------------------------------------------------------


@pytest.mark.parametrize("user_fixture", ["alice", "carol", "dave"])
def test_structure_readers_open_the_list_and_a_detail(client, activities, request,
                                                      user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(LIST).status_code == 200
    assert client.get(detail_url(activities["J"])).status_code == 200


def test_the_list_shows_only_the_users_county(client, activities, alice, eve):
    client.force_login(alice)
    assert titles(client.get(LIST)) == ["六一结对共建", "五月主题党日", "七一党课"]
    client.force_login(eve)
    assert titles(client.get(LIST)) == ["资阳区主题党日"]


def test_the_outsider_gets_404_for_an_activity_and_its_evidence(client, activities, eve):
    evidence = ActivityEvidenceFactory(activity=activities["J"])
    client.force_login(eve)
    assert client.get(detail_url(activities["J"])).status_code == 404
    assert client.get(download_url(evidence)).status_code == 404
    assert client.get(edit_url(activities["J"])).status_code == 404
    response = client.post(evidence_add_url(activities["J"]),
                           {"files": SimpleUploadedFile("x.png", PNG_BYTES)})
    assert response.status_code == 404 and activities["J"].evidence.count() == 1


def test_anonymous_visitors_are_sent_to_login(client, activities):
    evidence = ActivityEvidenceFactory(activity=activities["J"])
    for url in (LIST, CREATE, detail_url(activities["J"]), edit_url(activities["J"]),
                download_url(evidence), reverse("activities:cadence_overview")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_reviewers_read_but_may_not_write(client, county, activities, carol):
    client.force_login(carol)
    assert client.get(CREATE).status_code == 403
    assert client.get(edit_url(activities["J"])).status_code == 403
    response = client.post(CREATE, {"branch": county.branches["J"].pk, "date": "2025-05-21",
                                    "kind": "lecture", "title": "偷偷记录"})
    assert response.status_code == 403
    response = client.post(evidence_add_url(activities["J"]),
                           {"files": SimpleUploadedFile("x.png", PNG_BYTES)})
    assert response.status_code == 403
    assert not Activity.objects.filter(title="偷偷记录").exists()
    assert not activities["J"].evidence.exists()
    page = page_text(client.get(detail_url(activities["J"])))
    assert edit_url(activities["J"]) not in page and evidence_add_url(activities["J"]) not in page


def test_instructors_read_only_the_activities_counting_for_their_institutions(
        client, county, activities, bob):
    """bob is assigned to I1, covered by J: J's activities, not S's; no lists."""
    evidence = ActivityEvidenceFactory(activity=activities["J"])
    client.force_login(bob)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("activities:cadence_overview")).status_code == 403
    assert client.get(CREATE).status_code == 403
    response = client.get(detail_url(activities["J"]))
    assert response.status_code == 200
    assert [i.name for i in response.context["detail"].institutions] == ["赫山区明德培训学校"]
    assert client.get(download_url(evidence)).status_code == 200
    assert client.get(detail_url(activities["S"])).status_code == 404
    assert client.get(detail_url(activities["B"])).status_code == 404


# The list -------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "expected"), [
    ("kind=pairing", ["六一结对共建"]),
    ("date_from=2025-01-01&date_to=2025-05-31", ["五月主题党日"]),
    ("q=党课", ["七一党课"]),
])
def test_the_list_filters_by_kind_dates_and_title(client, activities, alice, query, expected):
    client.force_login(alice)
    assert titles(client.get(f"{LIST}?{query}")) == expected


def test_the_list_filters_by_branch_and_region(client, county, activities, dave):
    client.force_login(dave)
    branch = county.branches["S"]
    assert titles(client.get(f"{LIST}?branch={branch.pk}")) == ["七一党课"]
    region = county.institutions["I1"].region
    assert set(titles(client.get(f"{LIST}?region={region.pk}"))) == {
        "六一结对共建", "五月主题党日", "七一党课"}


def test_the_branch_filter_offers_only_the_users_branches(client, other_county, activities,
                                                           alice):
    client.force_login(alice)
    response = client.get(f"{LIST}?branch={other_county.branches['J'].pk}")
    assert response.context["filter"].form.errors
    assert "资阳区主题党日" not in titles(response)


def test_the_list_exports_csv_and_xlsx(client, activities, alice):
    client.force_login(alice)
    response = client.get(f"{LIST}?_export=csv")
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["日期", "主题", "类型", "支部", "所属区划", "结对学校支部", "参加人数",
                       "佐证材料"]
    assert rows[1] == ["2025-06-01", "六一结对共建", "结对共建", "赫山区第一联合党支部", "赫山区",
                       "赫山区第一中学 第一党支部", "12", "0"]
    assert len(rows) == 4
    response = client.get(f"{LIST}?_export=xlsx&kind=lecture")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[2]][1:4] == ["七一党课", "党课", "赫山区飞跃党支部"]
    assert sheet.max_row == 2


def test_the_list_stays_within_a_fixed_number_of_queries(client, county, alice,
                                                         django_assert_max_num_queries):
    branches = [BranchFactory(committee=county.branches["J"].committee,
                              founded_on=date(2024, 1, 1)) for _ in range(10)]
    for index in range(60):
        activity = ActivityFactory(branch=branches[index % 10], date=date(2025, 1 + index % 12, 3))
        ActivityEvidenceFactory(activity=activity)
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert len(titles(response)) == 50
    with django_assert_max_num_queries(12):
        assert client.get(f"{LIST}?_export=csv").content.count(b"\n") == 61


# The detail and its evidence ------------------------------------------------------------


def test_the_detail_shows_the_activity_its_evidence_and_the_institutions_it_counts_for(
        client, county, activities, alice):
    evidence = ActivityEvidenceFactory(activity=activities["pairing"], original_name="合影.png")
    client.force_login(alice)
    response = client.get(detail_url(activities["pairing"]))
    page = page_text(response)
    assert "六一结对共建" in page and "赫山区第一中学 第一党支部" in page
    assert "合影.png" in page and download_url(evidence) in page
    # On 1 June 2025 J covered I1, I2 (joined 10 March) and I3 (until 30 June).
    assert [i.name for i in response.context["detail"].institutions] == [
        "赫山区书香培训学校", "赫山区明德培训学校", "赫山区星光培训学校"]


def test_evidence_downloads_as_an_attachment_that_the_browser_must_not_sniff(
        client, activities, alice):
    evidence = ActivityEvidenceFactory(activity=activities["J"], original_name="签到表.png")
    client.force_login(alice)
    response = client.get(download_url(evidence))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PNG_BYTES


def test_the_page_uploads_more_evidence_and_refuses_a_wrong_type(client, activities, alice):
    client.force_login(alice)
    url = evidence_add_url(activities["J"])
    response = client.post(url, {"files": [SimpleUploadedFile("a.png", PNG_BYTES),
                                           SimpleUploadedFile("b.png", PNG_BYTES)]})
    assert response.status_code == 302
    assert sorted(activities["J"].evidence.values_list("original_name", flat=True)) == [
        "a.png", "b.png"]
    response = client.post(url, {"files": SimpleUploadedFile("病毒.png", b"MZ\x90\x00")},
                           follow=True)
    assert any("病毒.png" in message for message in flashed(response))
    assert activities["J"].evidence.count() == 2
    assert client.get(url).status_code == 405


# Recording and correcting ---------------------------------------------------------------


def test_staff_record_an_activity_with_evidence_from_the_form(client, county, alice):
    client.force_login(alice)
    response = client.get(f"{CREATE}?branch={county.branches['J'].pk}")
    assert response.context["form"].initial["branch"] == county.branches["J"]
    response = client.post(CREATE, {
        "branch": county.branches["J"].pk, "date": "2025-06-01", "kind": "pairing",
        "school_branch": county.school_branch.pk, "title": "六一共建活动", "attendees": "40",
        "description": "与第一中学党支部共同开展六一活动。",
        "files": [SimpleUploadedFile("合影.png", PNG_BYTES)],
    })
    activity = Activity.objects.get(title="六一共建活动")
    assert response.status_code == 302 and response.url == detail_url(activity)
    assert (activity.branch, activity.date, activity.school_branch, activity.attendees) == (
        county.branches["J"], date(2025, 6, 1), county.school_branch, 40)
    assert activity.recorded_by == alice
    assert list(activity.evidence.values_list("original_name", flat=True)) == ["合影.png"]


def test_the_form_shows_the_pairing_rule_on_the_school_branch_field(client, county, alice):
    client.force_login(alice)
    response = client.post(CREATE, {
        "branch": county.branches["J"].pk, "date": "2025-09-01", "kind": "pairing",
        "school_branch": county.school_branch.pk, "title": "结对已结束",
    })
    assert response.status_code == 200
    assert "未与" in " ".join(response.context["form"].errors["school_branch"])
    assert not Activity.objects.exists()


def test_the_form_refuses_a_wrong_file_and_records_nothing(client, county, alice):
    client.force_login(alice)
    response = client.post(CREATE, {
        "branch": county.branches["J"].pk, "date": "2025-06-01", "kind": "lecture",
        "title": "党课", "files": [SimpleUploadedFile("课件.png", b"<svg onload=alert(1)>")],
    })
    assert "课件.png" in form_error_text(response)
    assert not Activity.objects.exists() and not ActivityEvidence.objects.exists()


def test_the_form_offers_only_branches_and_school_branches_of_the_users_scope(
        client, county, other_county, alice):
    client.force_login(alice)
    form = client.get(CREATE).context["form"]
    assert set(form.fields["branch"].queryset) == set(county.branches.values())
    assert list(form.fields["school_branch"].queryset) == [county.school_branch]
    response = client.post(CREATE, {"branch": other_county.branches["J"].pk,
                                    "date": "2025-06-01", "kind": "lecture", "title": "越界"})
    assert "branch" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_staff_correct_an_activity(client, activities, alice):
    client.force_login(alice)
    activity = activities["J"]
    assert client.get(edit_url(activity)).context["form"].initial["title"] == "五月主题党日"
    response = client.post(edit_url(activity), {
        "branch": activity.branch_id, "date": "2025-05-21", "kind": "lecture",
        "title": "五月党课", "attendees": "20", "description": "",
    })
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.date, activity.kind, activity.title, activity.attendees) == (
        date(2025, 5, 21), "lecture", "五月党课", 20)


def test_the_navigation_offers_the_activity_pages_to_structure_readers_only(client, county,
                                                                            carol, bob):
    client.force_login(carol)
    page = page_text(client.get(reverse("home")))
    assert LIST in page and reverse("activities:cadence_overview") in page
    client.force_login(bob)
    page = page_text(client.get(reverse("home")))
    assert LIST not in page and reverse("activities:cadence_overview") not in page
