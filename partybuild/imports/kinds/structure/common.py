"""Lookups, parsers and the period sweep shared by the structure kinds.

Each kind loads what its rows refer to in a fixed number of queries (names, codes and
numbers in chunks of `__in` lists), plans every row against plain dicts, then checks the
periods of the whole file together with the stored ones in one sorted sweep per
institution, branch or member (core.periods.overlapping_pairs). Stored periods that the file
updates by natural key take part in the checks with their new values only.
"""

from collections.abc import Iterable, Iterator

from partybuild.accounts.scoping import region_path
from partybuild.core.credit_code import credit_code_problem
from partybuild.core.periods import overlapping_pairs
from partybuild.organisation.models import Branch, Committee, Institution
from partybuild.regions.models import Region

from ...engine import ImportKind, Planned, Row
from ...parsing import CellError, text, text_up_to

# SQLite refuses statements with more than 32,766 parameters; 10,000 keeps well clear.
IN_CHUNK = 10_000


def chunked(values: Iterable, size: int = IN_CHUNK) -> Iterator[list]:
    values = sorted(values)
    for first in range(0, len(values), size):
        yield values[first:first + size]


def fetch_in(queryset, lookup: str, values: Iterable) -> list:
    """The rows whose `lookup` is among the values, one query per 10,000 values."""
    found = []
    for chunk in chunked({value for value in values if value not in (None, "")}):
        found.extend(queryset.filter(**{f"{lookup}__in": chunk}))
    return found


def attach(model, objects: Iterable, field: str, related: dict) -> None:
    """Point each record's foreign key at a record already loaded, so reading it costs no query.

    Cheaper than select_related when many rows share few related records (every institution
    of a district shares its region), or when the related records are loaded anyway.
    """
    foreign_key = model._meta.get_field(field)
    for instance in objects:
        target = related.get(getattr(instance, foreign_key.attname))
        if target is not None:
            foreign_key.set_cached_value(instance, target)


def parse_credit_code(value) -> str:
    code = text(value).upper()
    problem = credit_code_problem(code)
    if problem:
        raise CellError(problem)
    return code


def parse_optional_credit_code(value) -> str:
    return parse_credit_code(value) if text(value) else ""


def optional(parse):
    """A choice parser that also accepts an empty cell (as "")."""
    return lambda value: parse(value) if text(value) else ""


def limited(model, field: str):
    """A text parser bounded by the model field's max_length."""
    return text_up_to(model._meta.get_field(field).max_length)


def may_refer_to(context, region: Region) -> bool:
    """A region in the user's scope or above it: a county's committee names its city's parent."""
    if context.region_allowed(region):
        return True
    path = region_path(context.user)
    return path is not None and path.startswith(region.path)


def where(payload) -> str:
    """Where a clashing period comes from: a row of the file or the database."""
    return f"第 {payload.row.number} 行" if isinstance(payload, Planned) else "已有记录"


def instance_of(payload):
    return payload.instance if isinstance(payload, Planned) else payload


def report_clashes(groups: dict, column: str, message, clash=None) -> None:
    """Report overlapping periods in each group on the file row that takes part in the clash.

    Each group is a list of (start, end, payload) where payload is a Planned row of the file or
    a stored record; message(instance, other_payload) words the problem, and clash(a, b), when
    given, says whether two overlapping payloads really conflict. Clashes between two stored
    records are not the file's doing and are left to the coverage-gaps page.
    """
    for periods in groups.values():
        if len(periods) < 2:
            continue
        for first, second in overlapping_pairs(periods):
            if clash is not None and not clash(first[2], second[2]):
                continue
            in_file = [period[2] for period in (first, second) if isinstance(period[2], Planned)]
            if not in_file:
                continue
            culprit = max(in_file, key=lambda item: item.row.number)
            other = second[2] if culprit is first[2] else first[2]
            culprit.row.error(column, message(culprit.instance, other))


class StructureKind(ImportKind):
    """Lookups and checks shared by the structure kinds."""

    def load_places(self) -> None:
        """Regions and committees are few: all of them, shared by every branch and institution."""
        if hasattr(self, "regions_by_id"):
            return
        self.regions_by_id = {region.pk: region for region in Region.objects.all()}
        committees = list(Committee.objects.all())
        attach(Committee, committees, "region", self.regions_by_id)
        self.committees_by_id = {committee.pk: committee for committee in committees}

    def load_branches(self, rows: list[Row], key: str = "branch") -> None:
        self.load_places()
        branches = fetch_in(Branch.objects.all(), "name", (row[key] for row in rows))
        attach(Branch, branches, "committee", self.committees_by_id)
        self.branches = {branch.name: branch for branch in branches}
        self.branches_by_id = {branch.pk: branch for branch in branches}

    def load_institutions(self, rows: list[Row], key: str = "credit_code") -> None:
        self.load_places()
        institutions = fetch_in(Institution.objects.all(), "credit_code",
                                (row[key] for row in rows))
        attach(Institution, institutions, "region", self.regions_by_id)
        self.institutions = {institution.credit_code: institution
                             for institution in institutions}
        self.institutions_by_id = {institution.pk: institution for institution in institutions}

    def attach_branches(self, model, records: list) -> None:
        """Attach each stored record's branch, loading those the file does not name."""
        missing = {record.branch_id for record in records} - set(self.branches_by_id)
        branches = fetch_in(Branch.objects.all(), "pk", missing)
        attach(Branch, branches, "committee", self.committees_by_id)
        self.branches_by_id.update((branch.pk, branch) for branch in branches)
        attach(model, records, "branch", self.branches_by_id)

    def attach_institutions(self, model, records: list) -> None:
        """Attach each stored record's institution, loading those the file does not name."""
        missing = {record.institution_id for record in records} - set(self.institutions_by_id)
        institutions = fetch_in(Institution.objects.all(), "pk", missing)
        attach(Institution, institutions, "region", self.regions_by_id)
        self.institutions_by_id.update((institution.pk, institution)
                                       for institution in institutions)
        attach(model, records, "institution", self.institutions_by_id)

    def branch_of(self, row: Row, key: str = "branch") -> Branch | None:
        """The row's branch, when it exists and its committee lies in the user's regions."""
        branch = self.branches.get(row[key])
        if branch is None:
            row.error(key, f"支部“{row[key]}”不存在，请先导入该支部")
            return None
        if not self.context.region_allowed(branch.committee.region):
            row.error(key, f"支部“{branch.name}”不在您管辖的区划内")
            return None
        return branch

    def institution_of(self, row: Row, key: str = "credit_code") -> Institution | None:
        """The row's institution, when it exists and lies in the user's regions."""
        code = row[key]
        institution = self.institutions.get(code)
        if institution is None:
            row.error(key, f"统一社会信用代码为“{code}”的机构不存在，请先导入该机构")
            return None
        if not self.context.region_allowed(institution.region):
            row.error(key, f"机构“{institution.name}”不在您管辖的区划内")
            return None
        return institution

    def check_period(self, row: Row, start: str = "start", end: str = "end",
                     message: str = "结束日期 {end} 不能早于开始日期 {start}") -> bool:
        if row[end] is not None and row[start] is not None and row[end] < row[start]:
            row.error(end, message.format(start=row[start].isoformat(),
                                          end=row[end].isoformat()))
            return False
        return True
