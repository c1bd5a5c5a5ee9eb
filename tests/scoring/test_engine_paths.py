"""The engine reads the year's records in one of two ways: each table whole, leaving the
other institutions' rows aside in Python (a province's yearly run, most of the table), or
only the scored institutions' rows (a county, one institution's page). Which one a run takes
depends on the ids the database handed out, so both are forced here, on the randomised
regions of test_engine_reference.py, and each must give the reference engine's figures and
explanations exactly, for the whole table and for one county of it."""

import random

import pytest
from django.db import connection

from partybuild.organisation.models import Institution
from partybuild.scoring import engine
from partybuild.scoring.engine import score_institutions

from . import reference_engine
from .test_engine_reference import RUBRICS, as_compared, build_region


@pytest.mark.parametrize("whole", [True, False], ids=["tables read whole", "rows restricted"])
def test_both_ways_of_reading_give_the_reference_figures(whole, monkeypatch, county_a,
                                                         county_b, committee_a, committee_b):
    rng = random.Random(1616)
    build_region(rng, county_a, committee_a, 40)
    build_region(rng, county_b, committee_b, 30)
    chosen = []
    monkeypatch.setattr(engine, "reads_whole_tables",
                        lambda **sizes: chosen.append(sizes) or whole)
    checked = 0
    for rubric in RUBRICS[:2]:
        for institutions in (Institution.objects.all(),
                             Institution.objects.filter(region=county_b)):
            expected = reference_engine.score_institutions(
                institutions=institutions, year=2024, rubric=rubric)
            actual = score_institutions(institutions=institutions, year=2024, rubric=rubric)
            assert [as_compared(score) for score in actual] == [
                as_compared(score) for score in expected]
            checked += len(actual)
    assert chosen and checked > 100


def test_a_county_reads_its_own_rows_and_a_province_every_row(county_a, county_b,
                                                              committee_a, committee_b,
                                                              monkeypatch):
    rng = random.Random(16)
    build_region(rng, county_a, committee_a, 12)
    build_region(rng, county_b, committee_b, 36)
    chosen = []
    real = engine.reads_whole_tables
    monkeypatch.setattr(engine, "reads_whole_tables",
                        lambda **sizes: chosen.append(real(**sizes)) or chosen[-1])
    scores = score_institutions(institutions=Institution.objects.filter(region=county_a),
                                year=2024)
    assert scores and chosen == [False]
    # A province's yearly run: 20,000 institutions of a table of 20,000 (or with a few
    # thousand deleted); a city of 1,000 in it reads its own rows.
    assert real(scored=20_000, largest_id=20_000)
    assert real(scored=12_000, largest_id=23_000)
    assert not real(scored=1_000, largest_id=20_000)


def test_no_institutions_score_nothing_without_a_query(county_a, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert score_institutions(institutions=Institution.objects.none(), year=2024) == []
    with django_assert_num_queries(1):
        assert score_institutions(institutions=Institution.objects.filter(region=county_a),
                                  year=2024) == []


def test_the_months_of_an_explanation_are_in_month_order_whatever_plan_the_database_picks(
        county_a, committee_a):
    """The pages, the PDFs and the stored explanation list the months January first. On
    PostgreSQL the visits' GROUP BY comes back in the order of the plan, which follows the
    table's statistics: with sorting disabled it is a hash aggregate, in no order at all."""
    build_region(random.Random(2024), county_a, committee_a, 30)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_sort = off")
    scores = score_institutions(institutions=Institution.objects.all(), year=2024)
    months_read = [list(score.items_by_month) for score in scores]
    assert sum(len(months) > 6 for months in months_read) > 5
    assert all(months == sorted(months) for months in months_read)
    expected = reference_engine.score_institutions(institutions=Institution.objects.all(),
                                                   year=2024)
    assert [as_compared(score) for score in scores] == [
        as_compared(score) for score in expected]
