"""The administrator's 年度定稿 page, reopening with a reason, the late-change list, and the red
list as a versioned publication (correction, public page with versions, /redlist/)."""

from datetime import date

import pytest
from django.urls import reverse

from partybuild.scoring.models import RedListPublication, Rubric, Score, YearEvent
from partybuild.scoring.services import red_list_publish, scores_recompute, year_finalise
from partybuild.visits.models import Clue, Hazard

from .conftest import YEAR


@pytest.fixture
def scored_year(scored_a, alice):
    scores_recompute(acting_user=alice, year=YEAR)
    return scored_a


def test_the_year_page_shows_what_finalising_will_lock_and_writes_nothing(client, dave,
                                                                         scored_year):
    client.force_login(dave)
    rubrics, scores = Rubric.objects.count(), Score.objects.count()
    content = client.get(reverse("scoring:year", args=[YEAR])).content.decode()
    assert "定稿将锁定" in content and "评分机构" in content and "将发布的红名单" in content
    assert reverse("scoring:year_finalise", args=[YEAR]) in content
    assert (Rubric.objects.count(), Score.objects.count()) == (rubrics, scores)
    # The confirmation step names the counts before anything is written.
    confirm = client.post(reverse("scoring:year_finalise", args=[YEAR]), {}).content.decode()
    assert "请确认" in confirm and "将发布红名单" in confirm
    assert not Rubric.objects.get(year=YEAR).is_finalised


def test_finalising_and_reopening_on_the_web_are_in_the_history(client, dave, scored_year):
    client.force_login(dave)
    response = client.post(reverse("scoring:year_finalise", args=[YEAR]), {"confirm": "1"})
    assert response.status_code == 302
    assert Rubric.objects.get(year=YEAR).is_finalised
    page = client.get(reverse("scoring:year", args=[YEAR])).content.decode()
    assert "已锁定" in page and str(dave) in page
    refused = client.post(reverse("scoring:year_reopen", args=[YEAR]),
                          {"reason": "", "confirm": "1"})
    assert refused.status_code == 200 and Rubric.objects.get(year=YEAR).is_finalised
    response = client.post(reverse("scoring:year_reopen", args=[YEAR]),
                           {"reason": "补录12月隐患整改", "confirm": "1"})
    assert response.status_code == 302
    assert not Rubric.objects.get(year=YEAR).is_finalised
    page = client.get(reverse("scoring:year", args=[YEAR])).content.decode()
    assert "补录12月隐患整改" in page
    assert [e.kind for e in YearEvent.objects.order_by("at", "pk")] == ["finalised", "reopened"]


def test_a_county_administrator_cannot_finalise_the_whole_year(client, county_a, scored_year):
    from tests.factories import UserFactory

    county_admin = UserFactory(username="county_admin", role="admin", region=county_a)
    client.force_login(county_admin)
    assert client.get(reverse("scoring:year_finalise", args=[YEAR])).status_code == 403
    assert client.post(reverse("scoring:year_finalise", args=[YEAR]),
                       {"confirm": "1"}).status_code == 403
    assert not Rubric.objects.get(year=YEAR).is_finalised


def test_a_finalised_year_offers_no_recompute_and_refuses_one(client, dave, alice,
                                                              scored_year):
    year_finalise(acting_user=dave, year=YEAR)
    client.force_login(alice)
    institution = scored_year.institution
    content = client.get(reverse("scoring:score_detail", args=[YEAR, institution.pk])
                         ).content.decode()
    assert reverse("scoring:recompute_institution", args=[YEAR, institution.pk]) not in content
    assert "定稿" in content
    listing = client.get(reverse("scoring:score_list", args=[YEAR])).content.decode()
    assert reverse("scoring:recompute", args=[YEAR]) not in listing
    assert reverse("scoring:late_changes", args=[YEAR]) in listing


def test_a_finalised_inspection_keeps_its_score_and_the_late_edit_is_shown(
        client, carol, alice, scored_year):
    from decimal import Decimal

    from partybuild.scoring.models import Inspection
    from partybuild.scoring.services import inspection_finalise

    institution = scored_year.institution
    inspection = Inspection.objects.create(institution=institution, year=YEAR,
                                           party_building_computed=Decimal("38.00"))
    inspection_finalise(acting_user=carol, inspection=inspection)
    # The instructor back-dates a rectification into the year (issue 12, point 1).
    hazard = scored_year.hazard_late
    Hazard.objects.filter(pk=hazard.pk).update(rectified_on=hazard.deadline)
    scores_recompute(acting_user=alice, year=YEAR)
    assert Score.objects.get(institution=institution, year=YEAR).total == Decimal("38.00")
    client.force_login(carol)
    page = client.get(reverse("scoring:inspection", args=[YEAR, institution.pk])
                      ).content.decode()
    assert "定稿后记录有变更" in page
    difference = client.get(reverse("scoring:score_difference", args=[YEAR, institution.pk])
                            ).content.decode()
    assert "38.00" in difference and "43.00" in difference
    # The score page offers no recompute for this institution any more.
    score_page = client.get(reverse("scoring:score_detail", args=[YEAR, institution.pk])
                            ).content.decode()
    assert reverse("scoring:recompute_institution", args=[YEAR, institution.pk]) \
        not in score_page


def test_a_red_list_correction_publishes_version_2_and_the_public_page_lists_both(
        client, dave, alice, scored_year, committee_a):
    Clue.objects.filter(pk=scored_year.clue.pk).update(substantiated=False)
    from partybuild.scoring.models import Rubric as R

    R.objects.filter(year=YEAR).update(red_list_from=40)
    scores_recompute(acting_user=alice, year=YEAR)
    first = red_list_publish(acting_user=dave, year=YEAR)
    assert first.entries.count() == 1 and first.entries.get().credit_code
    client.force_login(dave)
    refused = client.post(reverse("scoring:red_list_correct", args=[YEAR]),
                          {"reason": " ", "confirm": "1"})
    assert refused.status_code == 200
    Clue.objects.filter(pk=scored_year.clue.pk).update(substantiated=True)
    scores_recompute(acting_user=alice, year=YEAR)
    response = client.post(reverse("scoring:red_list_correct", args=[YEAR]),
                           {"reason": "10月线索经复查属实，撤出红名单", "confirm": "1"})
    assert response.status_code == 302
    versions = list(RedListPublication.objects.filter(year=YEAR).order_by("version"))
    assert [(v.version, v.entries.count()) for v in versions] == [(1, 1), (2, 0)]
    client.logout()
    public = client.get(reverse("redlist_public", args=[YEAR])).content.decode()
    assert "第 2 版" in public and "现行版本" in public and "10月线索经复查属实" in public
    assert reverse("redlist_version", args=[YEAR, 1]) in public
    old = client.get(reverse("redlist_version", args=[YEAR, 1])).content.decode()
    assert scored_year.institution.credit_code in old and "已被第 2 版取代" in old
    assert client.get(reverse("redlist_version", args=[YEAR, 9])).status_code == 404
    index = client.get(reverse("redlist_index")).content.decode()
    assert reverse("redlist_public", args=[YEAR]) in index and "第 2 版" in index


def test_redlist_index_is_public_and_empty_before_any_publication(client, db):
    response = client.get("/redlist/")
    assert response.status_code == 200
    assert "还没有发布红名单" in response.content.decode()


def test_reports_of_a_published_year_use_the_published_list(client, dave, alice, scored_year,
                                                            city):
    from partybuild.reports.builders import region_report

    Clue.objects.filter(pk=scored_year.clue.pk).update(substantiated=False)
    Rubric.objects.filter(year=YEAR).update(red_list_from=40)
    scores_recompute(acting_user=alice, year=YEAR)
    red_list_publish(acting_user=dave, year=YEAR)
    # A later record takes it off today's computation; the published list stands.
    Clue.objects.create(institution=scored_year.institution, date=date(YEAR, 12, 1),
                        description="补录", substantiated=True)
    report = region_report(region=city, year=YEAR)
    assert [line.name for line in report.red_list] == [scored_year.institution.name]
    assert report.figures.red_list == 1
