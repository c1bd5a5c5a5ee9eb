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
