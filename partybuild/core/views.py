"""The home page, the coverage-gaps page, the health check and the base of every list page."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from partybuild.organisation.selectors import coverage_gaps as gaps_on
from partybuild.organisation.selectors import structure_figures, today_or
from partybuild.visits.selectors import my_month, requested_month

from .access import StructureReaderRequiredMixin, structure_reader_required
from .exports import TableExportMixin


class ListPage(StructureReaderRequiredMixin, TableExportMixin, SingleTableMixin, FilterView):
    """A sortable, filterable, paginated, exportable list; get_queryset returns the selector."""

    def get_table_pagination(self, table):
        if self.export_format():
            return False
        # Read at request time so a changed setting (or a test override) applies.
        return {"per_page": settings.LIST_PAGE_SIZE}

    def get_table_kwargs(self):
        return {"user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_title"] = self.export_name
        context["filtered"] = any(
            value for key, value in self.request.GET.items() if key in self.filterset.filters
        )
        return context


@login_not_required
@require_GET
def health(request):
    """Answer "ok" without a query: load balancers poll it, and bench/load.sh takes it as the
    framework's floor (the whole middleware stack, no page work)."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def home(request):
    """Structure figures for staff, reviewers and admins; today's institutions for instructors."""
    user = request.user
    day = today_or(None)
    asked = requested_month(request.GET.get("month"))  # 404 for a month out of range
    if user.is_instructor:
        month = my_month(user=user, month=asked, today=day)
        return render(request, "core/home_instructor.html", {"day": day, "month": month})
    return render(request, "core/home.html", {
        "day": day,
        "figures": structure_figures(user=user, day=day) if user.can_view_structure else None,
    })


@structure_reader_required
def coverage_gaps(request):
    """The four kinds of coverage gap in the user's regions today, each with a way to fix it."""
    return render(request, "core/coverage_gaps.html", {"gaps": gaps_on(user=request.user)})
