"""The header search: institutions, branches, members and instructors, scoped to the user.

It lives in `home`, the top layer, because it reads the organisation and instructors apps.
Every group starts from that app's scoping function, so a result is never a record the user
could not open; instructors, who read no structure pages, search only their institutions.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext

from partybuild.core.natural import natural_sorted
from partybuild.instructors.scoping import instructors_visible_to
from partybuild.organisation.scoping import (
    branches_visible_to,
    institutions_visible_to,
    members_visible_to,
)

# A query longer than any name or credit code is not a search for one.
MAX_QUERY = 60
PER_GROUP = 8


@dataclass(frozen=True)
class Hit:
    """One result as the page and the as-you-type list show it."""

    label: str
    detail: str
    url: str


@dataclass
class SearchResults:
    query: str
    groups: list[tuple[str, list[Hit]]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(hits) for _, hits in self.groups)


def clean_query(raw: str | None) -> str:
    """The query as searched: trimmed, inner runs of spaces kept, at most MAX_QUERY characters."""
    # PostgreSQL refuses NUL characters in a query parameter; no name contains one.
    return (raw or "").replace("\x00", "").strip()[:MAX_QUERY]


def _institutions(user, query: str, limit: int) -> list[Hit]:
    rows = (institutions_visible_to(user)
            .filter(Q(name__icontains=query) | Q(credit_code__istartswith=query))
            .select_related("region").order_by("name_key", "pk")[:limit])
    return [Hit(i.name, f"{i.credit_code} · {i.region.name}",
                reverse("organisation:institution_detail", args=[i.pk])) for i in rows]


def _branches(user, query: str, limit: int) -> list[Hit]:
    rows = (branches_visible_to(user).filter(name__icontains=query)
            .select_related("committee").order_by("name_key", "pk")[:limit])
    return [Hit(b.name, b.committee.name, reverse("organisation:branch_detail", args=[b.pk]))
            for b in rows]


def _members(user, query: str, limit: int) -> list[Hit]:
    rows = (members_visible_to(user)
            .filter(Q(name__icontains=query) | Q(number__istartswith=query))
            .order_by("name_key", "number")[:limit])
    return [Hit(m.name, m.number, reverse("organisation:member_detail", args=[m.pk]))
            for m in rows]


def _instructors(user, query: str, limit: int) -> list[Hit]:
    rows = (instructors_visible_to(user)
            .filter(Q(name__icontains=query) | Q(number__istartswith=query))
            .order_by("name_key", "number")[:limit])
    return [Hit(i.name, f"{i.number} · {i.source_org}",
                reverse("instructors:instructor_detail", args=[i.pk])) for i in rows]


def search(*, user, query: str, limit: int = PER_GROUP) -> SearchResults:
    """Up to `limit` records of each kind whose name (or code) contains the query."""
    results = SearchResults(query=query)
    if not query:
        return results
    groups = [(gettext("培训机构"), _institutions)]
    if user.can_view_structure:
        groups += [(gettext("党支部"), _branches), (gettext("党员"), _members),
                   (gettext("党建指导员"), _instructors)]
    for title, find in groups:
        hits = natural_sorted(find(user, query, limit), key=lambda hit: hit.label)
        if hits:
            results.groups.append((title, hits))
    return results
