"""Which visits, hazards and clues a user may see (accounts.scoping by region)."""

from django.db.models import QuerySet

from partybuild.accounts.scoping import own_or_in_regions

from .models import Clue, Hazard, Visit


def visits_visible_to(user) -> QuerySet[Visit]:
    """Visits to institutions in the user's regions; an instructor sees only their own visits."""
    return own_or_in_regions(Visit.objects.all(), user)


def hazards_visible_to(user) -> QuerySet[Hazard]:
    """Hazards at institutions in the user's regions; an instructor sees only their own."""
    return own_or_in_regions(Hazard.objects.all(), user)


def clues_visible_to(user) -> QuerySet[Clue]:
    """Clues about institutions in the user's regions; an instructor sees only their own."""
    return own_or_in_regions(Clue.objects.all(), user)
