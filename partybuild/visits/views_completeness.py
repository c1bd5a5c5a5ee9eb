"""The completeness grid page and its XLSX download (staff, reviewers and administrators)."""

from django.shortcuts import render
from django.utils import timezone

from partybuild.core.access import structure_reader_required
from partybuild.core.exports import EXPORT_PARAM
from partybuild.core.views import PRINT_MAX_ROWS, filters_in_words, printing

from .completeness import completeness_export, completeness_grid
from .completeness_xlsx import completeness_xlsx_response
from .forms_completeness import CompletenessFilterForm
from .timeliness import grid_on_time


@structure_reader_required
def completeness(request):
    """Institutions × months of the four-ones items, with the chosen month's totals."""
    day = timezone.localdate()
    form = CompletenessFilterForm(request.GET, user=request.user, day=day)
    filters = form.grid_filters()
    if request.GET.get(EXPORT_PARAM) == "xlsx":
        return completeness_xlsx_response(
            completeness_export(user=request.user, filters=filters, day=day),
            on_time=grid_on_time(user=request.user, filters=filters))
    if printing(request):
        # The print view: every filtered institution on one page (up to the print cap).
        grid = completeness_grid(user=request.user, filters=filters, day=day, page=1,
                                 page_size=PRINT_MAX_ROWS)
        return render(request, "visits/completeness.html", {
            "form": form, "grid": grid, "print_filters": filters_in_words(form),
            "print_max_rows": PRINT_MAX_ROWS,
            "on_time": grid_on_time(user=request.user, filters=filters)})
    grid = completeness_grid(user=request.user, filters=filters, day=day,
                             page=request.GET.get("page", 1))
    return render(request, "visits/completeness.html", {
        "form": form, "grid": grid, "on_time": grid_on_time(user=request.user, filters=filters),
    })
