"""Reads of instructors and their assignments, scoped to the user."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from partybuild.accounts.scoping import scope
from partybuild.core.history import HistorySource, TimelineEntry, timeline
from partybuild.core.periods import holding_on_q
from partybuild.organisation.models import Institution
from partybuild.organisation.selectors import count_of, flag, institution_list, today_or

from .models import Assignment, Instructor
from .scoping import instructors_visible_to


def instructor_list(*, user, day: date | None = None) -> QuerySet[Instructor]:
    """Instructors the user may see, with their caseload today in the user's regions."""
    day = today_or(day)
    holding = scope(
        Assignment.objects.holding_on(day).filter(instructor=OuterRef("pk")), user,
        "institution__region",
    )
    return (
        instructors_visible_to(user).select_related("region")
        .annotate(caseload=count_of(holding, "institution", group="instructor"))
        .order_by("number")
    )


@dataclass
class InstructorDetail:
    instructor: Instructor
    assignments: list[Assignment]
    timeline: list[TimelineEntry]
    day: date


def instructor_detail(*, user, pk: int, day: date | None = None) -> InstructorDetail:
    """One instructor with their assignments to institutions in the user's regions."""
    day = today_or(day)
    instructor = get_object_or_404(instructor_list(user=user, day=day), pk=pk)
    assignments = list(
        scope(instructor.assignments.all(), user, "institution__region")
        .select_related("institution", "institution__region")
        .annotate(holding_today=flag(holding_on_q(day))).order_by("-holding_today", "-start")
    )
    visible_institutions = scope(Institution.objects.all(), user).values("pk")
    entries = timeline(
        HistorySource(Instructor, Q(id=instructor.pk)),
        HistorySource(Assignment, Q(instructor_id=instructor.pk,
                                    institution_id__in=visible_institutions),
                      describe=("institution",)),
    )
    return InstructorDetail(instructor, assignments, entries, day)


def assigned_institutions(*, user, day: date | None = None) -> QuerySet[Institution]:
    """The institutions the (instructor) user is assigned to on the day."""
    day = today_or(day)
    mine = Assignment.objects.holding_on(day).filter(institution=OuterRef("pk"),
                                                     instructor__user=user)
    return institution_list(user=user, day=day).filter(Exists(mine))



def assignments_ending_soon(*, user, day: date | None = None,
                            within_days: int = 30) -> list[Assignment]:
    """Assignments held today that end within `within_days`, with no successor arranged."""
    day = today_or(day)
    successor = Assignment.objects.filter(institution=OuterRef("institution"),
                                          start__gt=OuterRef("end"))
    return list(
        scope(Assignment.objects.holding_on(day), user, "institution__region")
        .filter(end__isnull=False, end__lte=day + timedelta(days=within_days))
        .filter(~Exists(successor))
        .select_related("institution", "instructor").order_by("end", "institution__name_key")
    )
