"""The score page costs the same number of queries whatever the institution's year holds
(issue 16): one visit a month or several, two activities or twenty, hazards found in the
year and overdue from before it, a few points entries and clues or many. The engine's score
is kept between views until a table it reads changes, and follows every such change."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partybuild.activities.models import Activity
from partybuild.points.models import PointEntry
from partybuild.scoring.services import rubric_for_year, rubric_update, scores_recompute
from partybuild.visits.models import Clue, Hazard, Visit

from .conftest import YEAR

# Session, the user with their region, the institution with its stored score and inspection
# and the year's rubric, the tokens of the kept score and records, and the bell's unread count.
SCORE_PAGE_QUERIES = 5
# When the kept score and records must be read again: the engine's seven queries, and the
# visits, activities, hazards, points entries and substantiated clues.
FIRST_VIEW_QUERIES = SCORE_PAGE_QUERIES + 7 + 5


def page_queries(client, institution) -> tuple[int, int, str]:
    """The queries of the first view after a change, of the next view, and its page."""
    url = reverse("scoring:score_detail", args=[YEAR, institution.pk])
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(first), len(captured), response.content.decode()


def add_a_busy_year(scored) -> None:
    """Several visits every month, twenty activities, hazards of every standing (some
    overdue from the year before), a dozen points entries and clues."""
    institution, branch = scored.institution, scored.branch
    instructor = scored.visits["march_a"].instructor
    Visit.objects.bulk_create(
        Visit(instructor=instructor, institution=institution, date=date(YEAR, month, day),
              lesson=day % 2 == 0, policy=day % 3 == 0, hazard_check=True, ledger=day > 20)
        for month in range(1, 13) for day in (2, 14, 25))
    Activity.objects.bulk_create(
        Activity(branch=branch, date=date(YEAR, 1, 5) + timedelta(days=17 * n),
                 kind=Activity.Kind.THEME_DAY, title=f"主题党日 {n}", attendees=5,
                 description="学习。")
        for n in range(20))
    Hazard.objects.bulk_create(
        Hazard(institution=institution, instructor=instructor,
               found_on=date(YEAR - (n % 2), 2 + n % 9, 3), deadline=date(YEAR - (n % 2),
                                                                          3 + n % 9, 1),
               rectified_on=None if n % 3 else date(YEAR - (n % 2), 2 + n % 9, 20),
               category=Hazard.Category.FIRE, severity=Hazard.Severity.GENERAL,
               description=f"隐患 {n}")
        for n in range(12))
    PointEntry.objects.bulk_create(
        PointEntry(institution=institution, date=date(YEAR, 1 + n, 9),
                   points=Decimal("1.5") if n % 2 else Decimal("-0.5"), reason=f"积分 {n}")
        for n in range(12))
    Clue.objects.bulk_create(
        Clue(institution=institution, instructor=instructor, date=date(YEAR, 1 + n, 21),
             description=f"线索 {n}", substantiated=True, reviewed_on=date(YEAR, 1 + n, 28))
        for n in range(10))


@pytest.mark.django_db
def test_the_score_page_runs_the_same_queries_for_a_quiet_and_a_busy_year(client, scored_a,
                                                                         carol, dave):
    scores_recompute(acting_user=dave, year=YEAR)
    client.force_login(carol)
    quiet_first, quiet, _content = page_queries(client, scored_a.institution)
    add_a_busy_year(scored_a)
    busy_first, busy, content = page_queries(client, scored_a.institution)
    # The busy year is on the page: its visits, activities, hazards, entries and clues.
    assert "主题党日 19" in content and "隐患 11" in content
    assert "积分 11" in content and "线索 9" in content
    visits = Visit.objects.filter(institution=scored_a.institution).exclude(
        lesson=False, policy=False, hazard_check=False, ledger=False)
    assert len(visits) > 36
    assert all(reverse("visits:visit_detail", args=[visit.pk]) in content for visit in visits)
    assert quiet == busy == SCORE_PAGE_QUERIES
    assert quiet_first == busy_first == FIRST_VIEW_QUERIES


def live_total(client, institution) -> str:
    page = client.get(reverse("scoring:score_detail", args=[YEAR, institution.pk])).context["page"]
    return str(page.live.total)


@pytest.mark.django_db
def test_the_kept_score_follows_every_table_the_engine_reads(client, scored_a, carol, dave,
                                                             county_a):
    """A new activity, points entry, clue, visit or hazard, a coverage ended and a rubric
    changed each show on the next view of the page (the engine is not run again while
    nothing changed)."""
    institution, branch = scored_a.institution, scored_a.branch
    instructor = scored_a.visits["march_a"].instructor
    client.force_login(carol)
    seen = [live_total(client, institution)]

    def changed():
        seen.append(live_total(client, institution))
        assert seen[-1] != seen[-2]

    Activity.objects.bulk_create(
        Activity(branch=branch, date=date(YEAR, 8, n), kind=Activity.Kind.THEME_DAY,
                 title=f"八月活动 {n}", attendees=3, description="学习。")
        for n in range(1, 6))
    changed()
    PointEntry.objects.create(institution=institution, date=date(YEAR, 8, 1),
                              points=Decimal("5.0"), reason="表彰")
    changed()
    Clue.objects.create(institution=institution, instructor=instructor,
                        date=date(YEAR, 8, 2), description="新查实线索", substantiated=True)
    changed()
    Visit.objects.bulk_create(
        Visit(instructor=instructor, institution=institution, date=date(YEAR, month, 25),
              policy=True, hazard_check=True, ledger=True) for month in range(4, 13))
    changed()
    Hazard.objects.create(institution=institution, instructor=instructor,
                          found_on=date(YEAR, 10, 2), deadline=date(YEAR, 10, 9),
                          category=Hazard.Category.FIRE, severity=Hazard.Severity.GENERAL,
                          description="新隐患")
    changed()
    coverage = institution.coverages.get()
    coverage.end = date(YEAR, 6, 30)
    coverage.save()
    changed()
    rubric = rubric_for_year(YEAR, dave)
    rubric_update(acting_user=dave, rubric=rubric, values={"coverage_max": Decimal("30"),
                                                          "four_ones_max": Decimal("30")})
    changed()


@pytest.mark.django_db
def test_the_kept_sections_are_drawn_in_each_readers_language(client, scored_a, carol, dave):
    """The sections drawn from the kept records are kept per language: a reader in English
    after one in Chinese gets them in English, and the other way round."""
    scores_recompute(acting_user=dave, year=YEAR)
    client.force_login(carol)
    url = reverse("scoring:score_detail", args=[YEAR, scored_a.institution.pk])
    for language, shown, not_shown in (("zh-hans", "组织生活", "Organisational life"),
                                       ("en", "Organisational life", "组织生活"),
                                       ("zh-hans", "组织生活", "Organisational life")):
        content = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert shown in content and not_shown not in content
        assert "四月主题党日：参观红色教育基地" in content
