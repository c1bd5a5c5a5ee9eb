"""三同步 for new institutions: party building planned, a branch set up and party work begun
with the institution (党的建设同步谋划、党的组织同步设置、党的工作同步开展).

A new institution has PARTYBUILD_THREE_SYNC_DAYS from opening to be covered by a branch,
given an instructor and have party building written into its charter. This module says
which open institutions are past that deadline with something still missing.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from partybuild.core.periods import holding_on_q

from .models import Coverage, Institution


@dataclass(frozen=True)
class ThreeSyncStatus:
    institution: Institution
    deadline: date  # opened_on + PARTYBUILD_THREE_SYNC_DAYS
    covered: bool  # a branch coverage holds today
    has_instructor: bool  # an instructor assignment holds today
    charter: bool  # institution.charter_includes_party_building

    @property
    def missing(self) -> list[str]:
        """What is still missing, in the order branch, instructor, charter."""
        flags = (("branch", self.covered), ("instructor", self.has_instructor),
                 ("charter", self.charter))
        return [name for name, done in flags if not done]


def institutions_behind(*, institutions: QuerySet[Institution], today: date
                        ) -> list[ThreeSyncStatus]:
    """Open institutions past their 三同步 deadline with something missing, in one query.

    Only those opened within PARTYBUILD_THREE_SYNC_WINDOW_DAYS count (older ones are not
    new); ordered by deadline, then credit code.
    """
    days = settings.PARTYBUILD_THREE_SYNC_DAYS
    window_start = today - timedelta(days=settings.PARTYBUILD_THREE_SYNC_WINDOW_DAYS)
    # Instructor assignments live in a higher layer: reached through the relation's model.
    assignment = Institution._meta.get_field("assignments").related_model
    rows = (
        institutions
        .filter(opened_on__gte=window_start, opened_on__lt=today - timedelta(days=days))
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=today))
        .annotate(
            sync_covered=Exists(Coverage.objects.filter(holding_on_q(today),
                                                        institution=OuterRef("pk"))),
            sync_instructor=Exists(assignment.objects.filter(holding_on_q(today),
                                                             institution=OuterRef("pk"))),
        )
        .select_related("region")
        .order_by("opened_on", "credit_code")
    )
    statuses = [
        ThreeSyncStatus(institution=row, deadline=row.opened_on + timedelta(days=days),
                        covered=row.sync_covered, has_instructor=row.sync_instructor,
                        charter=row.charter_includes_party_building)
        for row in rows
    ]
    return [status for status in statuses if status.missing]
