"""The annual inspection: five sections, the 复核 of the party-building score, finalising."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from partybuild.scoring.models import Inspection, Score
from partybuild.scoring.services import (
    inspection_adjust_party_building,
    inspection_enter_section,
    inspection_finalise,
    inspection_get_or_create,
    inspection_reopen,
    scores_recompute,
)

from .conftest import YEAR

D = Decimal
SECTIONS = ("conditions", "teaching", "finance", "safety")


@pytest.fixture
def inspection(scored_a, alice, carol):
    scores_recompute(acting_user=alice, year=YEAR)
    return inspection_get_or_create(acting_user=carol, institution=scored_a.institution,
                                    year=YEAR)


def fill(inspection, user, scores=(90, 85, 80, 95)):
    for section, score in zip(SECTIONS, scores, strict=True):
        inspection = inspection_enter_section(acting_user=user, inspection=inspection,
                                              section=section, score=D(score),
                                              comment=f"{section} 检查情况良好")
    return inspection


def page(year, institution):
    return reverse("scoring:inspection", args=[year, institution.pk])


def test_the_party_building_section_takes_the_stored_score(inspection):
    assert inspection.party_building_computed == D("38.00")
    assert inspection.party_building == D("38.00")


def test_an_inspection_with_an_empty_section_has_no_result(inspection, carol):
    inspection = fill(inspection, carol, (90, 85, 80, 95))
    inspection = inspection_enter_section(acting_user=carol, inspection=inspection,
                                          section="safety", score=D("95"))
    assert inspection.result is not None
    partial = Inspection(institution=inspection.institution, year=YEAR,
                         party_building_computed=D("90"), conditions=D("90"),
                         teaching=D("90"), finance=D("90"))
    assert partial.overall is None
    assert partial.result is None


@pytest.mark.parametrize(("sections", "overall", "result"), [
    ((80, 80, 80, 80, 80), D("80.00"), "合格"),
    ((80, 80, 80, 80, D("79.95")), D("79.99"), "基本合格"),
    ((60, 60, 60, 60, 60), D("60.00"), "基本合格"),
    ((60, 60, 60, 60, D("59.95")), D("59.99"), "不合格"),
    ((100, 100, 100, 100, 100), D("100.00"), "合格"),
])
def test_overall_is_the_weighted_sum_and_the_result_follows_the_boundaries(sections, overall,
                                                                          result):
    party, *rest = (D(value) for value in sections)
    inspection = Inspection(party_building_computed=party,
                            **dict(zip(SECTIONS, rest, strict=True)))
    assert inspection.overall == overall
    assert inspection.result == result


def test_the_adjusted_figure_counts_and_both_are_kept(inspection, carol):
    inspection = inspection_adjust_party_building(
        acting_user=carol, inspection=inspection, adjusted=D("60"),
        reason="年中支部换届期间活动记录缺失，经核实已补开")
    inspection = fill(inspection, carol, (60, 60, 60, 60))
    inspection.refresh_from_db()
    assert inspection.party_building_computed == D("38.00")
    assert inspection.party_building_adjusted == D("60.00")
    assert inspection.overall == D("60.00")
    assert inspection.result == "基本合格"


def test_an_adjustment_without_a_reason_is_rejected(inspection, carol):
    with pytest.raises(ValidationError, match="复核理由"):
        inspection_adjust_party_building(acting_user=carol, inspection=inspection,
                                         adjusted=D("70"), reason="  ")
    inspection.refresh_from_db()
    assert inspection.party_building_adjusted is None


def test_an_adjustment_without_a_reason_is_rejected_on_the_page(client, inspection, carol):
    client.force_login(carol)
    url = reverse("scoring:inspection_adjust", args=[YEAR, inspection.institution_id])
    response = client.post(url, {"adjusted": "70", "reason": ""})
    assert response.status_code == 200
    assert "调整党建工作得分须填写复核理由" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.party_building_adjusted is None


def test_the_page_shows_the_computed_and_the_adjusted_figures(client, inspection, carol):
    client.force_login(carol)
    url = reverse("scoring:inspection_adjust", args=[YEAR, inspection.institution_id])
    response = client.post(url, {"adjusted": "65.5", "reason": "补充材料证明四个一已落实"})
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.party_building_adjusted == D("65.50")
    content = client.get(page(YEAR, inspection.institution)).content.decode()
    assert "38.00" in content
    assert "65.50" in content
    assert "补充材料证明四个一已落实" in content


def test_the_inspection_page_links_the_years_report_pdf(client, inspection, carol):
    client.force_login(carol)
    content = client.get(page(YEAR, inspection.institution)).content.decode()
    pdf = reverse("reports:institution_pdf", args=[inspection.institution_id])
    assert f'href="{pdf}?year={YEAR}"' in content
    assert client.get(f"{pdf}?year={YEAR}")["Content-Type"] == "application/pdf"


def test_a_reviewer_enters_a_section_on_the_page(client, scored_a, alice, carol):
    scores_recompute(acting_user=alice, year=YEAR)
    client.force_login(carol)
    url = reverse("scoring:inspection_section", args=[YEAR, scored_a.institution.pk,
                                                      "finance"])
    response = client.post(url, {"score": "88", "comment": "账目清楚"})
    assert response.status_code == 302
    inspection = Inspection.objects.get(institution=scored_a.institution, year=YEAR)
    assert inspection.finance == D("88.00")
    assert inspection.finance_comment == "账目清楚"
    assert inspection.party_building_computed == D("38.00")
    response = client.post(url, {"score": "101", "comment": ""})
    assert response.status_code == 200
    inspection.refresh_from_db()
    assert inspection.finance == D("88.00")


def test_staff_and_instructors_may_not_fill_in_inspections(client, scored_a, alice, bob):
    for user in (alice, bob):
        with pytest.raises(PermissionDenied):
            inspection_get_or_create(acting_user=user, institution=scored_a.institution,
                                     year=YEAR)
    client.force_login(alice)
    url = reverse("scoring:inspection_section", args=[YEAR, scored_a.institution.pk, "finance"])
    assert client.post(url, {"score": "80"}).status_code == 403
    assert not Inspection.objects.exists()


def test_finalising_locks_the_inspection_and_freezes_the_breakdown(inspection, carol, alice,
                                                                   scored_a):
    inspection = fill(inspection, carol)
    inspection = inspection_finalise(acting_user=carol, inspection=inspection)
    assert inspection.is_finalised
    assert inspection.finalised_by == carol
    assert inspection.breakdown["items"]["total"] == "38.00"
    assert inspection.breakdown["explanation"]["covering_branch_by_month"]["3"] == (
        "赫山区第一联合党支部")
    with pytest.raises(ValidationError, match="已定稿"):
        inspection_enter_section(acting_user=carol, inspection=inspection, section="safety",
                                 score=D("10"))
    with pytest.raises(ValidationError, match="已定稿"):
        inspection_adjust_party_building(acting_user=carol, inspection=inspection,
                                         adjusted=D("99"), reason="试图修改")
    # A later recompute changes neither the finalised inspection nor the stored score it
    # used (issue 12: what is final stays final; the change is shown as a late change).
    scored_a.clue.substantiated = False
    scored_a.clue.save()
    scores_recompute(acting_user=alice, year=YEAR)
    assert Score.objects.get(institution=scored_a.institution).total == D("38.00")
    inspection.refresh_from_db()
    assert inspection.safety == D("95.00")
    assert inspection.party_building_computed == D("38.00")
    assert inspection.breakdown["items"]["total"] == "38.00"


def test_an_open_inspection_follows_a_recompute(inspection, alice, scored_a):
    scored_a.clue.substantiated = False
    scored_a.clue.save()
    scores_recompute(acting_user=alice, year=YEAR)
    inspection.refresh_from_db()
    assert inspection.party_building_computed == D("48.00")
    latest = inspection.history.order_by("-history_id").first()
    assert latest.history_user == alice
    assert latest.party_building_computed == D("48.00")
    assert latest.history_change_reason == "重新计算党建评分"


def test_a_recompute_that_changes_nothing_adds_no_history(inspection, alice):
    entries = inspection.history.count()
    scores_recompute(acting_user=alice, year=YEAR)
    assert inspection.history.count() == entries


def test_the_second_of_two_simultaneous_finalisers_is_told_it_is_already_finalised(
        inspection, carol, dave):
    inspection = fill(inspection, carol)
    seen_by_carol = Inspection.objects.get(pk=inspection.pk)
    seen_by_dave = Inspection.objects.get(pk=inspection.pk)
    inspection_finalise(acting_user=carol, inspection=seen_by_carol)
    with pytest.raises(ValidationError, match="该年检已由陈静于 .* 定稿"):
        inspection_finalise(acting_user=dave, inspection=seen_by_dave)
    inspection.refresh_from_db()
    assert inspection.finalised_by == carol


def test_only_an_administrator_reopens_and_only_with_a_reason(inspection, carol, dave):
    inspection = inspection_finalise(acting_user=carol, inspection=fill(inspection, carol))
    with pytest.raises(PermissionDenied):
        inspection_reopen(acting_user=carol, inspection=inspection, reason="需要修改")
    with pytest.raises(ValidationError, match="理由"):
        inspection_reopen(acting_user=dave, inspection=inspection, reason="")
    inspection.refresh_from_db()
    assert inspection.is_finalised
    inspection = inspection_reopen(acting_user=dave, inspection=inspection,
                                   reason="财务管理得分录入错误")
    assert not inspection.is_finalised
    assert inspection.reopen_reason == "财务管理得分录入错误"
    inspection = inspection_enter_section(acting_user=carol, inspection=inspection,
                                          section="finance", score=D("70"))
    assert inspection.finance == D("70.00")


def test_the_history_shows_finalising_and_reopening(client, inspection, carol, dave):
    inspection = inspection_finalise(acting_user=carol, inspection=fill(inspection, carol))
    inspection_reopen(acting_user=dave, inspection=inspection, reason="财务管理得分录入错误")
    client.force_login(dave)
    content = client.get(page(YEAR, inspection.institution)).content.decode()
    assert "变更记录" in content
    assert "定稿人：陈静" in content
    assert "重新打开理由：— → 财务管理得分录入错误" in content
    assert "王强" in content
    # Times read as Beijing time to the minute, not as stored UTC timestamps.
    finalised_at = timezone.localtime(inspection.finalised_at).strftime("%Y-%m-%d %H:%M")
    assert f"定稿时间：— → {finalised_at}" in content
    assert "+00:00" not in content


def test_finalise_and_reopen_through_the_pages(client, inspection, carol, dave):
    fill(inspection, carol)
    client.force_login(carol)
    url = reverse("scoring:inspection_finalise", args=[YEAR, inspection.institution_id])
    assert client.post(url, {}).status_code == 200
    assert client.post(url, {"confirm": "1"}).status_code == 302
    inspection.refresh_from_db()
    assert inspection.is_finalised
    reopen = reverse("scoring:inspection_reopen", args=[YEAR, inspection.institution_id])
    assert client.get(reopen).status_code == 403
    client.force_login(dave)
    response = client.post(reopen, {"reason": "结论需复议", "confirm": "1"})
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert not inspection.is_finalised


def test_the_inspection_page_access(client, inspection, carol, alice, bob, eve):
    url = page(YEAR, inspection.institution)
    assert client.get(url).status_code == 302
    client.force_login(carol)
    assert client.get(url).status_code == 200
    client.force_login(alice)
    assert client.get(url).status_code == 200
    client.force_login(bob)
    assert client.get(url).status_code == 403
    client.force_login(eve)
    assert client.get(url).status_code == 404
