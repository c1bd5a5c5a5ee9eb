"""The one place that decides which records a user may see.

Every selector starts from these functions. A user sees their home region and everything
under it; instructors further see only the institutions they are or were assigned to.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from partybuild.organisation.models import Branch, Institution, Member, Membership, Region


def region_path(user) -> str | None:
    """The materialised path of the user's home region, or None when they see nothing."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.region_id is None:
        return "/" if user.is_superuser else None
    # A region saved without its path must not widen the scope to everything.
    return user.region.path or None


def scope(queryset: QuerySet, user, region_lookup: str = "region") -> QuerySet:
    """Filter any queryset to rows whose region (reached by region_lookup) the user may see."""
    path = region_path(user)
    if path is None:
        return queryset.none()
    if path == "/":
        return queryset
    return queryset.filter(**{f"{region_lookup}__path__startswith": path})


def regions_visible_to(user) -> QuerySet[Region]:
    """The user's home region and every region below it."""
    path = region_path(user)
    if path is None:
        return Region.objects.none()
    if path == "/":
        return Region.objects.all()
    return Region.objects.filter(path__startswith=path)


def institutions_visible_to(user) -> QuerySet[Institution]:
    """Institutions in the user's regions; for instructors, only those they were assigned to."""
    institutions = scope(Institution.objects.all(), user)
    if user.is_authenticated and user.is_instructor:
        from partybuild.instructors.models import Assignment

        institutions = institutions.filter(
            Exists(Assignment.objects.filter(institution=OuterRef("pk"),
                                             instructor__user=user))
        )
    return institutions


def branches_visible_to(user) -> QuerySet[Branch]:
    """A branch belongs to the region of its party committee."""
    return scope(Branch.objects.all(), user, region_lookup="committee__region")


def members_visible_to(user) -> QuerySet[Member]:
    """Members who have, or had, a membership in a branch the user may see."""
    visible_memberships = scope(
        Membership.objects.filter(member=OuterRef("pk")), user,
        region_lookup="branch__committee__region",
    )
    return Member.objects.filter(Exists(visible_memberships))


def instructors_visible_to(user):
    """Instructors selected in the user's regions or assigned to an institution in them."""
    from partybuild.instructors.models import Assignment, Instructor

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


def user_may_see_region(user, region: Region) -> bool:
    path = region_path(user)
    return path is not None and (path == "/" or region.path.startswith(path))


def _own_or_in_regions(queryset: QuerySet, user) -> QuerySet:
    """Rows about institutions in the user's regions; for instructors, only their own rows."""
    rows = scope(queryset, user, "institution__region")
    if user.is_authenticated and user.is_instructor:
        rows = rows.filter(instructor__user=user)
    return rows


def visits_visible_to(user):
    """Visits to institutions in the user's regions; an instructor sees only their own visits."""
    from partybuild.visits.models import Visit

    return _own_or_in_regions(Visit.objects.all(), user)


def hazards_visible_to(user):
    """Hazards at institutions in the user's regions; an instructor sees only their own."""
    from partybuild.visits.models import Hazard

    return _own_or_in_regions(Hazard.objects.all(), user)


def clues_visible_to(user):
    """Clues about institutions in the user's regions; an instructor sees only their own."""
    from partybuild.visits.models import Clue

    return _own_or_in_regions(Clue.objects.all(), user)
