"""The staff home's follow-up counts: each equals the number of rows of the list it links to."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partybuild.home.attention import attention, counted_attention
from tests.factories import InstitutionFactory, InstructorFactory
from tests.factories_visits import ClueFactory, HazardFactory, VisitFactory

HOME = reverse("home")


def list_count(client, url_name: str, query: dict) -> int:
    response = client.get(reverse(url_name), query)
    assert response.status_code == 200
    return response.context["table"].paginator.count


@pytest.fixture
def records(county_a, county_b, institution_a, institution_b):
    """Hazards, clues and new institutions in both counties, around today's boundaries."""
    today = timezone.localdate()
    for n in range(2):
        HazardFactory(institution=institution_a, found_on=today - timedelta(days=40),
                      deadline=today - timedelta(days=1 + n))
    HazardFactory(institution=institution_a, found_on=today - timedelta(days=10),
                  deadline=today)  # due today: not yet overdue
    HazardFactory(institution=institution_a, found_on=today - timedelta(days=40),
                  deadline=today - timedelta(days=5),
                  rectified_on=today - timedelta(days=6))  # rectified in time
    HazardFactory(institution=institution_b, found_on=today - timedelta(days=40),
                  deadline=today - timedelta(days=3))
    ClueFactory(institution=institution_a, date=today - timedelta(days=8))   # awaiting
    ClueFactory(institution=institution_a, date=today - timedelta(days=30))  # awaiting
    ClueFactory(institution=institution_a, date=today - timedelta(days=7))   # within 7 days
    ClueFactory(institution=institution_a, date=today - timedelta(days=20),
                reviewed_on=today - timedelta(days=15))
    ClueFactory(institution=institution_b, date=today - timedelta(days=30))
    InstitutionFactory(name="赫山区新开办培训学校", region=county_a,
                       opened_on=today - timedelta(days=45),
                       charter_includes_party_building=False)
    InstitutionFactory(name="资阳区新开办培训学校", region=county_b,
                       opened_on=today - timedelta(days=45),
                       charter_includes_party_building=False)


def test_each_home_count_equals_its_list(client, alice, records):
    client.force_login(alice)
    response = client.get(HOME)
    figures = response.context["attention"]
    assert figures.overdue_hazards == 2
    assert figures.clues_awaiting_review == 2
    assert figures.three_sync_behind == 1
    html = response.content.decode()
    assert f'{reverse("visits:hazard_list")}?status=overdue' in html
    assert f'{reverse("visits:clue_list")}?awaiting_review=1' in html
    assert f'{reverse("organisation:three_sync")}?behind=1' in html
    assert list_count(client, "visits:hazard_list", {"status": "overdue"}) == 2
    assert list_count(client, "visits:clue_list", {"awaiting_review": "1"}) == 2
    assert list_count(client, "organisation:three_sync", {"behind": "1"}) == 1


def test_the_other_county_counts_only_its_own(client, eve, records):
    client.force_login(eve)
    figures = client.get(HOME).context["attention"]
    assert (figures.overdue_hazards, figures.clues_awaiting_review,
            figures.three_sync_behind) == (1, 1, 1)
    assert list_count(client, "visits:hazard_list", {"status": "overdue"}) == 1
    assert list_count(client, "visits:clue_list", {"awaiting_review": "1"}) == 1


def test_the_city_administrator_adds_both_counties(client, dave, records):
    client.force_login(dave)
    figures = client.get(HOME).context["attention"]
    assert (figures.overdue_hazards, figures.clues_awaiting_review,
            figures.three_sync_behind) == (3, 3, 2)


def test_instructors_see_no_staff_counts(client, bob, records):
    client.force_login(bob)
    response = client.get(HOME)
    assert "attention" not in response.context or response.context["attention"] is None


@pytest.fixture
def november(county_a, county_b):
    """Institutions of a month: visited, not visited, opened after the 15th, closed before."""
    instructor = InstructorFactory(name="周敏", region=county_a)
    made = {
        "visited": InstitutionFactory(name="赫山区已走访培训学校", region=county_a),
        "unvisited": InstitutionFactory(name="赫山区未走访培训学校", region=county_a),
        "unvisited2": InstitutionFactory(name="赫山区未走访培训学校二", region=county_a,
                                         opened_on=date(2026, 11, 15)),
        "late_opening": InstitutionFactory(name="赫山区月底开办培训学校", region=county_a,
                                           opened_on=date(2026, 11, 16)),
        "closed": InstitutionFactory(name="赫山区月中停办培训学校", region=county_a,
                                     closed_on=date(2026, 11, 14)),
        "visited_in_october": InstitutionFactory(name="赫山区十月走访培训学校", region=county_a),
        "other_county": InstitutionFactory(name="资阳区未走访培训学校", region=county_b),
    }
    VisitFactory(instructor=instructor, institution=made["visited"], date=date(2026, 11, 30))
    VisitFactory(instructor=instructor, institution=made["visited_in_october"],
                 date=date(2026, 10, 31))
    return made


def test_not_visited_counts_after_the_reminder_day_and_equals_the_list(client, alice,
                                                                       november, settings):
    assert attention(user=alice, day=date(2026, 11, 20)).not_visited is None
    figures = attention(user=alice, day=date(2026, 11, 21))
    assert figures.not_visited == 3
    client.force_login(alice)
    response = client.get(reverse("organisation:institution_list"),
                          {"not_visited_month": "2026-11"})
    names = {row.record.name for row in response.context["table"].paginated_rows}
    assert names == {"赫山区未走访培训学校", "赫山区未走访培训学校二", "赫山区十月走访培训学校"}
    settings.PARTYBUILD_REMINDER_VISIT_DAY = 25
    assert attention(user=alice, day=date(2026, 11, 25)).not_visited is None
    assert attention(user=alice, day=date(2026, 11, 26)).not_visited == 3


def test_the_home_shows_the_not_visited_link_from_the_reminder_day(client, alice, november,
                                                                  settings):
    settings.PARTYBUILD_REMINDER_VISIT_DAY = 0  # every day, so the real today shows it
    client.force_login(alice)
    response = client.get(HOME)
    month = timezone.localdate().strftime("%Y-%m")
    assert f"?not_visited_month={month}" in response.content.decode()
    assert response.context["attention"].not_visited == list_count(
        client, "organisation:institution_list", {"not_visited_month": month})


def test_a_bad_month_filters_nothing(client, alice, november):
    client.force_login(alice)
    everything = list_count(client, "organisation:institution_list", {})
    for value in ("2026-13", "abc", "0001-01", "2026-11-05"):
        assert list_count(client, "organisation:institution_list",
                          {"not_visited_month": value}) == everything


def test_the_counts_take_a_fixed_number_of_queries(alice, november, county_a,
                                                   django_assert_num_queries):
    day = date(2026, 11, 21)
    with django_assert_num_queries(4):
        counted_attention(user=alice, day=day)
    for n in range(15):
        InstitutionFactory(name=f"赫山区批量培训学校{n}", region=county_a)
    with django_assert_num_queries(4):
        assert counted_attention(user=alice, day=day).not_visited == 18
    # The page's reading: the stamp's tokens, then the four counts once per change.
    with django_assert_num_queries(5):
        assert attention(user=alice, day=day).not_visited == 18
    with django_assert_num_queries(1):
        assert attention(user=alice, day=day).not_visited == 18
