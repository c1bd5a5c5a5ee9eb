"""The scoring pages: the year's list, the score that explains itself, the rubric, the panel."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from partybuild.scoring.models import Rubric, Score
from partybuild.scoring.services import rubric_for_year, scores_recompute, year_finalise
from tests.factories import BranchFactory, CoverageFactory, InstitutionFactory

from .conftest import YEAR

D = Decimal


def score_list(year=YEAR):
    return reverse("scoring:score_list", args=[year])


def score_page(institution, year=YEAR):
    return reverse("scoring:score_detail", args=[year, institution.pk])


@pytest.fixture
def scored(scored_a, institution_b, alice, dave):
    scores_recompute(acting_user=dave, year=YEAR)
    return scored_a


# Access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("user", "status"), [
    ("alice", 200), ("carol", 200), ("dave", 200), ("bob", 403), ("eve", 200)])
def test_who_may_open_the_year_list(client, request, scored, user, status):
    client.force_login(request.getfixturevalue(user))
    response = client.get(score_list())
    assert response.status_code == status
    if user == "eve":
        assert scored.institution.name not in response.content.decode()


def test_anonymous_visitors_are_sent_to_login(client, scored):
    for url in (score_list(), score_page(scored.institution),
                reverse("scoring:rubric", args=[YEAR])):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response.url


@pytest.mark.parametrize(("user", "status"), [
    ("alice", 200), ("carol", 200), ("dave", 200), ("bob", 403), ("eve", 404)])
def test_who_may_open_a_score_page(client, request, scored, user, status):
    client.force_login(request.getfixturevalue(user))
    assert client.get(score_page(scored.institution)).status_code == status


# The year's list ------------------------------------------------------------------------------


def test_the_year_list_shows_stored_scores_with_links(client, scored, carol):
    client.force_login(carol)
    content = client.get(score_list()).content.decode()
    assert scored.institution.name in content
    assert score_page(scored.institution) in content
    assert "38.00" in content
    assert "不合格" in content
    assert reverse("scoring:recompute", args=[YEAR]) in content


def test_the_year_list_filters_by_red_list_and_grade(client, scored, carol):
    client.force_login(carol)
    assert scored.institution.name not in client.get(
        score_list(), {"red_list": "yes"}).content.decode()
    assert scored.institution.name in client.get(
        score_list(), {"grade": "不合格"}).content.decode()
    assert scored.institution.name not in client.get(
        score_list(), {"grade": "优秀"}).content.decode()


def test_the_year_list_exports_csv_and_xlsx_of_the_users_scope(client, scored, alice,
                                                               institution_b):
    client.force_login(alice)
    response = client.get(score_list(), {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["机构名称", "统一社会信用代码", "所属区划"]
    assert [row[0] for row in rows[1:]] == [scored.institution.name]
    assert "38.00" in rows[1]
    response = client.get(score_list(), {"_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [scored.institution.name]
    assert institution_b.name not in names


def test_the_year_list_runs_a_bounded_number_of_queries(client, alice, county_a, committee_a,
                                                        django_assert_max_num_queries):
    branch = BranchFactory(committee=committee_a, founded_on=date(2020, 1, 1))
    for _n in range(55):
        CoverageFactory(branch=branch, institution=InstitutionFactory(region=county_a),
                        start=date(2020, 1, 1))
    scores_recompute(acting_user=alice, year=YEAR)
    assert Score.objects.count() == 55
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        response = client.get(score_list())
    assert response.status_code == 200


# Recompute --------------------------------------------------------------------------------


def test_staff_recompute_the_year_through_the_confirmation_page(client, scored_a, alice):
    client.force_login(alice)
    url = reverse("scoring:recompute", args=[YEAR])
    assert client.get(url).status_code == 200
    response = client.post(url, {"region": ""})
    assert response.status_code == 200
    assert "正在计算" in response.content.decode()
    assert not Score.objects.exists()
    response = client.post(url, {"region": "", "confirm": "1"})
    assert response.status_code == 302
    assert Score.objects.get(institution=scored_a.institution).total == D("38.00")


def test_a_reviewer_recomputes_one_institution_from_its_score_page(client, scored, carol):
    scored.clue.substantiated = False
    scored.clue.save()
    client.force_login(carol)
    url = reverse("scoring:recompute_institution", args=[YEAR, scored.institution.pk])
    assert client.post(url, {"confirm": "1"}).status_code == 302
    assert Score.objects.get(institution=scored.institution).total == D("48.00")


def test_instructors_may_not_recompute_and_outsiders_get_404(client, scored, bob, eve):
    client.force_login(bob)
    assert client.post(reverse("scoring:recompute", args=[YEAR]),
                       {"confirm": "1"}).status_code == 403
    client.force_login(eve)
    url = reverse("scoring:recompute_institution", args=[YEAR, scored.institution.pk])
    assert client.post(url, {"confirm": "1"}).status_code == 404


def test_a_finalised_year_offers_no_recompute_and_refuses_it(client, scored, alice, dave):
    year_finalise(acting_user=dave, year=YEAR)
    client.force_login(alice)
    assert reverse("scoring:recompute", args=[YEAR]) not in client.get(
        score_list()).content.decode()
    response = client.post(reverse("scoring:recompute", args=[YEAR]),
                           {"region": "", "confirm": "1"})
    assert response.status_code == 200
    assert "已于" in response.content.decode()


# The score explains itself ----------------------------------------------------------------


def test_the_score_page_shows_every_item_with_the_records_behind_it(client, scored, carol):
    client.force_login(carol)
    content = client.get(score_page(scored.institution)).content.decode()
    # Coverage: the covering branch of the months.
    assert "赫山区第一联合党支部" in content
    # Four ones: March's items link to the two visits that did them.
    for visit in (scored.visits["march_a"], scored.visits["march_b"]):
        assert reverse("visits:visit_detail", args=[visit.pk]) in content
    assert "4/4" in content
    # Activities counted, with the branch.
    assert "四月主题党日：参观红色教育基地" in content
    assert "七一主题党日" in content
    assert reverse("activities:activity_detail", args=[scored.activities[0].pk]) in content
    # Hazards: one on time, one late.
    assert "二楼消防通道堆放杂物" in content
    assert "灭火器过期未更换" in content
    assert "按期" in content and "逾期" in content
    # Point entries and the deducted clue; the unsubstantiated one is not deducted.
    assert "组织党员志愿服务受到表彰" in content
    assert "超范围招收学科类学员" in content
    assert "疑似收费未公示" not in content
    for figure in ("20.00", "12.50", "2.50", "5.00", "3.00", "10.00", "38.00"):
        assert figure in content


def test_the_score_page_marks_an_uncovered_month(client, scored, carol, committee_a):
    coverage = scored.institution.coverages.get()
    coverage.start = date(YEAR, 7, 1)
    coverage.save()
    client.force_login(carol)
    content = client.get(score_page(scored.institution)).content.decode()
    assert "未覆盖" in content
    assert "与保存的评分不同" in content


def test_the_score_page_of_a_year_without_stored_score_shows_the_live_figures(client,
                                                                             scored_a, carol):
    client.force_login(carol)
    content = client.get(score_page(scored_a.institution)).content.decode()
    assert "还没有保存的评分" in content
    assert "38.00" in content


# The rubric -----------------------------------------------------------------------------------


def test_the_rubric_page_shows_the_differences_from_the_default(client, dave, carol):
    client.force_login(dave)
    url = reverse("scoring:rubric_edit", args=[YEAR])
    rubric = rubric_for_year(YEAR)
    data = {name: str(value) for name, value in rubric.values().as_dict().items()}
    # The maxima must still add up to 100: five points move from 四个一 to 组织覆盖.
    data["four_ones_max"] = "35"
    data["coverage_max"] = "25"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "四个一满分：40.00 → 35" in response.content.decode()
    response = client.post(url, {**data, "confirm": "1"})
    assert response.status_code == 302
    rubric = Rubric.objects.get(year=YEAR)
    assert rubric.four_ones_max == D("35")
    assert rubric.version == 2
    client.force_login(carol)
    content = client.get(reverse("scoring:rubric", args=[YEAR])).content.decode()
    assert "已修改" in content
    assert "<strong>35.00</strong>" in content
    assert url not in content


def test_only_administrators_edit_the_rubric_or_finalise_the_year(client, alice, carol):
    for user in (alice, carol):
        client.force_login(user)
        assert client.get(reverse("scoring:rubric_edit", args=[YEAR])).status_code == 403
        assert client.post(reverse("scoring:year_finalise", args=[YEAR]),
                           {"confirm": "1"}).status_code == 403
    assert not Rubric.objects.filter(year=YEAR, finalised_at__isnull=False).exists()


def test_an_administrator_finalises_the_year_and_the_rubric_is_locked(client, dave):
    client.force_login(dave)
    response = client.post(reverse("scoring:year_finalise", args=[YEAR]), {"confirm": "1"})
    assert response.status_code == 302
    assert Rubric.objects.get(year=YEAR).is_finalised
    response = client.get(reverse("scoring:rubric_edit", args=[YEAR]))
    assert response.status_code == 302
    assert reverse("scoring:rubric_edit", args=[YEAR]) not in client.get(
        reverse("scoring:rubric", args=[YEAR])).content.decode()


# The institution page panel ---------------------------------------------------------------


def test_the_institution_page_shows_last_years_score_with_a_link(client, scored, carol,
                                                                 frozen_today):
    client.force_login(carol)
    url = reverse("organisation:institution_detail", args=[scored.institution.pk])
    content = client.get(url).content.decode()
    assert "党建评分（2025 年度）" in content
    assert score_page(scored.institution) in content
    assert "38.00" in content


def test_the_score_page_runs_a_bounded_number_of_queries(client, scored, carol,
                                                         django_assert_max_num_queries):
    client.force_login(carol)
    with django_assert_max_num_queries(30):
        assert client.get(score_page(scored.institution)).status_code == 200


def test_the_navigation_links_the_scores_for_readers_only(client, scored, carol, bob,
                                                          frozen_today):
    client.force_login(carol)
    response = client.get(reverse("scoring:score_list_default"))
    assert response.url == score_list(2025)
    assert "年度评分" in client.get(response.url).content.decode()
    client.force_login(bob)
    assert "年度评分" not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("scoring:score_list_default")).status_code == 403
