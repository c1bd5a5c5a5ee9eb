"""Which instructors a user may see (accounts.scoping by region)."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from partybuild.accounts.scoping import region_path

from .models import Assignment, Instructor


def instructors_visible_to(user) -> QuerySet[Instructor]:
    """Instructors selected in the user's regions or assigned to an institution in them."""
    path = region_path(user)
    if path is None:
        return Instructor.objects.none()
    if user.is_instructor:
        return Instructor.objects.filter(user=user)
    if path == "/":
        return Instructor.objects.all()
    assigned_here = Assignment.objects.filter(
        instructor=OuterRef("pk"), institution__region__path__startswith=path
    )
    return Instructor.objects.filter(
        Q(region__path__startswith=path) | Exists(assigned_here)
    )
