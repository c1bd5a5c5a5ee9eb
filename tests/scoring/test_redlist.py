"""The red list: an administrator publishes a snapshot; the public page shows it without login."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from partybuild.activities.models import Activity
from partybuild.organisation.models import Institution
from partybuild.points.models import PointEntry
from partybuild.scoring.models import RedListPublication, Score
from partybuild.scoring.services import red_list_publish, scores_recompute
from partybuild.visits.models import Clue
from tests.factories import BranchFactory, CoverageFactory, InstitutionFactory, InstructorFactory
from tests.factories_visits import VisitFactory

from .conftest import YEAR

ALL_FOUR = {"lesson": True, "policy": True, "hazard_check": True, "ledger": True}


def exemplary(name, region, committee, category=Institution.Category.ARTS):
    """An institution with a perfect year: covered, all four items monthly, 12 activities."""
    institution = InstitutionFactory(name=name, region=region, category=category)
    branch = BranchFactory(committee=committee, founded_on=date(2020, 1, 1))
    CoverageFactory(branch=branch, institution=institution, start=date(2020, 1, 1))
    instructor = InstructorFactory(region=region)
    for month in range(1, 13):
        VisitFactory(instructor=instructor, institution=institution, date=date(YEAR, month, 8),
                     **ALL_FOUR)
        Activity.objects.create(branch=branch, date=date(YEAR, month, 20),
                                kind=Activity.Kind.THEME_DAY, title=f"{month}月主题党日",
                                attendees=8, description="学习。")
    PointEntry.objects.create(institution=institution, date=date(YEAR, 6, 1),
                              points=Decimal("10"), reason="党建示范点")
    return institution


@pytest.fixture
def red_year(county_a, county_b, committee_a, committee_b, scored_a, alice, dave):
    mingde = exemplary("赫山区明德文化培训中心", county_a, committee_a,
                       Institution.Category.SCIENCE)
    qiming = exemplary("资阳区启明体育培训中心", county_b, committee_b,
                       Institution.Category.SPORTS)
    scores_recompute(acting_user=dave, year=YEAR)
    return mingde, qiming, scored_a.institution


def public(year=YEAR):
    return reverse("redlist_public", args=[year])


def test_the_red_list_follows_the_stored_scores(red_year):
    mingde, qiming, sunshine = red_year
    on_list = set(Score.objects.filter(year=YEAR, red_list=True)
                  .values_list("institution__name", flat=True))
    assert on_list == {mingde.name, qiming.name}


def test_publishing_takes_a_snapshot_that_a_later_recompute_does_not_alter(red_year, dave):
    mingde, qiming, sunshine = red_year
    publication = red_list_publish(acting_user=dave, year=YEAR)
    assert sorted(publication.entries.values_list("name", "category", "region_name")) == [
        ("资阳区启明体育培训中心", "体育", "资阳区"),
        ("赫山区明德文化培训中心", "科技", "赫山区"),
    ]
    # A substantiated clue later drops 明德 from the computed list, not from the published one.
    Clue.objects.create(institution=mingde, date=date(YEAR, 12, 1), substantiated=True,
                        description="违规收费", reviewed_on=date(YEAR, 12, 5))
    scores_recompute(acting_user=dave, year=YEAR)
    assert not Score.objects.get(institution=mingde, year=YEAR).red_list
    assert set(publication.entries.values_list("name", flat=True)) == {mingde.name, qiming.name}


def test_the_red_list_of_a_year_is_published_once(red_year, dave):
    red_list_publish(acting_user=dave, year=YEAR)
    with pytest.raises(ValidationError, match="已经发布"):
        red_list_publish(acting_user=dave, year=YEAR)
    assert RedListPublication.objects.count() == 1


@pytest.mark.parametrize("user", ["alice", "carol"])
def test_only_an_administrator_publishes(request, red_year, user):
    with pytest.raises(PermissionDenied):
        red_list_publish(acting_user=request.getfixturevalue(user), year=YEAR)
    assert not RedListPublication.objects.exists()


def test_the_public_page_shows_name_category_and_region_without_login(client, red_year, dave):
    mingde, qiming, sunshine = red_year
    red_list_publish(acting_user=dave, year=YEAR)
    response = client.get(public())
    assert response.status_code == 200
    content = response.content.decode()
    for text in (mingde.name, "科技", "赫山区", qiming.name, "体育", "资阳区"):
        assert text in content
    assert sunshine.name not in content
    assert "site-nav" not in content
    # A score is a detail of the review, not part of the published list.
    assert "100.00" not in content


def test_an_unpublished_year_is_not_visible_on_the_public_page(client, red_year, dave):
    assert client.get(public()).status_code == 404
    red_list_publish(acting_user=dave, year=YEAR)
    assert client.get(public(YEAR - 1)).status_code == 404
    assert client.get(public()).status_code == 200


def test_an_administrator_publishes_from_the_red_list_page(client, red_year, dave, carol):
    mingde, qiming, sunshine = red_year
    url = reverse("scoring:red_list", args=[YEAR])
    client.force_login(carol)
    content = client.get(url).content.decode()
    assert mingde.name in content
    # carol sees 赫山区 only.
    assert qiming.name not in content
    publish = reverse("scoring:red_list_publish", args=[YEAR])
    assert client.post(publish, {"confirm": "1"}).status_code == 403
    client.force_login(dave)
    assert client.post(publish, {}).status_code == 200
    assert client.post(publish, {"confirm": "1"}).status_code == 302
    assert RedListPublication.objects.get(year=YEAR).entries.count() == 2
    assert "已于" in client.get(url).content.decode()


def test_the_red_list_page_access(client, red_year, bob):
    url = reverse("scoring:red_list", args=[YEAR])
    assert client.get(url).status_code == 302
    client.force_login(bob)
    assert client.get(url).status_code == 403
