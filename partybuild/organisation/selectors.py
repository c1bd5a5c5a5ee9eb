"""Reads of the organisation structure, scoped to the user first and optimised second.

Every "today" figure is taken on a day (default: today in Asia/Shanghai) with the period
rules of SCORING.md: periods are inclusive at both ends, an institution operates from
opened_on to closed_on, a branch is active from founded_on to dissolved_on, and an
institution is covered only by a branch that is itself active on the day.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from partybuild.accounts.scoping import region_path, scope
from partybuild.core.history import HistorySource, TimelineEntry, timeline
from partybuild.core.memo import KeptValues
from partybuild.core.natural import natural_sorted
from partybuild.core.periods import holding_on_q
from partybuild.core.table_rows import ReadRows, rows_by_key
from partybuild.regions.models import Region

from .figures_stamp import current_token, current_tokens, kept, watched_tables
from .models import Branch, Coverage, Institution, Member, Membership, Pairing
from .scoping import (
    branches_visible_to,
    institutions_visible_to,
    members_visible_to,
)

FULL_MEMBERS_FOR_STANDALONE = 3


def today_or(day: date | None) -> date:
    """The given day, or today in the project's time zone."""
    return day or timezone.localdate()


def operating_on_q(day: date, prefix: str = "") -> Q:
    """Institutions operating on the day (opened, and not closed before it)."""
    return Q(**{f"{prefix}opened_on__lte": day}) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gte": day})
    )


def active_on_q(day: date, prefix: str = "") -> Q:
    """Branches active on the day (founded, and not dissolved before it)."""
    return Q(**{f"{prefix}founded_on__lte": day}) & (
        Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gte": day})
    )


def flag(condition: Q) -> Case:
    """A boolean annotation that is True where the condition holds."""
    return Case(When(condition, then=Value(True)), default=Value(False),
                output_field=BooleanField())


def count_of(queryset: QuerySet, counted: str, group: str) -> Coalesce:
    """A correlated COUNT(DISTINCT counted) of queryset grouped by its outer reference, or 0."""
    rows = (queryset.order_by().values(group).annotate(n=Count(counted, distinct=True))
            .values("n")[:1])
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def coverages_holding(day: date) -> QuerySet[Coverage]:
    """Coverage periods holding on the day whose branch is active on it (what "covered" means)."""
    return Coverage.objects.holding_on(day).filter(active_on_q(day, "branch__"))


def assignments_holding(day: date) -> QuerySet:
    """Instructor assignments holding on the day.

    Assignments belong to the instructors app, a layer above this one: organisation reaches
    them through the reverse relation instructors declares on Institution, never by import.
    """
    return Institution.assignments.field.model.objects.holding_on(day)


def secretaries_holding(day: date) -> QuerySet[Membership]:
    """Secretary memberships holding on the day."""
    return Membership.objects.holding_on(day).filter(is_secretary=True)


# Institutions --------------------------------------------------------------------------


def annotate_institutions(institutions: QuerySet[Institution], day: date) -> QuerySet:
    """Add today's covering branch, instructor, status and coverage flags to institutions."""
    coverage = coverages_holding(day).filter(institution=OuterRef("pk")).order_by("-start")
    assignment = assignments_holding(day).filter(institution=OuterRef("pk")).order_by("-start")
    return institutions.select_related("region").annotate(
        covering_branch_pk=Subquery(coverage.values("branch_id")[:1]),
        covering_branch_name=Subquery(coverage.values("branch__name")[:1]),
        covered_today=Exists(coverage),
        instructor_pk=Subquery(assignment.values("instructor_id")[:1]),
        instructor_name=Subquery(assignment.values("instructor__name")[:1]),
        has_instructor_today=Exists(assignment),
        operating_today=flag(operating_on_q(day)),
        # Mirrors Institution.status_on so the list and the detail page agree.
        status_today=Case(
            When(closed_on__lt=day, then=Value(Institution.Status.CLOSED)),
            When(suspended_on__lte=day, then=Value(Institution.Status.SUSPENDED)),
            default=Value(Institution.Status.OPERATING),
            output_field=CharField(),
        ),
    )


# Every institution annotated for a day, built once per day and narrowed per request:
# building the annotations (six correlated subqueries) cost more than running the list's
# queries. Only clones of it are ever evaluated.
_annotated_by_day = KeptValues(4)


def annotated_institutions(day: date) -> QuerySet[Institution]:
    return _annotated_by_day.get_or_build(
        day, lambda: annotate_institutions(Institution.objects.all(), day))


# The list as a region's readers see it, per (day, region path): narrowing and ordering
# the annotated queryset took longer than the page's keys query. Instructors, whose list is
# their own, build theirs every time.
_listed_by_scope = KeptValues(256)


def institution_list(*, user, day: date | None = None) -> QuerySet[Institution]:
    """Institutions the user may see, with today's coverage, instructor and status."""
    day = today_or(day)
    path = region_path(user)

    def listed() -> QuerySet[Institution]:
        return institutions_visible_to(user, annotated_institutions(day)).order_by(
            "name_key", "pk")

    if path is None or user.is_instructor:
        return listed()
    # A clone: the caller may evaluate it.
    return _listed_by_scope.get_or_build((day, path), listed).all()


# The institution list narrowed to a region, read region by region (PostgreSQL): at most
# this many regions under the chosen one; a larger subtree is read by the plain query.
REGION_PARTS_MAX = 64
# The list's name orders (the table's NAME_ORDER, ascending or descending), as the
# per-region reads name their columns.
_NAME_ORDERS = {("name_key", "pk"): ("name_key", "id"),
                ("-name_key", "-pk"): ("-name_key", "-id")}


def institution_page_keys_by_region(sliced: QuerySet[Institution], region: Region,
                                    regions: list | None = None) -> list[int] | None:
    """The keys of a page of the institution list narrowed to `region` and sorted by name
    (`sliced`: that page's slice of the filtered list), read region by region on PostgreSQL;
    None elsewhere, or for another order, for a page not cut by a limit, or a subtree of more
    than REGION_PARTS_MAX regions. `regions`, when given, are rows of the user's regions
    with their paths (the region filter's kept rows), saving a query.

    PostgreSQL plans "the district's institutions in name order, the first 50" as a walk of
    the whole name index that skips every other district's rows, not knowing that the
    district's names sort late: at 20,000 institutions it read 14,000 rows for 50, and the
    page grew with the city. Each region's rows are in name order in the (region, name key)
    index: the page is the first rows of a merge of one short, index-ordered read per region
    of the subtree, whatever the size of the rest. Same rows, same order (ties by key).
    SQLite plans the plain query well.
    """
    if connections[sliced.db].vendor != "postgresql":
        return None
    query = sliced.query
    order = _NAME_ORDERS.get(tuple(query.order_by))
    if order is None or query.high_mark is None or query.distinct or query.combinator:
        return None
    if regions is None:
        ids = list(Region.objects.filter(path__startswith=region.path)
                   .values_list("pk", flat=True))
    else:
        ids = [row.pk for row in regions if row.path.startswith(region.path)]
    if not ids or len(ids) > REGION_PARTS_MAX:
        return None
    low, high = query.low_mark, query.high_mark
    whole = sliced._chain()
    whole.query.clear_limits()
    parts = [whole.filter(region_id=pk).order_by(*order).values_list("name_key", "id")[:high]
             for pk in ids]
    if len(parts) == 1:
        return [key for _name, key in parts[0][low:high]]
    merged = parts[0].union(*parts[1:], all=True).order_by(*order)[low:high]
    return [key for _name, key in merged]


# The values of a list row (InstitutionTable.row_plan draws them), read as plain values
# (core.table_rows.rows_by_key).
INSTITUTION_ROW_FIELDS = ("pk", "name", "credit_code", "region__name", "category", "licence",
                          "status_today", "covering_branch_pk", "covering_branch_name",
                          "instructor_pk", "instructor_name")


def institution_rows(keys: list[int], day: date | None = None) -> ReadRows:
    """The list's rows of the institutions `keys` (already scoped and filtered by the page's
    keys query) on the day, as InstitutionTable.row_plan draws them, in no set order."""
    day = today_or(day)
    return rows_by_key(("organisation.institution_rows", day),
                       lambda: annotated_institutions(day), INSTITUTION_ROW_FIELDS, keys)


@dataclass
class InstitutionDetail:
    institution: Institution
    coverages: list[Coverage]
    assignments: list  # of instructors.Assignment
    memberships: list[Membership]
    timeline: list[TimelineEntry]
    day: date


def institution_detail(*, user, pk: int, day: date | None = None) -> InstitutionDetail:
    """One institution with its coverage and assignment history and the members it employs."""
    day = today_or(day)
    institution = get_object_or_404(institution_list(user=user, day=day), pk=pk)
    coverages = list(
        institution.coverages.select_related("branch").annotate(
            holding_today=flag(holding_on_q(day) & active_on_q(day, "branch__"))
        ).order_by("-start", "-pk")
    )
    assignments = list(
        institution.assignments.select_related("instructor")
        .annotate(holding_today=flag(holding_on_q(day))).order_by("-start", "-pk")
    )
    memberships = list(
        scope(institution.employed_members.all(), user, "branch__committee__region")
        .select_related("member", "branch")
        .annotate(holding_today=flag(holding_on_q(day))).order_by("-holding_today", "-start")
    )
    entries = timeline(
        HistorySource(Institution, Q(id=institution.pk)),
        HistorySource(Coverage, Q(institution_id=institution.pk), describe=("branch",)),
        HistorySource(institution.assignments.model, Q(institution_id=institution.pk),
                      describe=("instructor",)),
    )
    return InstitutionDetail(institution, coverages, assignments, memberships, entries, day)


# Branches ------------------------------------------------------------------------------


def annotate_branches(branches: QuerySet[Branch], day: date) -> QuerySet:
    """Add today's coverage and membership counts, secretary and active flag to branches."""
    coverages = coverages_holding(day).filter(branch=OuterRef("pk"))
    memberships = Membership.objects.holding_on(day).filter(branch=OuterRef("pk"))
    secretary = secretaries_holding(day).filter(branch=OuterRef("pk")).order_by("-start")
    return branches.select_related("committee", "committee__region").annotate(
        active_today=flag(active_on_q(day)),
        institutions_today=count_of(coverages, "institution", group="branch"),
        members_today=count_of(memberships, "member", group="branch"),
        full_members_today=count_of(memberships.filter(member__status=Member.Status.FULL),
                                    "member", group="branch"),
        secretary_pk=Subquery(secretary.values("member_id")[:1]),
        secretary_name=Subquery(secretary.values("member__name")[:1]),
        has_secretary_today=Exists(secretary),
    )


def branch_list(*, user, day: date | None = None) -> QuerySet[Branch]:
    """Branches the user may see, with today's counts, secretary and active flag."""
    day = today_or(day)
    return annotate_branches(branches_visible_to(user), day).order_by("name_key", "pk")


@dataclass
class MemberStay:
    """One member's time in a branch: consecutive memberships joined into one row.

    Making someone secretary (or handing the post on) ends one membership the day before
    the next starts, in the same branch; the member never left, so the table shows one row
    from the first start to the last end, with the latest membership's secretary flag.
    """

    member: Member
    member_id: int
    employer: Institution | None
    employer_id: int | None
    start: date
    end: date | None
    holding_today: bool
    is_secretary: bool


def member_stays(memberships: list[Membership]) -> list[MemberStay]:
    """The memberships of one branch as stays: contiguous periods of a member joined."""
    stays: list[MemberStay] = []
    last_by_member: dict[int, MemberStay] = {}
    for m in sorted(memberships, key=lambda m: (m.member_id, m.start)):
        previous = last_by_member.get(m.member_id)
        if previous is not None and previous.end is not None and (
                m.start - previous.end).days <= 1:
            previous.end = m.end
            previous.holding_today = previous.holding_today or m.holding_today
            previous.is_secretary = m.is_secretary
            previous.employer, previous.employer_id = m.employer, m.employer_id
            continue
        stay = MemberStay(m.member, m.member_id, m.employer, m.employer_id, m.start, m.end,
                          bool(m.holding_today), m.is_secretary)
        stays.append(stay)
        last_by_member[m.member_id] = stay
    # Members here today first, then the most recent arrivals; numbers break ties.
    return sorted(stays, key=lambda s: (not s.holding_today, -s.start.toordinal(),
                                        s.member.number))


@dataclass
class BranchDetail:
    branch: Branch
    coverages: list[Coverage]
    memberships: list[MemberStay]
    secretaries: list[Membership]
    pairings: list[Pairing]
    timeline: list[TimelineEntry]
    day: date


def branch_detail(*, user, pk: int, day: date | None = None) -> BranchDetail:
    """One branch with its coverage history, members (past included), secretaries and pairings."""
    day = today_or(day)
    branch = get_object_or_404(branch_list(user=user, day=day), pk=pk)
    coverages = list(
        branch.coverages.select_related("institution")
        .annotate(holding_today=flag(holding_on_q(day) & active_on_q(day, "branch__")))
        .order_by("-start", "-pk")
    )
    memberships = list(
        branch.memberships.select_related("member", "employer")
        .annotate(holding_today=flag(holding_on_q(day)))
        .order_by("-holding_today", "-start", "member__number")
    )
    secretaries = sorted((m for m in memberships if m.is_secretary),
                         key=lambda m: m.start, reverse=True)
    pairings = list(
        branch.pairings.select_related("school_branch")
        .annotate(holding_today=flag(holding_on_q(day))).order_by("-start", "-pk")
    )
    entries = timeline(
        HistorySource(Branch, Q(id=branch.pk)),
        HistorySource(Coverage, Q(branch_id=branch.pk), describe=("institution",)),
        HistorySource(Membership, Q(branch_id=branch.pk), describe=("member",)),
        HistorySource(Pairing, Q(branch_id=branch.pk), describe=("school_branch",)),
    )
    return BranchDetail(branch, coverages, member_stays(memberships), secretaries, pairings,
                        entries, day)


# Members -------------------------------------------------------------------------------


def member_list(*, user, day: date | None = None) -> QuerySet[Member]:
    """Members the user may see, with the branch and employer of their membership today.

    Only memberships in the user's regions count: a member transferred to another county
    shows no current branch here rather than revealing that county's branch.
    """
    day = today_or(day)
    current = (
        scope(Membership.objects.holding_on(day).filter(member=OuterRef("pk")), user,
              "branch__committee__region")
        .order_by("-start")
    )
    return members_visible_to(user).annotate(
        branch_pk=Subquery(current.values("branch_id")[:1]),
        branch_name=Subquery(current.values("branch__name")[:1]),
        employer_pk=Subquery(current.values("employer_id")[:1]),
        employer_name=Subquery(current.values("employer__name")[:1]),
        is_secretary_today=Exists(current.filter(is_secretary=True)),
        in_branch_today=Exists(current),
    ).order_by("number")


@dataclass
class MemberDetail:
    member: Member
    memberships: list[Membership]
    timeline: list[TimelineEntry]
    day: date


def member_detail(*, user, pk: int, day: date | None = None) -> MemberDetail:
    """One member with their membership history in the user's regions."""
    day = today_or(day)
    member = get_object_or_404(member_list(user=user, day=day), pk=pk)
    memberships = list(
        scope(member.memberships.all(), user, "branch__committee__region")
        .select_related("branch", "employer")
        .annotate(holding_today=flag(holding_on_q(day))).order_by("-start", "-pk")
    )
    visible_branches = branches_visible_to(user).values("pk")
    entries = timeline(
        HistorySource(Member, Q(id=member.pk)),
        HistorySource(Membership, Q(member_id=member.pk, branch_id__in=visible_branches),
                      describe=("branch",)),
    )
    return MemberDetail(member, memberships, entries, day)


# Pairings ------------------------------------------------------------------------------


def pairing_list(*, user, day: date | None = None) -> QuerySet[Pairing]:
    """Pairings of the branches the user may see, with whether each holds today."""
    day = today_or(day)
    return (
        scope(Pairing.objects.all(), user, "branch__committee__region")
        .select_related("branch", "school_branch")
        .annotate(holding_today=flag(holding_on_q(day)))
        .order_by("-holding_today", "branch__name_key", "-start")
    )


# Structure figures ---------------------------------------------------------------------


@dataclass(frozen=True)
class StructureFigures:
    """The structure figures of SCORING.md "Summary figures", for one region on one day."""

    day: date
    institutions: int = 0
    party_members: int = 0
    joint_branches: int = 0
    standalone_branches: int = 0
    secretaries: int = 0
    instructors: int = 0
    covered_institutions: int = 0
    institutions_without_instructor: int = 0
    paired_branches: int = 0
    paired_school_branches: int = 0

    @property
    def branches(self) -> int:
        return self.joint_branches + self.standalone_branches

    @property
    def coverage_rate(self) -> Decimal | None:
        """Covered institutions as a percentage of operating ones (1 decimal), None if none."""
        if not self.institutions:
            return None
        rate = Decimal(self.covered_institutions) * 100 / Decimal(self.institutions)
        return rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def region_structure_figures(*, path: str, day: date) -> StructureFigures:
    """Structure figures for the region with this materialised path and everything under it.

    Five queries whatever the size of the region.
    """
    in_region = {"region__path__startswith": path}
    branch_in_region = {"committee__region__path__startswith": path}

    # One pass over the region's operating institutions, joined to their coverage and
    # assignment rows: set-based, where an Exists per institution made PostgreSQL run one
    # sub-query per institution. The joins may repeat an institution (one row per coverage
    # times assignment), hence the distinct counts; a count's filter picks the rows that
    # hold on the day, exactly the conditions of coverages_holding and assignments_holding.
    covered = holding_on_q(day, "coverages__start", "coverages__end") & active_on_q(
        day, "coverages__branch__")
    assigned = holding_on_q(day, "assignments__start", "assignments__end")
    institutions = (
        Institution.objects.filter(**in_region).filter(operating_on_q(day))
        .aggregate(total=Count("pk", distinct=True),
                   covered=Count("coverages__institution", filter=covered, distinct=True),
                   with_instructor=Count("assignments__institution", filter=assigned,
                                         distinct=True))
    )
    institutions["without_instructor"] = institutions["total"] - institutions["with_instructor"]
    # The same join for secretaries: the conditions of secretaries_holding.
    has_secretary = holding_on_q(day, "memberships__start", "memberships__end") & Q(
        memberships__is_secretary=True)
    branches = (
        Branch.objects.filter(**branch_in_region).filter(active_on_q(day))
        .aggregate(
            joint=Count("pk", filter=Q(kind=Branch.Kind.JOINT), distinct=True),
            standalone=Count("pk", filter=Q(kind=Branch.Kind.STANDALONE), distinct=True),
            secretaries=Count("memberships__branch", filter=has_secretary, distinct=True),
        )
    )
    party_members = (
        Membership.objects.holding_on(day).filter(branch__committee__region__path__startswith=path)
        .aggregate(n=Count("member", distinct=True))["n"]
    )
    instructors = (
        assignments_holding(day).filter(institution__region__path__startswith=path)
        .aggregate(n=Count("instructor", distinct=True))["n"]
    )
    pairings = (
        Pairing.objects.holding_on(day).filter(branch__committee__region__path__startswith=path)
        .aggregate(branches=Count("branch", distinct=True),
                   school_branches=Count("school_branch", distinct=True))
    )
    return StructureFigures(
        day=day,
        institutions=institutions["total"],
        party_members=party_members,
        joint_branches=branches["joint"],
        standalone_branches=branches["standalone"],
        secretaries=branches["secretaries"],
        instructors=instructors,
        covered_institutions=institutions["covered"],
        institutions_without_instructor=institutions["without_instructor"],
        paired_branches=pairings["branches"],
        paired_school_branches=pairings["school_branches"],
    )


def structure_figures(*, user, day: date | None = None) -> StructureFigures:
    """Structure figures of the user's home region (and everything under it) on the day."""
    day = today_or(day)
    path = region_path(user)
    if path is None:
        return StructureFigures(day=day)
    return kept_region_structure_figures(path=path, day=day)


FIGURES_KEPT_SECONDS = 24 * 60 * 60


def kept_region_structure_figures(*, path: str, day: date) -> StructureFigures:
    """region_structure_figures, reused while nothing they count has changed.

    One query (the stamp's token) when the region's figures of the day are kept under the
    current token; otherwise they are counted and kept. See organisation/figures_stamp.py:
    database triggers renew the token on every write to the tables counted, whatever the
    writer, and the cache lives outside the database, so a read never writes.
    """
    token = current_token()
    if token is None:  # no stamp row (a flushed database): count every time
        return region_structure_figures(path=path, day=day)
    database = connection.settings_dict["NAME"]
    key = f"partybuild:structure-figures:{database}:{path}:{day.isoformat()}:{token}"
    figures = cache.get(key)
    if figures is None:
        figures = region_structure_figures(path=path, day=day)
        cache.set(key, figures, FIGURES_KEPT_SECONDS)
    return figures


# Row counts of the list pages ----------------------------------------------------------

# The tables a query reads: every name after FROM or JOIN, subqueries included.
_READ_TABLE = re.compile(r'\b(?:FROM|JOIN)\s+"?([A-Za-z0-9_]+)"?')


# The digest of each list request's COUNT (or None: not kept), by what the request asked for.
_count_digests = KeptValues(1024)


def watched_query_digest(queryset: QuerySet) -> str | None:
    """A name for the queryset's SQL and parameters on this database, or None when it reads
    nothing (none()) or a table the structure token does not watch (then nothing it reads may
    be kept under the token)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # none(): nothing to read
        return None
    tables = set(_READ_TABLE.findall(sql))
    if not tables or not tables <= set(watched_tables()):
        return None
    text = f"{connection.settings_dict['NAME']}\n{sql}\n{params!r}"
    return hashlib.sha256(text.encode()).hexdigest()


def kept_count(queryset: QuerySet, request_key: tuple | None = None) -> int:
    """queryset.count(), reused while none of the tables it reads has changed.

    A list page states how many rows its filters match; on a large region that COUNT reads
    every matching row and was most of the page's time. The count depends only on the
    query (filters, the day, the user's scope: all in its SQL) and the rows of the tables it
    reads; when every one of those is a table the figures stamp watches (figures_stamp),
    any write to them renews the token and so the kept count. A query that reads any other
    table (a filter on visits, say) is counted every time.

    `request_key`, when given, names everything the page's query is built from (the page,
    the user, the day, the language, the query string): the query's SQL, compiled only to
    name the kept count, is then compiled once per such key. Data the SQL is built from (a
    region's path) can only change with the token, which is part of the kept count's name.
    """

    def digest() -> str | None:
        return watched_query_digest(queryset.order_by().values("pk"))

    if request_key is None:
        sql_digest = digest()
    else:
        sql_digest = _count_digests.get_or_build(
            (connection.settings_dict["NAME"], request_key), digest)
    if sql_digest is None:
        return queryset.count()
    token = current_token()
    if token is None:
        return queryset.count()
    key = f"partybuild:list-count:{token}:{sql_digest}"
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(key, count, FIGURES_KEPT_SECONDS)
    return count


# What kept_rows names each request's rows by, by what the request asked for.
_rows_parts = KeptValues(1024)
_EMPTY, _NOT_KEPT = "empty", "not kept"


def kept_rows(queryset: QuerySet, request_key: tuple | None = None) -> list | None:
    """list(queryset), shared between requests while none of the tables it reads has
    changed, or None when it reads a table the figures stamp does not watch.

    A list page's region filter offers every region of the user's scope and checks the
    chosen one: two queries and a few hundred Region objects per view, for rows that change
    once in a long while. The rows are shared: callers must not change them.

    `request_key`, as kept_count's, names everything the queryset is built from: its SQL is
    then compiled once per such key rather than on every view.
    """

    def parts():
        try:
            sql, params = queryset.query.sql_with_params()
        except EmptyResultSet:  # none(): nothing to read
            return _EMPTY
        tables = set(_READ_TABLE.findall(sql))
        if not tables or not tables <= set(watched_tables()):
            return _NOT_KEPT
        return (queryset.model._meta.label, sql, tuple(params))

    if request_key is None:
        named = parts()
    else:
        named = _rows_parts.get_or_build((connection.settings_dict["NAME"], request_key), parts)
    if named is _EMPTY:
        return []
    if named is _NOT_KEPT:
        return None
    return kept("organisation.kept_rows", named, lambda: list(queryset), using=queryset.db)


# What kept_page_keys names each request's page by, by what the request asked for; and the
# kept keys themselves, apart from figures_stamp.kept's values, so that browsing many list
# pages never pushes out the home's or the grid's figures, which cost far more to rebuild.
_page_digests = KeptValues(1024)
_page_keys = KeptValues(1024)


def kept_page_keys(sliced: QuerySet, request_key: tuple, read) -> list:
    """read(): the primary keys of a list's page (`sliced`: the page's slice of the filtered,
    ordered list), kept while neither figures token has changed, when the query reads only
    tables the structure token watches; read every time otherwise.

    The keys of a page depend on its query (filters, scope, day, order, slice: all named by
    `request_key`, as kept_count's) and on the rows of the tables it reads; any write to
    those renews the token, and so the kept keys. The page's rows are still read afresh by
    their keys on every view. On PostgreSQL the keys query of a district's institutions is
    a merge of one read per region, whose planning alone took longer than a millisecond.
    """

    sql_digest = _page_digests.get_or_build(
        (connection.settings_dict["NAME"], request_key),
        lambda: watched_query_digest(sliced.values_list("pk", flat=True)))
    tokens = None if sql_digest is None else current_tokens(sliced.db)
    if tokens is None:
        return read()
    # A tuple: shared between requests; each caller gets its own list.
    return list(_page_keys.get_or_build((sql_digest, tokens), lambda: tuple(read())))


# Coverage gaps -------------------------------------------------------------------------


@dataclass
class CoverageGaps:
    """What is missing in the structure on a day, each list ready to show with its count."""

    day: date
    uncovered: list[Institution] = field(default_factory=list)
    without_instructor: list[Institution] = field(default_factory=list)
    small_standalone: list[Branch] = field(default_factory=list)
    without_secretary: list[Branch] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (len(self.uncovered) + len(self.without_instructor)
                + len(self.small_standalone) + len(self.without_secretary))


def coverage_gaps(*, user, day: date | None = None) -> CoverageGaps:
    """Uncovered or instructor-less institutions; branches short of full members or a secretary."""
    day = today_or(day)
    operating = institution_list(user=user, day=day).filter(operating_today=True)
    last_branch = (
        Coverage.objects.filter(institution=OuterRef("pk"))
        .filter(active_on_q(day, "branch__")).order_by("-start")
    )
    uncovered = operating.filter(covered_today=False).annotate(
        # A still-active branch that covered it before is the obvious one to cover it again.
        last_branch_pk=Subquery(last_branch.values("branch_id")[:1]),
        last_branch_name=Subquery(last_branch.values("branch__name")[:1]),
    )
    active = branch_list(user=user, day=day).filter(active_today=True)
    # The gap lists are short and unpaginated, so they are put in natural order in Python
    # (第二 before 第十); the paginated lists keep the database's order by name.
    return CoverageGaps(
        day=day,
        uncovered=natural_sorted(uncovered),
        without_instructor=natural_sorted(operating.filter(has_instructor_today=False)),
        small_standalone=natural_sorted(
            active.filter(kind=Branch.Kind.STANDALONE,
                          full_members_today__lt=FULL_MEMBERS_FOR_STANDALONE)
        ),
        without_secretary=natural_sorted(active.filter(has_secretary_today=False)),
    )


# Data quality --------------------------------------------------------------------------


def members_without_branch(*, user, day: date | None = None) -> list[Member]:
    """Members the user may see who belong to no branch today (a dissolved branch, a lapse).

    Each carries `last_branch_name` and `last_end`, the branch and day they were last in.
    """
    day = today_or(day)
    holding = Membership.objects.filter(member=OuterRef("pk")).filter(holding_on_q(day))
    last = Membership.objects.filter(member=OuterRef("pk")).order_by("-start")
    rows = (members_visible_to(user).filter(~Exists(holding))
            .annotate(last_branch_name=Subquery(last.values("branch__name")[:1]),
                      last_end=Subquery(last.values("end")[:1])))
    return natural_sorted(rows)


def school_spelling(name: str) -> str:
    """A school's name reduced to what two spellings of it share: width, spaces, punctuation."""
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    return "".join(ch for ch in folded
                   if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def pairing_school_spellings(*, user) -> list[tuple[str, list[Pairing]]]:
    """Pairings whose school is written in more than one way, grouped by the shared spelling."""
    groups: dict[str, list[Pairing]] = {}
    for pairing in pairing_list(user=user):
        groups.setdefault(school_spelling(pairing.school_branch.school), []).append(pairing)
    return [(pairings[0].school_branch.school, pairings)
            for _, pairings in sorted(groups.items())
            if len({p.school_branch.school for p in pairings}) > 1]
