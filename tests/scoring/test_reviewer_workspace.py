"""The reviewer's workspace (issue 12): the year's inspections of the region by status on
the home page, linking to the filtered score list; search by name or credit code; an
inspection-status column; all complete inspections of a region finalised in one confirmed
step; the finalised snapshot shows the deduction with its minus sign."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from partybuild.scoring.models import Inspection
from partybuild.scoring.services import (
    SECTIONS,
    inspection_enter_section,
    inspection_finalise,
    inspection_get_or_create,
    scores_recompute,
)
from tests.factories import CoverageFactory, InstitutionFactory

from .conftest import YEAR


@pytest.fixture
def four_inspections(scored_a, county_a, alice, carol, frozen_today):
    """Four scored institutions of 赫山区, one in each inspection status, and one of 资阳区."""
    others = [InstitutionFactory(region=county_a, name=name, opened_on=date(2019, 1, 1))
              for name in ("赫山区博雅培训学校", "赫山区启航培训中心", "赫山区明德培训中心")]
    for institution in others:
        CoverageFactory(institution=institution, start=date(2019, 1, 1))
    scores_recompute(acting_user=alice, year=YEAR)
    done, ready, started = (scored_a.institution, *others[:2])
    for institution, sections in ((done, SECTIONS), (ready, SECTIONS), (started, SECTIONS[:1])):
        inspection = inspection_get_or_create(acting_user=carol, institution=institution,
                                              year=YEAR)
        for section in sections:
            inspection = inspection_enter_section(acting_user=carol, inspection=inspection,
                                                  section=section, score=Decimal("85"))
    inspection_finalise(acting_user=carol, inspection=Inspection.objects.get(institution=done))
    return {"finalised": done, "ready": ready, "incomplete": started, "not_started": others[2]}


def test_the_reviewers_home_counts_the_years_inspections_by_status(client, four_inspections,
                                                                   carol):
    client.force_login(carol)
    response = client.get(reverse("home"))
    content = response.content.decode()
    assert f"{YEAR} 年度年检进度" in content
    list_url = reverse("scoring:score_list", args=[YEAR])
    for status in ("not_started", "incomplete", "ready", "finalised"):
        link = f'href="{list_url}?inspection={status}"><div class="value">1</div>'
        assert link in content, status
    assert reverse("scoring:inspections_finalise", args=[YEAR]) in content


def test_staff_see_no_reviewer_workspace(client, four_inspections, alice):
    client.force_login(alice)
    assert "年度年检进度" not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("status", ["not_started", "incomplete", "ready", "finalised"])
def test_a_status_count_links_to_the_list_of_those_institutions(client, four_inspections,
                                                                carol, status):
    client.force_login(carol)
    response = client.get(reverse("scoring:score_list", args=[YEAR]), {"inspection": status})
    names = [row.record.institution.name for row in response.context["table"].page.object_list]
    assert names == [four_inspections[status].name]


def test_the_score_list_shows_the_inspection_status_and_searches_name_or_credit_code(
        client, four_inspections, carol):
    client.force_login(carol)
    url = reverse("scoring:score_list", args=[YEAR])
    content = client.get(url).content.decode()
    for label in ("未开始", "未完成", "待定稿", "已定稿"):
        assert label in content
    ready = four_inspections["ready"]
    for query in ("博雅", ready.credit_code[-6:].lower()):
        response = client.get(url, {"q": query})
        names = [row.record.institution.name
                 for row in response.context["table"].page.object_list]
        assert names == [ready.name], query


def test_a_reviewer_finalises_all_complete_inspections_of_the_region_in_one_step(
        client, four_inspections, carol, county_a):
    client.force_login(carol)
    url = reverse("scoring:inspections_finalise", args=[YEAR])
    response = client.post(url, {"region": county_a.pk})
    content = response.content.decode()
    assert "共 1 家" in content and four_inspections["ready"].name in content
    assert not Inspection.objects.get(institution=four_inspections["ready"]).is_finalised
    response = client.post(url, {"region": county_a.pk, "confirm": "1"})
    assert response.status_code == 302
    states = {i.institution_id: i.is_finalised for i in Inspection.objects.all()}
    assert states == {four_inspections["finalised"].pk: True,
                      four_inspections["ready"].pk: True,
                      four_inspections["incomplete"].pk: False}
    finalised = Inspection.objects.get(institution=four_inspections["ready"])
    assert finalised.finalised_by == carol and finalised.breakdown["items"]


def test_staff_may_not_finalise_inspections_in_bulk(client, four_inspections, alice,
                                                    county_a):
    client.force_login(alice)
    url = reverse("scoring:inspections_finalise", args=[YEAR])
    assert client.post(url, {"region": county_a.pk, "confirm": "1"}).status_code == 403
    assert Inspection.objects.filter(finalised_at__isnull=False).count() == 1


def test_the_finalised_snapshot_shows_the_deduction_with_its_sign(client, four_inspections,
                                                                  carol):
    client.force_login(carol)
    done = four_inspections["finalised"]
    content = client.get(reverse("scoring:inspection", args=[YEAR, done.pk])).content.decode()
    assert "<dd>-10.00</dd>" in content
    score = client.get(reverse("scoring:score_detail", args=[YEAR, done.pk])).content.decode()
    assert "<td>-10.00</td>" in score
