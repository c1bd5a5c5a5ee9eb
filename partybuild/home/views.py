"""The role home pages and the coverage-gaps page: the top layer, reading every area."""

from django.http import JsonResponse
from django.shortcuts import render

from partybuild.core.access import institution_reader_required, structure_reader_required
from partybuild.instructors.selectors import assignments_ending_soon
from partybuild.organisation.selectors import coverage_gaps as gaps_on
from partybuild.organisation.selectors import (
    members_without_branch,
    pairing_school_spellings,
    structure_figures,
    today_or,
)
from partybuild.visits.selectors import my_month, requested_month

from .attention import attention
from .search import clean_query, search


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
    user = request.user
    return render(request, "home/coverage_gaps.html", {
        "gaps": gaps_on(user=user),
        # Data quality: not coverage gaps (not in their count), but each needs a person's look.
        "without_branch": members_without_branch(user=user),
        "school_spellings": pairing_school_spellings(user=user),
        "ending_soon": assignments_ending_soon(user=user),
    })


@institution_reader_required
def search_page(request):
    """The header search's full results (also what it shows without JavaScript)."""
    query = clean_query(request.GET.get("q"))
    return render(request, "home/search.html",
                  {"results": search(user=request.user, query=query, limit=50)})


@institution_reader_required
def search_suggest(request):
    """The header search as you type: the first hits of each kind, as JSON."""
    results = search(user=request.user, query=clean_query(request.GET.get("q")))
    return JsonResponse({
        "query": results.query,
        "groups": [{"title": title, "hits": [hit.__dict__ for hit in hits]}
                   for title, hits in results.groups],
    })
