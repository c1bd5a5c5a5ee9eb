"""Rubrics per year, stored scores and their recomputation (services)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partybuild.organisation.models import Institution
from partybuild.scoring.engine import score_institutions
from partybuild.scoring.models import RUBRIC_FIELDS, Rubric, Score
from partybuild.scoring.rubric import DEFAULT_RUBRIC, RubricValues
from partybuild.scoring.services import (
    rubric_for_year,
    rubric_update,
    scores_recompute,
    year_finalise,
)
from tests.factories import BranchFactory, CoverageFactory, InstitutionFactory, InstructorFactory
from tests.factories_visits import VisitFactory

from .conftest import YEAR

D = Decimal
STORED_FIELDS = ("coverage", "charter", "four_ones", "activities", "hazards", "red_points",
                 "deductions", "total", "grade", "red_list")


def test_the_rubric_of_a_year_is_created_from_the_default_on_first_use(db):
    assert not Rubric.objects.filter(year=YEAR).exists()
    rubric = rubric_for_year(YEAR)
    assert rubric.values() == DEFAULT_RUBRIC
    assert rubric.version == 1
    assert rubric.differences_from_default() == {}
    assert rubric_for_year(YEAR).pk == rubric.pk


def test_an_administrator_changing_the_rubric_bumps_its_version_and_it_differs_from_default(
        dave):
    rubric = rubric_for_year(YEAR)
    rubric = rubric_update(acting_user=dave, rubric=rubric,
                           values={"four_ones_max": D("35"), "charter_max": D("10")})
    rubric.refresh_from_db()
    assert rubric.version == 2
    assert rubric.differences_from_default() == {"charter_max": (D("5"), D("10")),
                                                 "four_ones_max": (D("40"), D("35"))}
    assert rubric.history.first().history_user == dave


def test_saving_the_rubric_unchanged_keeps_its_version(dave):
    rubric = rubric_for_year(YEAR)
    rubric_update(acting_user=dave, rubric=rubric, values={"coverage_max": D("20")})
    assert Rubric.objects.get(year=YEAR).version == 1


@pytest.mark.parametrize("user", ["alice", "carol", "bob"])
def test_only_an_administrator_may_change_the_rubric(db, request, user):
    rubric = rubric_for_year(YEAR)
    with pytest.raises(PermissionDenied):
        rubric_update(acting_user=request.getfixturevalue(user), rubric=rubric,
                      values={"coverage_max": D("25")})
    assert Rubric.objects.get(year=YEAR).coverage_max == D("20")


def test_grade_thresholds_out_of_order_are_refused(dave):
    rubric = rubric_for_year(YEAR)
    with pytest.raises(ValidationError):
        rubric_update(acting_user=dave, rubric=rubric, values={"good_from": D("95")})


def test_recompute_stores_exactly_the_engine_figures_with_the_rubric_version(scored_a, alice,
                                                                             institution_b):
    count = scores_recompute(acting_user=alice, year=YEAR)
    assert count == 1
    stored = Score.objects.get(institution=scored_a.institution, year=YEAR)
    expected = score_institutions(
        institutions=Institution.objects.filter(pk=scored_a.institution.pk), year=YEAR)[0]
    for name in STORED_FIELDS:
        assert getattr(stored, name) == getattr(expected, name), name
    assert (stored.coverage, stored.charter, stored.four_ones, stored.activities,
            stored.hazards, stored.red_points, stored.deductions, stored.total) == (
        D("20.00"), D("5.00"), D("12.50"), D("2.50"), D("5.00"), D("3.00"), D("10.00"),
        D("38.00"))
    assert stored.grade == "不合格"
    assert stored.months_in_scope == 12
    assert stored.rubric_version == 1
    # alice's scope is 赫山区: the institution of 资阳区 was not scored by her run.
    assert not Score.objects.filter(institution=institution_b).exists()


def test_recompute_uses_the_year_rubric_and_records_its_version(scored_a, alice, dave):
    rubric_update(acting_user=dave, rubric=rubric_for_year(YEAR),
                  values={"deduction_per_clue": D("5")})
    scores_recompute(acting_user=alice, year=YEAR)
    stored = Score.objects.get(institution=scored_a.institution, year=YEAR)
    assert stored.deductions == D("5.00")
    assert stored.total == D("43.00")
    assert stored.rubric_version == 2


def test_recompute_replaces_the_previous_figures(scored_a, alice):
    scores_recompute(acting_user=alice, year=YEAR)
    scored_a.clue.substantiated = False
    scored_a.clue.save()
    scores_recompute(acting_user=alice, year=YEAR)
    stored = Score.objects.get(institution=scored_a.institution, year=YEAR)
    assert stored.total == D("48.00")
    assert Score.objects.filter(year=YEAR).count() == 1


def test_instructors_may_not_recompute(scored_a, bob):
    with pytest.raises(PermissionDenied):
        scores_recompute(acting_user=bob, year=YEAR)
    assert not Score.objects.exists()


def test_a_finalised_year_refuses_rubric_changes_and_recompute_and_keeps_its_scores(scored_a,
                                                                                     alice,
                                                                                     dave):
    scores_recompute(acting_user=alice, year=YEAR)
    year_finalise(acting_user=dave, year=YEAR)
    scored_a.clue.substantiated = False
    scored_a.clue.save()
    with pytest.raises(ValidationError, match="定稿"):
        scores_recompute(acting_user=dave, year=YEAR)
    with pytest.raises(ValidationError, match="定稿"):
        rubric_update(acting_user=dave, rubric=rubric_for_year(YEAR),
                      values={"coverage_max": D("30")})
    stored = Score.objects.get(institution=scored_a.institution, year=YEAR)
    assert stored.total == D("38.00")
    assert Rubric.objects.get(year=YEAR).coverage_max == D("20")


def test_only_an_administrator_finalises_a_year(alice, carol):
    rubric_for_year(YEAR)
    for user in (alice, carol):
        with pytest.raises(PermissionDenied):
            year_finalise(acting_user=user, year=YEAR)
    assert not Rubric.objects.get(year=YEAR).is_finalised


def _county_with(institutions: int, committee, region):
    branch = BranchFactory(committee=committee, founded_on=date(2020, 1, 1))
    instructor = InstructorFactory(region=region)
    for n in range(institutions):
        institution = InstitutionFactory(region=region)
        CoverageFactory(branch=branch, institution=institution, start=date(2020, 1, 1))
        VisitFactory(instructor=instructor, institution=institution, date=date(YEAR, 1 + n % 12,
                                                                                3))


def _queries_to_recompute(user) -> int:
    with CaptureQueriesContext(connection) as queries:
        scores_recompute(acting_user=user, year=YEAR)
    return len(queries)


def test_recompute_runs_the_same_number_of_queries_for_5_and_60_institutions(
        alice, committee_a, county_a):
    rubric_for_year(YEAR)
    _county_with(5, committee_a, county_a)
    few = _queries_to_recompute(alice)
    assert Score.objects.count() == 5
    _county_with(55, committee_a, county_a)
    many = _queries_to_recompute(alice)
    assert Score.objects.count() == 60
    assert few == many
    assert many <= 16  # the engine's 7 reads, the rubric, scope, savepoint, delete, insert, update


def test_the_default_rubric_dataclass_and_model_fields_agree():
    assert set(RUBRIC_FIELDS) == set(RubricValues.__dataclass_fields__)
