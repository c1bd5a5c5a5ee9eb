"""Clue pages: reporting from a visit, the staff review and the clue list."""

from datetime import date

import pytest
from django.urls import reverse

from partybuild.visits.models import Clue
from tests.action_helpers import carried_values, confirm, is_confirmation_page, page_text, preview
from tests.factories import AssignmentFactory, InstitutionFactory, InstructorFactory
from tests.factories_visits import ClueFactory, VisitFactory

from .conftest import TODAY

pytestmark = pytest.mark.usefixtures("frozen_today", "media_root")

LIST = reverse("visits:clue_list")
CREATE = reverse("visits:clue_create")


def detail_url(clue) -> str:
    return reverse("visits:clue_detail", args=[clue.pk])


def review_url(clue) -> str:
    return reverse("visits:clue_review", args=[clue.pk])


def listed(response) -> set[str]:
    return {row.record.description for row in response.context["table"].paginated_rows}


@pytest.fixture
def clues(bob, frank, bob_at_a, frank_at_a2, institution_a, institution_a2, institution_b):
    return {
        "pending": ClueFactory(institution=institution_a, instructor=bob.instructor,
                               description="疑似超范围招收学科类学员"),
        "substantiated": ClueFactory(institution=institution_a2, instructor=frank.instructor,
                                     description="违规预收费超过三个月", substantiated=True,
                                     enforcement=True, reviewed_on=date(2026, 11, 10)),
        "unsubstantiated": ClueFactory(institution=institution_a2, instructor=frank.instructor,
                                       description="举报聘用无资质教师",
                                       reviewed_on=date(2026, 11, 9)),
        "county_b": ClueFactory(institution=institution_b, description="资阳区：违规开班"),
    }


def test_an_instructor_reports_a_clue_from_their_visit(client, bob, bob_at_a, institution_a):
    visit = VisitFactory(instructor=bob.instructor, institution=institution_a,
                         date=date(2026, 11, 18))
    client.force_login(bob)
    url = f"{CREATE}?visit={visit.pk}"
    assert client.get(url).context["form"]["date"].value() == date(2026, 11, 18)
    response = client.post(url, {"institution": institution_a.pk, "date": "2026-11-18",
                                 "description": "发现机构周末违规开设学科类课程"})
    assert response.status_code == 302
    clue = Clue.objects.get()
    assert (clue.visit, clue.instructor, clue.recorded_by) == (visit, bob.instructor, bob)
    assert clue.reviewed_on is None
    assert "发现机构周末违规开设学科类课程" in page_text(client.get(response.url))


def test_a_clue_dated_in_the_future_is_refused_on_the_form(client, bob, bob_at_a,
                                                           institution_a):
    client.force_login(bob)
    response = client.post(f"{CREATE}?institution={institution_a.pk}", {
        "institution": institution_a.pk, "date": "2026-12-01", "description": "疑似违规收费"})
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [
        "日期 2026-12-01 晚于今天（2026-11-22），不能录入未来的日期。"]
    assert not Clue.objects.exists()


def test_staff_review_a_clue_after_confirming(client, alice, clues):
    clue = clues["pending"]
    client.force_login(alice)
    data = {"substantiated": "on", "enforcement": "on", "reviewed_on": "2026-11-21"}
    response = preview(client, review_url(clue), data)
    assert is_confirmation_page(response)
    text = page_text(response)
    assert "经 2026-11-21 核查查实" in text and "扣 10 分" in text
    assert Clue.objects.get(pk=clue.pk).reviewed_on is None
    response = confirm(client, review_url(clue), carried_values(response))
    assert response.status_code == 302 and response.url == detail_url(clue)
    clue.refresh_from_db()
    assert (clue.substantiated, clue.enforcement, clue.reviewed_on) == (
        True, True, date(2026, 11, 21))
    assert clue.history.latest().history_user == alice


def test_a_review_dated_before_the_clue_is_refused(client, alice, clues):
    client.force_login(alice)
    response = confirm(client, review_url(clues["pending"]),
                       {"substantiated": "on", "reviewed_on": "2026-11-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["reviewed_on"] == [
        "核查日期 2026-11-01 不能早于线索日期 2026-11-02。"]


@pytest.mark.parametrize("user_fixture", ["bob", "carol"])
def test_instructors_and_reviewers_get_403_on_the_review(client, request, user_fixture, clues):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(review_url(clues["pending"])).status_code == 403
    response = confirm(client, review_url(clues["pending"]),
                       {"substantiated": "on", "reviewed_on": "2026-11-21"})
    assert response.status_code == 403
    assert Clue.objects.get(pk=clues["pending"].pk).reviewed_on is None


def test_a_reviewer_may_not_report_a_clue(client, carol, institution_a):
    client.force_login(carol)
    assert client.get(CREATE).status_code == 403


@pytest.mark.parametrize(("query", "expected"), [
    ("", {"pending", "substantiated", "unsubstantiated"}),
    ("review=pending", {"pending"}),
    ("review=substantiated", {"substantiated"}),
    ("review=unsubstantiated", {"unsubstantiated"}),
    ("review=enforcement", {"substantiated"}),
    ("q=预收费", {"substantiated"}),
])
def test_the_clue_list_filters(client, alice, clues, query, expected):
    client.force_login(alice)
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert listed(response) == {clues[key].description for key in expected}


def test_clues_are_scoped(client, bob, eve, carol, clues):
    client.force_login(bob)
    assert listed(client.get(LIST)) == {clues["pending"].description}
    assert client.get(detail_url(clues["substantiated"])).status_code == 404
    client.force_login(carol)
    assert client.get(detail_url(clues["substantiated"])).status_code == 200
    client.force_login(eve)
    assert client.get(detail_url(clues["pending"])).status_code == 404
    assert client.get(review_url(clues["pending"])).status_code == 404
    assert listed(client.get(LIST)) == {clues["county_b"].description}


def test_anonymous_visitors_are_sent_to_login(client, clues):
    for url in (LIST, CREATE, detail_url(clues["pending"])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_the_clue_list_takes_a_constant_number_of_queries(client, alice, county_a,
                                                          django_assert_max_num_queries,
                                                          settings):
    settings.LIST_PAGE_SIZE = 100
    for n in range(52):
        instructor = InstructorFactory(region=county_a)
        institution = InstitutionFactory(region=county_a)
        AssignmentFactory(instructor=instructor, institution=institution)
        ClueFactory(institution=institution, instructor=instructor,
                    date=date(2026, 11, 1 + n % 21), reviewed_on=TODAY if n % 3 else None)
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert len(response.context["table"].paginated_rows) == 52
