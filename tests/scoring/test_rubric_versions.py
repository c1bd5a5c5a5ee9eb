"""Rubric versions on every path (issue 12): each change, on the pages or in the admin, makes
a version kept as it was; a stored score shows its own version's maxima; incoherent rubrics
are refused with a clear message, by the service, the form, the admin and the database."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from partybuild.scoring.models import RUBRIC_FIELDS, Rubric, RubricVersion
from partybuild.scoring.selectors import rubric_of_year, score_page
from partybuild.scoring.services import rubric_for_year, rubric_update, scores_recompute

from .conftest import YEAR

D = Decimal


def form_data(rubric, **changes) -> dict:
    return {**{name: str(getattr(rubric, name)) for name in RUBRIC_FIELDS},
            **{name: str(value) for name, value in changes.items()}}


def test_the_first_write_stores_the_rubric_with_its_version_1_snapshot(dave):
    rubric = rubric_for_year(YEAR, dave)
    snapshot = RubricVersion.objects.get(year=YEAR, version=1)
    assert snapshot.values() == rubric.values()
    assert snapshot.created_by == dave


def test_every_change_makes_a_version_kept_as_it_was(dave):
    rubric = rubric_update(acting_user=dave, rubric=rubric_for_year(YEAR),
                           values={"four_ones_max": D("35"), "coverage_max": D("25")})
    rubric_update(acting_user=dave, rubric=rubric,
                  values={"four_ones_max": D("30"), "coverage_max": D("30")})
    versions = {v.version: (v.four_ones_max, v.coverage_max, v.created_by)
                for v in RubricVersion.objects.filter(year=YEAR)}
    assert versions == {1: (D("40"), D("20"), None), 2: (D("35"), D("25"), dave),
                        3: (D("30"), D("30"), dave)}
    assert Rubric.objects.get(year=YEAR).version == 3


@pytest.mark.parametrize(("values", "message"), [
    ({"four_ones_max": D("45")}, "各项满分之和须恰好为 100，现为 105"),
    ({"four_ones_max": D("35")}, "各项满分之和须恰好为 100，现为 95"),
    ({"good_from": D("95")}, "优秀 > 良好 > 合格"),
    ({"good_from": D("90")}, "优秀 > 良好 > 合格"),
    ({"pass_from": D("0")}, "优秀 > 良好 > 合格 > 0"),
    ({"red_list_from": D("120")}, "红名单总分起点须大于 0 且不超过 100"),
    ({"coverage_max": D("-5"), "four_ones_max": D("65")}, "各项满分不能为负数"),
])
def test_an_incoherent_rubric_is_refused_with_a_clear_message_and_nothing_changes(
        dave, values, message):
    rubric = rubric_for_year(YEAR)
    with pytest.raises(ValidationError, match=message):
        rubric_update(acting_user=dave, rubric=rubric, values=values)
    rubric.refresh_from_db()
    assert rubric.version == 1 and rubric.four_ones_max == D("40")
    assert list(RubricVersion.objects.values_list("version", flat=True)) == [1]


def test_the_rubric_page_refuses_maxima_adding_up_to_105(client, dave):
    client.force_login(dave)
    rubric = rubric_of_year(YEAR)
    response = client.post(reverse("scoring:rubric_edit", args=[YEAR]),
                           form_data(rubric, four_ones_max="45"))
    assert response.status_code == 200
    assert "各项满分之和须恰好为 100，现为 105" in response.content.decode()
    assert not Rubric.objects.filter(year=YEAR).exists()


def test_the_database_refuses_an_open_rubric_whose_maxima_do_not_add_up(dave):
    rubric_for_year(YEAR)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rubric.objects.filter(year=YEAR).update(coverage_max=D("25"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Rubric.objects.filter(year=YEAR).update(good_from=D("90"))
    # Cents that add up exactly are fine, on SQLite's floats too.
    Rubric.objects.filter(year=YEAR).update(coverage_max=D("19.67"), charter_max=D("5.33"))


# The admin ---------------------------------------------------------------------------------


@pytest.fixture
def superuser_client(client, django_user_model, county_a):
    superuser = django_user_model.objects.create_superuser(
        username="root", password="a-long-password-1", role="admin", region=county_a)
    client.force_login(superuser)
    return client, superuser


def test_a_change_in_the_admin_makes_a_new_version_with_its_snapshot(superuser_client):
    client, superuser = superuser_client
    rubric = rubric_for_year(YEAR)
    url = reverse("admin:scoring_rubric_change", args=[rubric.pk])
    response = client.post(url, form_data(rubric, four_ones_max="35", charter_max="10"))
    assert response.status_code == 302, response.content.decode()[:2000]
    rubric.refresh_from_db()
    assert (rubric.version, rubric.four_ones_max, rubric.charter_max) == (2, D("35"), D("10"))
    snapshot = RubricVersion.objects.get(year=YEAR, version=2)
    assert (snapshot.four_ones_max, snapshot.created_by) == (D("35"), superuser)
    assert rubric.history.first().history_user == superuser


def test_the_admin_refuses_maxima_adding_up_to_105(superuser_client):
    client, _superuser = superuser_client
    rubric = rubric_for_year(YEAR)
    url = reverse("admin:scoring_rubric_change", args=[rubric.pk])
    response = client.post(url, form_data(rubric, four_ones_max="45"))
    assert response.status_code == 200
    assert "各项满分之和须恰好为 100，现为 105" in response.content.decode()
    rubric.refresh_from_db()
    assert (rubric.version, rubric.four_ones_max) == (1, D("40"))


# A stored score keeps its version's maxima -----------------------------------------------


def test_a_stored_score_shows_the_maxima_of_its_own_version(client, scored_a, alice, dave):
    scores_recompute(acting_user=alice, year=YEAR)
    rubric_update(acting_user=dave, rubric=rubric_for_year(YEAR),
                  values={"four_ones_max": D("35"), "coverage_max": D("25")})
    page = score_page(user=alice, institution_pk=scored_a.institution.pk, year=YEAR)
    assert page.stored.rubric_version == 1
    assert (page.stored_rubric.four_ones_max, page.stored_rubric.coverage_max) == (D("40"),
                                                                                   D("20"))
    client.force_login(alice)
    content = client.get(reverse("scoring:score_detail",
                                 args=[YEAR, scored_a.institution.pk])).content.decode()
    assert "评分细则现为版本 2" in content
    assert "<td>40.00</td><td>12.50</td>" in content  # 四个一: version 1's maximum
    assert "35.00" not in content


# Reading never writes --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["scoring:score_list", "scoring:rubric", "scoring:rubric_edit",
                                  "scoring:red_list"])
def test_opening_a_year_without_a_rubric_creates_nothing(client, dave, name):
    client.force_login(dave)
    assert client.get(reverse(name, args=[YEAR])).status_code == 200
    assert not Rubric.objects.exists()
    assert not RubricVersion.objects.exists()


# The migration: versions of rubrics changed before the snapshot table existed ------------


def test_the_migration_rebuilds_every_version_from_the_rubric_history(dave):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("partybuild.scoring.migrations.0003_rubric_versions")
    rubric = rubric_update(acting_user=dave, rubric=rubric_for_year(YEAR),
                           values={"four_ones_max": D("35"), "coverage_max": D("25")})
    rubric_update(acting_user=dave, rubric=rubric,
                  values={"four_ones_max": D("30"), "coverage_max": D("30")})
    # As on a database migrated from before: the history is there, the snapshots are not.
    RubricVersion.objects.all().delete()
    migration.versions_from_history(apps, None)
    assert {v.version: (v.four_ones_max, v.coverage_max)
            for v in RubricVersion.objects.filter(year=YEAR)} == {
        1: (D("40"), D("20")), 2: (D("35"), D("25")), 3: (D("30"), D("30"))}
    assert RubricVersion.objects.get(year=YEAR, version=3).created_by == dave
    # A finalised year keeps its rubric as it was: the coherence check lets it pass.
    Rubric.objects.filter(year=YEAR).update(finalised_at="2026-01-05T08:00:00+08:00")
    migration.refuse_incoherent_open_rubrics(apps, None)


def test_the_rubric_page_lists_every_version_with_its_maxima_total(client, dave, carol):
    rubric_update(acting_user=dave, rubric=rubric_for_year(YEAR),
                  values={"four_ones_max": D("35"), "coverage_max": D("25")})
    client.force_login(carol)
    content = client.get(reverse("scoring:rubric", args=[YEAR])).content.decode()
    versions = content.split('id="versions"')[1].split("</table>")[0]
    assert versions.count("<tr><td>") == 2
    assert "<tr><td>2</td><td>25.00</td>" in versions and "<td>100.00</td>" in versions
    assert "王强" in versions


def test_adding_a_rubric_in_the_admin_goes_through_the_versions_and_refuses_year_0(
        superuser_client):
    client, superuser = superuser_client
    url = reverse("admin:scoring_rubric_add")
    defaults = rubric_of_year(YEAR)
    response = client.post(url, {**form_data(defaults, four_ones_max="35", coverage_max="25"),
                                 "year": "0"})
    assert response.status_code == 200
    assert "年度须在 2000 到 2100 之间" in response.content.decode()
    assert not Rubric.objects.exists()
    response = client.post(url, {**form_data(defaults, four_ones_max="35", coverage_max="25"),
                                 "year": str(YEAR)})
    assert response.status_code == 302
    assert list(RubricVersion.objects.filter(year=YEAR).values_list(
        "version", "four_ones_max")) == [(2, D("35")), (1, D("40"))]
