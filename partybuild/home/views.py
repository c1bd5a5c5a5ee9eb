"""The role home pages and the coverage-gaps page: the top layer, reading every area."""

from django.shortcuts import render

from partybuild.core.access import structure_reader_required
from partybuild.organisation.selectors import coverage_gaps as gaps_on
from partybuild.organisation.selectors import structure_figures, today_or
from partybuild.visits.selectors import my_month, requested_month

from .attention import attention


def home(request):
    """Structure figures for staff, reviewers and admins; today's institutions for instructors."""
    user = request.user
    day = today_or(None)
    asked = requested_month(request.GET.get("month"))  # 404 for a month out of range
    if user.is_instructor:
        month = my_month(user=user, month=asked, today=day)
        return render(request, "home/home_instructor.html", {"day": day, "month": month})
    return render(request, "home/home.html", {
        "day": day,
        "figures": structure_figures(user=user, day=day) if user.can_view_structure else None,
        "attention": attention(user=user, day=day),
    })


@structure_reader_required
def coverage_gaps(request):
    """The four kinds of coverage gap in the user's regions today, each with a way to fix it."""
    return render(request, "home/coverage_gaps.html", {"gaps": gaps_on(user=request.user)})
