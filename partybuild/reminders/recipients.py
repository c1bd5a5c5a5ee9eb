"""Who is responsible for a region: the nearest staff (or reviewers) up the tree, and above them.

A district's committee staff answer for the streets under it when the streets have no
staff of their own; "the level above" is the nearest staff strictly above those.
"""

from collections import defaultdict

from partybuild.accounts.models import User

from .thresholds import ancestor_paths


class Directory:
    """Active staff and reviewers by home region, read in one query."""

    def __init__(self):
        self.by_role_path: dict[tuple[str, str], list[User]] = defaultdict(list)
        users = (User.objects.filter(is_active=True, region__isnull=False,
                                     role__in=[User.Role.STAFF, User.Role.REVIEWER])
                 .select_related("region").order_by("username"))
        for user in users:
            self.by_role_path[(user.role, user.region.path)].append(user)

    def _nearest(self, role: str, path: str) -> tuple[str | None, list[User]]:
        for candidate in ancestor_paths(path):
            users = self.by_role_path.get((role, candidate))
            if users:
                return candidate, users
        return None, []

    def staff(self, path: str) -> list[User]:
        """The staff of the region, or of the nearest region above it that has staff."""
        return self._nearest(User.Role.STAFF, path)[1]

    def staff_above(self, path: str) -> list[User]:
        """The staff of the level above the region's own staff."""
        found, _users = self._nearest(User.Role.STAFF, path)
        if found is None:
            return []
        parents = ancestor_paths(found)[1:]
        return self._nearest(User.Role.STAFF, parents[0])[1] if parents else []

    def reviewers(self, path: str) -> list[User]:
        return self._nearest(User.Role.REVIEWER, path)[1]
