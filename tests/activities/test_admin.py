"""The admin of activities (scoped, with their evidence) and of the cadence targets."""

from datetime import date

import pytest
from django.urls import reverse

from partybuild.accounts.models import User
from partybuild.activities.models import Activity, CadenceRule
from partybuild.activities.selectors import branch_cadence
from tests.factories import UserFactory
from tests.factories_activities import ActivityEvidenceFactory, ActivityFactory

pytestmark = pytest.mark.django_db

ACTIVITIES = reverse("admin:activities_activity_changelist")
RULES = reverse("admin:activities_cadencerule_changelist")


@pytest.fixture
def frank(county_a):
    """An administrator held to 赫山区."""
    return UserFactory(username="frank", role=User.Role.ADMIN, region=county_a, is_staff=True)


def change_url(obj) -> str:
    return reverse(f"admin:activities_{obj._meta.model_name}_change", args=[obj.pk])


def test_administrators_see_only_the_activities_of_their_regions(client, county, other_county,
                                                                  frank, dave):
    mine = ActivityFactory(branch=county.branches["J"], title="赫山区主题党日")
    ActivityEvidenceFactory(activity=mine, original_name="签到表.png")
    theirs = ActivityFactory(branch=other_county.branches["J"], title="资阳区主题党日")
    client.force_login(frank)
    text = client.get(ACTIVITIES).content.decode()
    assert "赫山区主题党日" in text and "资阳区主题党日" not in text
    assert "签到表.png" in client.get(change_url(mine)).content.decode()
    assert client.get(change_url(theirs)).status_code == 302  # "does not exist" redirect
    client.force_login(dave)
    text = client.get(ACTIVITIES).content.decode()
    assert "赫山区主题党日" in text and "资阳区主题党日" in text


def test_the_admin_keeps_the_pairing_rule(client, county, frank):
    activity = ActivityFactory(branch=county.branches["J"], date=date(2025, 9, 1),
                               title="九月活动")
    client.force_login(frank)
    response = client.post(change_url(activity), {
        "branch": activity.branch_id, "date": "2025-09-01", "kind": "pairing",
        "title": "九月活动", "attendees": "10", "description": "",
        "school_branch": county.school_branch.pk,
        "evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    assert "未与" in response.content.decode()
    assert Activity.objects.get(pk=activity.pk).kind == "theme_day"


def test_the_city_administrator_changes_a_cadence_target(client, committee_a, county, dave):
    rule = CadenceRule.objects.get(kind="lecture")
    client.force_login(dave)
    response = client.post(change_url(rule), {"kind": "lecture", "period": "month",
                                              "minimum": "2"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.period, rule.minimum) == ("month", 2)
    assert rule.history.first().history_user == dave
    cadence = branch_cadence(branch=county.branches["J"], year=2025)
    assert [len(row.cells) for row in cadence.rows if row.rule.kind == "lecture"] == [12]


def test_a_county_administrator_reads_the_targets_but_may_not_change_them(client, frank):
    rule = CadenceRule.objects.get(kind="lecture")
    client.force_login(frank)
    assert client.get(RULES).status_code == 200
    response = client.post(change_url(rule), {"kind": "lecture", "period": "month",
                                              "minimum": "2"})
    assert response.status_code == 403
    rule.refresh_from_db()
    assert (rule.period, rule.minimum) == ("quarter", 1)


def test_staff_without_admin_access_cannot_open_the_admin(client, alice):
    client.force_login(alice)
    assert client.get(RULES).status_code == 302
