"""Which institutions, branches and members a user may see (accounts.scoping by region)."""

from django.db.models import Exists, OuterRef, QuerySet

from partybuild.accounts.scoping import scope

from .models import Branch, Institution, Member, Membership


def institutions_visible_to(user, institutions: QuerySet | None = None) -> QuerySet[Institution]:
    """Institutions in the user's regions; for instructors, only those they were assigned to.

    `institutions` narrows a queryset of institutions built elsewhere (an annotated list
    kept across requests) instead of all of them."""
    institutions = scope(Institution.objects.all() if institutions is None else institutions,
                         user)
    if user.is_authenticated and user.is_instructor:
        # The assignments are the instructors app's (a layer up): reached through the reverse
        # relation it declares on Institution, so this module does not import it.
        institutions = institutions.filter(
            Exists(Institution.objects.filter(pk=OuterRef("pk"),
                                              assignments__instructor__user=user))
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
