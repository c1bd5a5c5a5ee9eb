"""Storing the scores: one INSERT whatever their number, and exactly the rows bulk_create
wrote before (same values as the database keeps them, same computed_at), frozen rows kept."""

import random
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partybuild.organisation.models import Institution
from partybuild.scoring.models import Inspection, Score
from partybuild.scoring.services import _score_row, rubric_for_year, scores_store

from .test_engine_reference import build_region

YEAR = 2024
COLUMNS = ("institution_id", "year", "rubric_version", "months_in_scope", "coverage",
           "charter", "four_ones", "activities", "hazards", "red_points", "deductions",
           "total", "grade", "red_list", "computed_at")


def raw_rows() -> list[tuple]:
    """The rows as the database holds them (no Django conversion), by institution."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(quote(c) for c in COLUMNS)} "
                       f"FROM {quote(Score._meta.db_table)} ORDER BY institution_id, year")
        return cursor.fetchall()


@pytest.fixture
def region(county_a, county_b, committee_a, committee_b):
    rng = random.Random(2016)
    build_region(rng, county_a, committee_a, 80)
    build_region(rng, county_b, committee_b, 40)


def test_scores_are_stored_with_one_insert_as_bulk_create_stored_them(region, monkeypatch):
    rubric = rubric_for_year(YEAR)
    now = timezone.now()
    monkeypatch.setattr("partybuild.scoring.services.timezone.now", lambda: now)
    with CaptureQueriesContext(connection) as captured:
        scores = scores_store(year=YEAR, institutions=Institution.objects.all(), rubric=rubric)
    inserts = [query["sql"] for query in captured.captured_queries
               if query["sql"].startswith("INSERT") and Score._meta.db_table in query["sql"]]
    assert len(scores) > 66 and len(inserts) == 1
    stored = raw_rows()
    assert len(stored) == len(scores)

    # What the previous code wrote: bulk_create of the same rows.
    Score.objects.all().delete()
    Score.objects.bulk_create([_score_row(score, rubric.version, now) for score in scores])
    assert stored == raw_rows()
    # And what the pages read back is the engine's figures.
    by_id = {score.institution_id: score for score in scores}
    for row in Score.objects.all():
        score = by_id[row.institution_id]
        assert (row.total, row.coverage, row.red_points, row.deductions, row.grade,
                row.red_list, row.months_in_scope, row.computed_at) == (
            score.total, score.coverage, score.red_points, score.deductions, score.grade,
            score.red_list, len(score.months), now)


def test_a_frozen_score_stays_as_it_was_and_a_stale_one_goes(region):
    rubric = rubric_for_year(YEAR)
    scores_store(year=YEAR, institutions=Institution.objects.all(), rubric=rubric)
    frozen = Score.objects.order_by("institution_id").first()
    Score.objects.filter(pk=frozen.pk).update(total="1.23")
    Inspection.objects.create(institution_id=frozen.institution_id, year=YEAR,
                              finalised_at=timezone.now())
    before = Score.objects.get(pk=frozen.pk)
    # An institution closed before the year keeps no score of the year.
    stale = Score.objects.exclude(pk=frozen.pk).order_by("institution_id").first()
    Institution.objects.filter(pk=stale.institution_id).update(
        opened_on=date(2015, 1, 1), closed_on=date(2016, 1, 1))
    scores_store(year=YEAR, institutions=Institution.objects.all(), rubric=rubric)
    after = Score.objects.get(pk=frozen.pk)
    assert (after.total, after.computed_at) == (before.total, before.computed_at)
    assert not Score.objects.filter(institution_id=stale.institution_id).exists()
    assert Score.objects.filter(year=YEAR).count() > 66
