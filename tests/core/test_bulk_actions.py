"""Bulk actions with one confirmation (core.views_bulk): end several coverages, close out
several rectified hazards, hand several institutions to another instructor.

Every row is validated before the confirmation page; the confirmation lists exactly what
will happen; confirming changes every row or none; an id outside the user's region is a 404.
"""

from datetime import date

import pytest
from django.urls import reverse

from partybuild.core.views_bulk import MAX_BULK_ROWS
from partybuild.instructors.models import Assignment
from partybuild.organisation.models import Coverage
from partybuild.visits.models import Hazard
from tests.action_helpers import flashed, is_confirmation_page, page_text
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    CoverageFactory,
    InstitutionFactory,
    InstructorFactory,
)
from tests.factories_visits import HazardFactory

END_COVERAGES = reverse("organisation:coverage_bulk_end")
CLOSE_OUT = reverse("visits:hazard_bulk_close_out")
REASSIGN = reverse("instructors:assignment_bulk_reassign")


@pytest.fixture
def branch(committee_a):
    return BranchFactory(name="赫山区第一联合党支部", committee=committee_a,
                         founded_on=date(2021, 1, 1))


@pytest.fixture
def coverages(branch, county_a):
    names = ("赫山区启航英语培训学校", "赫山区金话筒口才培训中心", "赫山区阳光艺术培训学校")
    return [CoverageFactory(branch=branch, start=date(2022, 1, 1),
                            institution=InstitutionFactory(region=county_a, name=name))
            for name in names]


@pytest.fixture
def coverage_b(committee_b, county_b):
    branch = BranchFactory(name="资阳区第一联合党支部", committee=committee_b,
                           founded_on=date(2021, 1, 1))
    return CoverageFactory(branch=branch, start=date(2022, 1, 1),
                           institution=InstitutionFactory(region=county_b,
                                                          name="资阳区启明体育培训中心"))


def ends(rows) -> list:
    return [Coverage.objects.get(pk=row.pk).end for row in rows]


# Ending several coverages ---------------------------------------------------------------


def test_the_selection_page_offers_every_open_coverage_of_the_branch_with_plain_checkboxes(
        client, alice, branch, coverages, coverage_b):
    client.force_login(alice)
    response = client.get(END_COVERAGES, {"branch": branch.pk})
    text = page_text(response)
    assert response.status_code == 200
    for coverage in coverages:
        assert f'name="ids" value="{coverage.pk}"' in text
    assert "资阳区启明体育培训中心" not in text
    # "Select all" is a script-only helper; the page itself has no inline script.
    assert "data-select-all" in text and "js/bulk.js" in text
    assert "onclick" not in text and "<script>" not in text


def test_ending_three_coverages_confirms_once_and_ends_them_all_with_history(
        client, alice, coverages):
    client.force_login(alice)
    body = {"ids": [c.pk for c in coverages], "on": "2026-06-30"}
    preview = client.post(END_COVERAGES, body)
    assert is_confirmation_page(preview)
    text = page_text(preview)
    for coverage in coverages:
        sentence = (f"“赫山区第一联合党支部”对机构“{coverage.institution.name}”"
                    "的覆盖将于 2026-06-30 结束")
        assert sentence in text
    assert ends(coverages) == [None, None, None], "the confirmation page wrote nothing"

    done = client.post(END_COVERAGES, {**body, "confirm": "1"})
    assert done.status_code == 302
    assert ends(coverages) == [date(2026, 6, 30)] * 3
    assert flashed(done) == ["已结束 3 项支部覆盖，最后一天为 2026-06-30。"]
    for coverage in coverages:
        assert Coverage.history.filter(id=coverage.pk).latest().history_user == alice


def test_a_coverage_that_cannot_end_on_the_date_is_named_before_confirmation_and_nothing_ends(
        client, alice, branch, coverages, county_a):
    late = CoverageFactory(branch=branch, start=date(2026, 8, 1),
                           institution=InstitutionFactory(region=county_a,
                                                          name="赫山区新星美术培训学校"))
    client.force_login(alice)
    rows = [*coverages, late]
    response = client.post(END_COVERAGES, {"ids": [c.pk for c in rows], "on": "2026-06-30"})
    assert not is_confirmation_page(response)
    text = page_text(response)
    assert "有 1 条记录无法处理，未作任何修改" in text
    assert "“赫山区第一联合党支部”对“赫山区新星美术培训学校”的覆盖" in text
    assert ends(rows) == [None] * 4


def test_confirming_is_all_or_nothing_when_one_row_has_changed_since_the_summary(
        client, alice, coverages):
    client.force_login(alice)
    body = {"ids": [c.pk for c in coverages], "on": "2026-06-30"}
    assert is_confirmation_page(client.post(END_COVERAGES, body))
    # Someone ends the last coverage earlier between the summary and 确认.
    Coverage.objects.filter(pk=coverages[-1].pk).update(end=date(2026, 3, 31))
    response = client.post(END_COVERAGES, {**body, "confirm": "1"})
    assert response.status_code == 200
    assert "未作任何修改" in page_text(response)
    assert ends(coverages) == [None, None, date(2026, 3, 31)]


def test_a_coverage_of_another_county_among_the_ids_is_a_404_and_nothing_ends(
        client, alice, coverages, coverage_b):
    client.force_login(alice)
    body = {"ids": [coverages[0].pk, coverage_b.pk], "on": "2026-06-30", "confirm": "1"}
    assert client.post(END_COVERAGES, body).status_code == 404
    assert ends([coverages[0], coverage_b]) == [None, None]


def test_ids_that_are_not_numbers_are_a_404_not_an_error(client, alice, coverages):
    client.force_login(alice)
    response = client.post(END_COVERAGES, {"ids": ["1; DROP TABLE"], "on": "2026-06-30"})
    assert response.status_code == 404


def test_more_rows_than_the_maximum_are_refused_with_a_message(client, alice, coverages):
    client.force_login(alice)
    ids = list(range(1, MAX_BULK_ROWS + 2))
    response = client.post(END_COVERAGES, {"ids": ids, "on": "2026-06-30", "confirm": "1"})
    assert response.status_code == 200
    assert f"一次最多处理 {MAX_BULK_ROWS} 条，本次选择了 {MAX_BULK_ROWS + 1} 条" in page_text(
        response)
    assert ends(coverages) == [None] * 3


def test_nothing_ticked_asks_for_a_row(client, alice, coverages):
    client.force_login(alice)
    response = client.post(END_COVERAGES, {"on": "2026-06-30"})
    assert "请至少选择一条记录。" in page_text(response)


def test_reviewers_and_instructors_may_not_end_coverages_in_bulk(client, bob, carol, coverages):
    for user in (bob, carol):
        client.force_login(user)
        body = {"ids": [coverages[0].pk], "on": "2026-06-30", "confirm": "1"}
        assert client.post(END_COVERAGES, body).status_code == 403
    assert ends(coverages) == [None] * 3


# Closing out several rectified hazards ----------------------------------------------------


@pytest.fixture
def rectified(county_a):
    institution = InstitutionFactory(region=county_a, name="赫山区启航英语培训学校")
    return [HazardFactory(institution=institution, found_on=date(2026, 11, 2),
                          rectified_on=date(2026, 11, 10), description=text)
            for text in ("二楼消防通道堆放杂物", "灭火器过期未更换")]


def test_only_rectified_hazards_awaiting_close_out_are_offered(client, alice, rectified,
                                                               county_a):
    open_hazard = HazardFactory(institution=rectified[0].institution,
                                description="安全出口指示灯损坏")
    client.force_login(alice)
    text = page_text(client.get(CLOSE_OUT))
    assert "二楼消防通道堆放杂物" in text and "灭火器过期未更换" in text
    assert f'value="{open_hazard.pk}"' not in text


def test_closing_out_two_rectified_hazards_at_once(client, alice, rectified):
    client.force_login(alice)
    body = {"ids": [h.pk for h in rectified], "on": "2026-11-20"}
    assert is_confirmation_page(client.post(CLOSE_OUT, body))
    done = client.post(CLOSE_OUT, {**body, "confirm": "1"})
    assert done.status_code == 302
    assert flashed(done) == ["已为 2 条隐患销号，销号日期 2026-11-20。"]
    for hazard in Hazard.objects.filter(pk__in=body["ids"]):
        assert hazard.closed_out_on == date(2026, 11, 20)
        assert hazard.closed_out_by == alice
        assert hazard.history.latest().history_user == alice


def test_a_hazard_not_yet_rectified_is_refused_before_confirmation(client, alice, rectified):
    open_hazard = HazardFactory(institution=rectified[0].institution,
                                description="安全出口指示灯损坏")
    client.force_login(alice)
    response = client.post(CLOSE_OUT, {"ids": [rectified[0].pk, open_hazard.pk],
                                       "on": "2026-11-20"})
    assert not is_confirmation_page(response)
    assert "该隐患尚未登记整改完成，不能销号。" in page_text(response)
    assert not Hazard.objects.filter(closed_out_on__isnull=False).exists()


def test_a_hazard_of_another_county_is_a_404(client, alice, rectified, county_b):
    other = HazardFactory(institution=InstitutionFactory(region=county_b),
                          rectified_on=date(2026, 11, 10))
    client.force_login(alice)
    response = client.post(CLOSE_OUT, {"ids": [rectified[0].pk, other.pk], "on": "2026-11-20",
                                       "confirm": "1"})
    assert response.status_code == 404
    assert not Hazard.objects.filter(closed_out_on__isnull=False).exists()


# Reassigning several institutions ----------------------------------------------------------


@pytest.fixture
def leaving(county_a):
    return InstructorFactory(name="刘洋", region=county_a)


@pytest.fixture
def successor(county_a):
    return InstructorFactory(name="孙伟", region=county_a)


@pytest.fixture
def caseload(leaving, county_a):
    names = ("赫山区启航英语培训学校", "赫山区金话筒口才培训中心")
    return [AssignmentFactory(instructor=leaving, start=date(2023, 1, 1),
                              institution=InstitutionFactory(region=county_a, name=name))
            for name in names]


def test_reassigning_an_instructors_institutions_ends_and_starts_assignments(
        client, alice, leaving, successor, caseload):
    client.force_login(alice)
    url = f"{REASSIGN}?instructor={leaving.pk}"
    listing = page_text(client.get(url))
    assert "赫山区启航英语培训学校" in listing and "刘洋" in listing
    body = {"ids": [a.institution_id for a in caseload], "instructor": successor.pk,
            "on": "2026-07-01"}
    preview = client.post(url, body)
    assert is_confirmation_page(preview)
    assert ("将从 2026-07-01 起由指导员 孙伟 接替 刘洋 负责机构“赫山区启航英语培训学校”"
            in page_text(preview))
    done = client.post(url, {**body, "confirm": "1"})
    assert done.status_code == 302
    assert done["Location"] == reverse("instructors:instructor_detail", args=[leaving.pk])
    assert flashed(done) == ["已将 2 家机构改派给指导员 孙伟，自 2026-07-01 起生效。"]
    for old in caseload:
        old.refresh_from_db()
        assert old.end == date(2026, 6, 30)
        new = Assignment.objects.get(institution=old.institution, start=date(2026, 7, 1))
        assert new.instructor == successor and new.end is None
        assert new.history.latest().history_user == alice


def test_a_reassignment_that_cannot_happen_is_refused_before_confirmation(
        client, alice, leaving, caseload):
    client.force_login(alice)
    # Handing the institutions to the instructor who already has them.
    response = client.post(REASSIGN, {"ids": [a.institution_id for a in caseload],
                                      "instructor": leaving.pk, "on": "2026-07-01"})
    assert not is_confirmation_page(response)
    assert "刘洋在 2026-07-01 已负责该机构。" in page_text(response)
    assert Assignment.objects.count() == 2
    assert all(a.end is None for a in Assignment.objects.all())


def test_an_institution_of_another_county_is_a_404(client, alice, successor, caseload,
                                                   institution_b):
    client.force_login(alice)
    response = client.post(REASSIGN, {"ids": [caseload[0].institution_id, institution_b.pk],
                                      "instructor": successor.pk, "on": "2026-07-01",
                                      "confirm": "1"})
    assert response.status_code == 404
    assert Assignment.objects.count() == 2


def test_the_selection_page_lists_at_most_the_maximum_and_says_so(client, alice, branch,
                                                                   county_a, monkeypatch):
    from partybuild.core import views_bulk
    monkeypatch.setattr(views_bulk, "MAX_BULK_ROWS", 2)
    for name in ("赫山区启航英语培训学校", "赫山区金话筒口才培训中心", "赫山区阳光艺术培训学校"):
        CoverageFactory(branch=branch, start=date(2022, 1, 1),
                        institution=InstitutionFactory(region=county_a, name=name))
    client.force_login(alice)
    text = page_text(client.get(END_COVERAGES))
    assert text.count('name="ids"') == 2
    assert "只列出前 2 条" in text
