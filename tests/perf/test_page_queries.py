"""Pages cost what they show, not the size of the region (issue 16).

The same county is built with 50 and with 2,000 institutions (each covered, with an
instructor, a year of visits and a stored score); every list page, the completeness grid,
the home page and a score page must run exactly the same number of queries at both sizes,
and show their full first page.
"""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partybuild.instructors.models import Assignment
from partybuild.organisation.models import Coverage, Institution
from partybuild.organisation.selectors import kept_region_structure_figures
from partybuild.scoring.models import Score
from partybuild.scoring.services import scores_recompute
from partybuild.visits.completeness import ITEM_KEYS
from partybuild.visits.models import Visit
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    CoverageFactory,
    InstitutionFactory,
    InstructorFactory,
)

YEAR = 2025
SIZES = (50, 2000)


def build_county(county, committee, size: int) -> list[Institution]:
    """`size` operating institutions, covered by one branch, assigned to one instructor,
    visited every other month of YEAR with all four items (bulk inserts: fast at 2,000)."""
    branch = BranchFactory(committee=committee, founded_on=date(2020, 1, 1))
    instructor = InstructorFactory(region=county)
    institutions = Institution.objects.bulk_create(
        InstitutionFactory.build(region=county, opened_on=date(2020, 1, 1)) for _ in range(size)
    )
    Coverage.objects.bulk_create(Coverage(branch=branch, institution=i, start=date(2020, 1, 1))
                                 for i in institutions)
    Assignment.objects.bulk_create(
        Assignment(instructor=instructor, institution=i, start=date(2020, 1, 1))
        for i in institutions)
    Visit.objects.bulk_create(
        Visit(institution=i, instructor=instructor, date=date(YEAR, month, 10),
              **dict.fromkeys(ITEM_KEYS, True))
        for i in institutions for month in range(1, 13, 2))
    return institutions


def pages(county, year=YEAR) -> dict[str, str]:
    return {
        "home": reverse("home"),
        "institution list": reverse("organisation:institution_list")
        + f"?region={county.pk}&status=open&sort=name",
        "branch list": reverse("organisation:branch_list"),
        "visit list": reverse("visits:visit_list"),
        "completeness grid": reverse("visits:completeness") + f"?year={year}&month=11",
        "score list": reverse("scoring:score_list", args=[year]),
    }


def queries_per_page(client, county, alice, institutions) -> dict[str, int]:
    scores_recompute(acting_user=alice, year=YEAR)
    assert Score.objects.filter(year=YEAR).count() == len(institutions)
    client.force_login(alice)
    counts = {}
    urls = {**pages(county),
            "score detail": reverse("scoring:score_detail", args=[YEAR, institutions[7].pk])}
    for name, url in urls.items():
        client.get(url)  # the first view of the day counts the home figures once
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = len(captured)
    return counts


def test_every_page_runs_the_same_number_of_queries_at_50_and_2000_institutions(
        client, county_a, committee_a, alice):
    small = build_county(county_a, committee_a, SIZES[0])
    at_50 = queries_per_page(client, county_a, alice, small)
    large = small + build_county(county_a, committee_a, SIZES[1] - SIZES[0])
    assert Institution.objects.count() == SIZES[1]
    assert queries_per_page(client, county_a, alice, large) == at_50


def test_list_pages_show_a_full_first_page_at_2000(client, county_a, committee_a, alice):
    build_county(county_a, committee_a, 120)
    scores_recompute(acting_user=alice, year=YEAR)
    client.force_login(alice)
    for name, url in pages(county_a).items():
        if name in ("home", "branch list"):
            continue
        html = client.get(url).content.decode()
        assert html.count("<tr") >= 50, name


def test_home_figures_follow_every_write_even_ones_that_bypass_the_services(
        client, county_a, committee_a, alice, django_assert_num_queries):
    """The kept figures are renewed by database triggers: a bulk insert, a queryset update
    and a raw delete each change the next answer, and an unchanged region costs one query."""
    institutions = build_county(county_a, committee_a, 5)
    today = date.today()
    path = county_a.path
    first = kept_region_structure_figures(path=path, day=today)
    assert (first.institutions, first.covered_institutions) == (5, 5)
    with django_assert_num_queries(1):
        assert kept_region_structure_figures(path=path, day=today) == first

    Institution.objects.bulk_create([InstitutionFactory.build(region=county_a,
                                                              opened_on=date(2020, 1, 1))])
    assert kept_region_structure_figures(path=path, day=today).institutions == 6
    Coverage.objects.filter(institution=institutions[0]).update(end=today - timedelta(days=1))
    assert kept_region_structure_figures(path=path, day=today).covered_institutions == 4
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM instructors_assignment WHERE institution_id = %s",
                       [institutions[1].pk])
    assert kept_region_structure_figures(
        path=path, day=today).institutions_without_instructor == 2
    # Through the services and factories too: a new covered institution.
    CoverageFactory(branch=BranchFactory(committee=committee_a),
                    institution=InstitutionFactory(region=county_a, opened_on=date(2020, 1, 1)))
    AssignmentFactory(institution=Institution.objects.latest("pk"))
    figures = kept_region_structure_figures(path=path, day=today)
    assert (figures.institutions, figures.covered_institutions) == (7, 5)
    client.force_login(alice)
    assert client.get(reverse("home")).context["figures"] == figures
