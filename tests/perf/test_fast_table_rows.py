"""The list pages' rows drawn by core.templatetags.fast_tables are django-tables2's own cells.

fast_tables looks each column's accessor and render method up once per table instead of
once per cell; every cell must still be exactly what django-tables2's BoundRow.items()
gives, on the institution, branch, visit and score lists (links, badges, choices, blanks).
"""

from datetime import date

from django.test import RequestFactory

from partybuild.core.templatetags.fast_tables import _plan, _row_items
from partybuild.organisation.selectors import branch_list, institution_list
from partybuild.organisation.tables import BranchTable, InstitutionTable
from partybuild.scoring.models import Score
from partybuild.scoring.services import scores_recompute
from partybuild.scoring.tables import ScoreTable
from partybuild.visits.models import Visit
from partybuild.visits.tables import VisitTable
from tests.factories import InstitutionFactory
from tests.perf.test_page_queries import YEAR, build_county


def same_cells(table) -> int:
    columns = list(table.columns)
    plans = [_plan(column) for column in columns]
    rows = list(table.paginated_rows)
    for row in rows:
        expected = [str(cell) for _column, cell in row.items()]
        assert [str(cell) for _column, cell in _row_items(row, plans)] == expected
    return len(rows)


def paginated(table, request):
    table.paginate(page=1, per_page=50)
    table.request = request
    return table


def test_fast_rows_equal_django_tables2_cells(county_a, committee_a, alice):
    build_county(county_a, committee_a, 60)
    # Blanks too: an institution without coverage or instructor, closed.
    InstitutionFactory(region=county_a, opened_on=date(2020, 1, 1), closed_on=date(2024, 1, 1))
    scores_recompute(acting_user=alice, year=YEAR)
    request = RequestFactory().get("/")
    request.user = alice
    tables = [
        InstitutionTable(institution_list(user=alice), user=alice),
        BranchTable(branch_list(user=alice), user=alice),
        VisitTable(Visit.objects.select_related("institution", "instructor"), user=alice),
        ScoreTable(Score.objects.select_related("institution", "institution__region"),
                   user=alice),
    ]
    for table in tables:
        assert same_cells(paginated(table, request)) >= 1, type(table).__name__


# Rows drawn by the tables' own row_cells (core.table_rows) -----------------------------------

HOSTILE = "<script>alert('x')</script> & \"甲\" 培训"


def hostile_county(county_a, committee_a, alice):
    """A county whose names try to break out of the markup, plus blanks and every status."""
    from partybuild.instructors.models import Instructor
    from partybuild.organisation.models import Branch, Institution

    institutions = build_county(county_a, committee_a, 60)
    Institution.objects.filter(pk=institutions[0].pk).update(name=HOSTILE)
    Institution.objects.filter(pk=institutions[1].pk).update(
        suspended_on=date(2024, 1, 1), category=Institution.Category.values[0])
    Branch.objects.update(name=HOSTILE + "支部")
    Instructor.objects.update(name=HOSTILE + "指导员")
    county_a.name = HOSTILE + "区"
    county_a.save()
    InstitutionFactory(region=county_a, name="没有支部&<b>", opened_on=date(2020, 1, 1),
                       closed_on=date(2024, 1, 1))
    scores_recompute(acting_user=alice, year=YEAR)
    Score.objects.filter(institution=institutions[2]).update(red_list=True, deductions=3)


def table_pairs(user):
    """Pairs of the same table (one to draw fast, one the slow way), first page, sorted as the
    list pages sort them."""
    from partybuild.scoring.selectors import score_list

    def institution_table():
        return InstitutionTable(institution_list(user=user), user=user, order_by="name")

    def score_table():
        return ScoreTable(score_list(user=user, year=YEAR), user=user)

    return [(institution_table(), institution_table()), (score_table(), score_table())]


def assert_fast_rows_equal_slow_rows(user):
    from django.template import Context

    from partybuild.core.table_rows import fast_body_rows
    from partybuild.core.templatetags.fast_tables import generic_body_rows

    request = RequestFactory().get("/")
    request.user = user
    for fast_table, slow_table in table_pairs(user):
        for page in (1, 2):
            fast_table.paginate(page=page, per_page=50)
            slow_table.paginate(page=page, per_page=50)
            fast = fast_body_rows(fast_table)
            assert fast is not None, type(fast_table).__name__
            slow = generic_body_rows(slow_table, Context(autoescape=True))
            assert fast == slow, type(fast_table).__name__
            assert fast.count("<tr") == (50 if page == 1 else len(slow_table.rows) - 50)
            assert "<script>" not in fast


def test_row_cells_equal_django_tables2_rows_with_hostile_names(
        county_a, committee_a, alice):
    hostile_county(county_a, committee_a, alice)
    assert_fast_rows_equal_slow_rows(alice)


def test_row_cells_equal_django_tables2_rows_in_english_and_for_instructors(
        county_a, committee_a, alice, bob):
    from django.utils import translation

    from partybuild.instructors.models import Assignment
    from partybuild.organisation.models import Institution

    hostile_county(county_a, committee_a, alice)
    with translation.override("en"):
        assert_fast_rows_equal_slow_rows(alice)
    # An instructor's list names no branch or instructor links.
    Assignment.objects.bulk_create(
        Assignment(instructor=bob.instructor, institution=institution, start=date(2020, 1, 1))
        for institution in Institution.objects.order_by("pk")[:55])
    assert_fast_rows_equal_slow_rows(bob)


def test_url_builder_gives_reverse_answers():
    from django.urls import reverse

    from partybuild.core.table_rows import url_builder

    detail = url_builder("organisation:institution_detail")
    assert detail(7) == reverse("organisation:institution_detail", args=[7])
    score = url_builder("scoring:inspection", 2)
    assert score(2025, 31) == reverse("scoring:inspection", args=[2025, 31])


def test_empty_table_draws_its_empty_text(db, alice):
    from partybuild.core.table_rows import body_rows_html
    from partybuild.organisation.models import Institution

    table = InstitutionTable(Institution.objects.none(), user=alice)
    table.empty_text = "没有<记录>"
    table.paginate(page=1, per_page=50)
    assert body_rows_html(table) == '<tr><td colspan="8">没有&lt;记录&gt;</td></tr>'
