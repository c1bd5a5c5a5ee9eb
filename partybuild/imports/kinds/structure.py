"""Kinds that record the organisation structure: regions to pairings.

Each kind loads what its rows refer to in a fixed number of queries (names, codes and
numbers in chunks of `__in` lists), plans every row against plain dicts, then checks the
periods of the whole file together with the stored ones in one sorted sweep per
institution, branch or member (core.periods.overlapping_pairs). Stored periods that the file
updates by natural key take part in the checks with their new values only.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator

from partybuild.accounts.scoping import region_path
from partybuild.core.credit_code import credit_code_problem
from partybuild.core.periods import overlapping_pairs
from partybuild.core.services import span
from partybuild.instructors.models import Assignment, Instructor
from partybuild.instructors.scoping import instructors_visible_to
from partybuild.organisation.models import (
    Branch,
    Committee,
    Coverage,
    Institution,
    Member,
    Membership,
    Pairing,
    SchoolBranch,
)
from partybuild.organisation.scoping import members_visible_to
from partybuild.regions.models import Region
from partybuild.regions.paths import region_path_for

from ..engine import Column, ImportKind, Planned, Row, assign, write_planned
from ..parsing import (
    CellError,
    choice_parser,
    parse_bool,
    parse_date,
    parse_int,
    text,
    text_up_to,
)

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


# Regions --------------------------------------------------------------------------------


def region_level(code: str, parent: Region | None) -> str:
    """Province/city/district from the six-digit division code; longer codes are streets."""
    if len(code) > 6:
        return Region.Level.STREET
    if code.endswith("0000"):
        return Region.Level.PROVINCE
    if code.endswith("00"):
        return Region.Level.CITY
    return Region.Level.DISTRICT


def parse_region_code(value) -> str:
    code = text(value)
    if not code.isascii() or not code.isdigit() or not 6 <= len(code) <= 12:
        raise CellError(f"区划代码“{code}”应为6至12位数字")
    return code


class RegionsKind(StructureKind):
    name, label, model = "regions", "行政区划", Region
    columns = (
        Column("code", "区划代码", required=True, parse=parse_region_code),
        Column("name", "名称", required=True, parse=limited(Region, "name")),
        Column("parent_code", "上级代码"),
    )
    natural_key = ("code",)

    def load(self, rows):
        # Regions are few (a city has a few dozen): all of them, for paths and parent chains.
        self.existing = {region.code: region for region in Region.objects.all()}
        self.old_paths = {code: region.path for code, region in self.existing.items()}
        self.in_file = {row["code"]: row for row in rows}
        self.planned_codes: dict[str, Planned] = {}

    def plan(self, row: Row) -> list[Planned]:
        # Parents may come later in the file: resolve the whole chain once, in plan order.
        return [self._plan_code(row["code"], row, chain=())]

    def _plan_code(self, code, row, chain):
        if code in self.planned_codes:
            return self.planned_codes[code]
        region = self.existing.get(code) or Region(code=code)
        item = self.planned_codes[code] = Planned(row, region)
        parent = self._parent(code, row, chain, region)
        if row.failed:
            return item
        if self.context.user is not None:
            self._check_scope(row, region, parent)
        values = {"name": row["name"], "parent": parent, "level": region_level(code, parent),
                  "path": region_path_for(parent, code)}
        if region.pk is not None and parent is None and region.parent_id is not None:
            # An empty parent column on an existing region keeps its place in the tree.
            values.pop("parent")
            values["path"] = region.path
        item.changed = assign(region, values)
        return item

    def _parent(self, code, row, chain, region) -> Region | None:
        parent_code = row["parent_code"]
        if not parent_code:
            return None
        if parent_code == code or parent_code in chain:
            row.error("parent_code", f"上级代码“{parent_code}”形成循环")
            return None
        if parent_code in self.in_file:
            parent = self._plan_code(parent_code, self.in_file[parent_code],
                                     chain + (code,)).instance
        else:
            parent = self.existing.get(parent_code)
        if parent is None:
            row.error("parent_code", f"上级区划“{parent_code}”不存在")
            return None
        if region.pk is not None and parent.path and parent.path.startswith(region.path):
            row.error("parent_code",
                      f"上级代码“{parent_code}”是“{region.name}”的下级区划，形成循环")
            return None
        return parent

    def _check_scope(self, row, region, parent) -> None:
        allowed = self.context.region_allowed
        if region.pk is None:
            if not allowed(parent or region):
                row.error("code", "只能在您管辖的区划下新增区划")
        elif not allowed(region):
            row.error("code", f"区划“{region.name}”不在您管辖的范围内")
        elif parent is not None and parent.pk != region.parent_id and not allowed(parent):
            row.error("parent_code", "不能把区划移到您管辖的范围以外")

    def write(self, planned):
        # Parents first, so that children can point at their saved rows.
        for item in sorted(planned, key=lambda item: item.instance.path.count("/")):
            if item.is_new or item.changed:
                item.instance._history_user = self.context.user
                item.instance.save()
        self._move_descendants(planned)

    def _move_descendants(self, planned) -> None:
        """Regions the file does not list follow their moved ancestors (scoping reads paths)."""
        moves = sorted(
            ((self.old_paths[item.instance.code], item.instance.path) for item in planned
             if item.instance.code in self.old_paths
             and self.old_paths[item.instance.code] != item.instance.path),
            key=lambda move: -len(move[0]),
        )
        if not moves:
            return
        in_file = {item.instance.pk for item in planned}
        for region in self.existing.values():
            if region.pk in in_file:
                continue
            for old, new in moves:
                if region.path.startswith(old):
                    region.path = new + region.path[len(old):]
                    region._history_user = self.context.user
                    region.save(update_fields=["path"])
                    break


# Committees -----------------------------------------------------------------------------

COMMITTEE_LEVEL = choice_parser(Committee.Level.choices, "层级")


class CommitteesKind(StructureKind):
    name, label, model = "committees", "党组织", Committee
    columns = (
        Column("name", "名称", required=True, parse=limited(Committee, "name")),
        Column("level", "层级", required=True, parse=COMMITTEE_LEVEL),
        Column("region_code", "所属区划", required=True),
        Column("parent", "上级党组织", parse=limited(Committee, "name")),
    )
    natural_key = ("name",)

    def load(self, rows):
        # Committees are few (one or two per county): all of them, for the parent chains.
        self.stored = {committee.name: committee
                       for committee in Committee.objects.select_related("region")}
        name_of = {committee.pk: committee.name for committee in self.stored.values()}
        self.stored_parent = {name: name_of.get(committee.parent_id)
                              for name, committee in self.stored.items()}
        # An empty parent cell keeps a stored committee's parent, as for regions.
        self.file_parent = {row["name"]: row["parent"] for row in rows if row["parent"]}
        self.regions = {region.code: region for region in fetch_in(
            Region.objects.all(), "code", (row["region_code"] for row in rows))}
        self.instances = {row["name"]: self.stored.get(row["name"]) or Committee(name=row["name"])
                          for row in rows}
        self.parent_of: dict[str, Committee | None] = {}

    def plan(self, row: Row) -> list[Planned]:
        committee = self.instances[row["name"]]
        region = self.regions.get(row["region_code"])
        if region is None:
            row.error("region_code", f"区划“{row['region_code']}”不存在")
        elif not self.context.region_allowed(region):
            row.error("region_code", f"区划“{region.name}”不在您管辖的范围内")
        if committee.pk is not None and not self.context.region_allowed(committee.region):
            row.error("name", f"党组织“{committee.name}”属于您管辖范围以外的区划")
        parent = self._parent(row)
        if row.failed:
            return []
        self.parent_of[committee.name] = parent
        values = {"level": row["level"], "region": region, "parent": parent}
        if parent is None and committee.pk is not None:
            values.pop("parent")
        return [Planned(row, committee, assign(committee, values))]

    def _parent(self, row: Row) -> Committee | None:
        name = row["parent"]
        if not name:
            return None
        if self._in_cycle(row["name"]):
            row.error("parent", f"上级党组织“{name}”形成循环（上级链条回到了“{row['name']}”）")
            return None
        parent = self.instances.get(name) or self.stored.get(name)
        if parent is None:
            row.error("parent", f"上级党组织“{name}”不存在（数据库和本文件中都没有）")
            return None
        # A parent listed in the file is scope-checked on its own row.
        if name not in self.instances and not may_refer_to(self.context, parent.region):
            row.error("parent", f"上级党组织“{name}”不在您管辖的区划内")
            return None
        return parent

    def _final_parent(self, name: str) -> str | None:
        if name in self.file_parent:
            return self.file_parent[name]
        return self.stored_parent.get(name)

    def _in_cycle(self, name: str) -> bool:
        """Whether following the parents (the file's, else the stored ones) comes back here."""
        seen = {name}
        current = self._final_parent(name)
        while current is not None:
            if current == name:
                return True
            if current in seen:
                return False
            seen.add(current)
            current = self._final_parent(current)
        return False

    def write(self, planned):
        # A committee is written once its parent has a primary key: level by level.
        remaining = list(planned)
        while remaining:
            ready = [item for item in remaining
                     if getattr(self.parent_of[item.instance.name], "pk", True) is not None]
            if not ready:
                raise RuntimeError("committee parents form a cycle")
            write_planned(Committee, ready, self.context.user)
            done = {id(item) for item in ready}
            remaining = [item for item in remaining if id(item) not in done]


# Institutions ---------------------------------------------------------------------------

CATEGORY = choice_parser(Institution.Category.choices, "类别")
LICENCE = choice_parser(Institution.Licence.choices, "证照状态")


class InstitutionsKind(StructureKind):
    name, label, model = "institutions", "培训机构", Institution
    columns = (
        Column("name", "机构名称", required=True, parse=limited(Institution, "name")),
        Column("credit_code", "统一社会信用代码", required=True, parse=parse_credit_code),
        Column("permit_no", "办学许可证号", parse=limited(Institution, "permit_no")),
        Column("category", "类别", required=True, parse=CATEGORY),
        Column("licence", "证照状态", required=True, parse=LICENCE),
        Column("region_code", "所属区划", required=True),
        Column("address", "地址", parse=limited(Institution, "address")),
        Column("founder", "举办者", parse=limited(Institution, "founder")),
        Column("opened_on", "开办日期", required=True, parse=parse_date),
        Column("closed_on", "停办日期", parse=parse_date),
        Column("charter", "党建入章程", parse=parse_bool),
        Column("staff_count", "从业人员数", parse=parse_int),
    )
    natural_key = ("credit_code",)

    def load(self, rows):
        self.load_institutions(rows)
        self.regions = {region.code: region for region in self.regions_by_id.values()}

    def plan(self, row: Row) -> list[Planned]:
        region = self.regions.get(row["region_code"])
        if region is None:
            row.error("region_code", f"区划“{row['region_code']}”不存在")
            return []
        if not self.context.region_allowed(region):
            row.error("region_code", f"区划“{region.name}”不在您管辖的范围内")
            return []
        institution = self.institutions.get(row["credit_code"]) or Institution()
        if institution.pk and not self.context.region_allowed(institution.region):
            row.error("credit_code", "该机构属于您管辖范围以外的区划")
            return []
        if not self.check_period(row, "opened_on", "closed_on",
                                 "停办日期 {end} 不能早于开办日期 {start}"):
            return []
        changed = assign(institution, {
            "name": row["name"], "credit_code": row["credit_code"],
            "permit_no": row["permit_no"], "category": row["category"],
            "licence": row["licence"], "region": region, "address": row["address"],
            "founder": row["founder"], "opened_on": row["opened_on"],
            "closed_on": row["closed_on"],
            "charter_includes_party_building": bool(row["charter"]),
            "staff_count": row["staff_count"],
        })
        return [Planned(row, institution, changed)]


# Branches -------------------------------------------------------------------------------

BRANCH_KIND = choice_parser(Branch.Kind.choices, "类型")


def standalone_message(instance, other) -> str:
    other_coverage = instance_of(other)
    period = span(other_coverage.start, other_coverage.end)
    return (f"单独党支部“{instance.branch.name}”同一天只能覆盖一家机构，与{where(other)}"
            f"对“{other_coverage.institution.name}”的覆盖（{period}）重叠；请改用联合党支部")


def standalone_groups(coverages: Iterable) -> dict:
    """Periods of each standalone branch, tagged with the institution they cover."""
    groups = defaultdict(list)
    for payload in coverages:
        coverage = instance_of(payload)
        groups[coverage.branch_id or id(coverage.branch)].append(
            (coverage.start, coverage.end, payload))
    return groups


def different_institutions(a, b) -> bool:
    # Covering one institution twice is the other check's business (covered_twice_message).
    return instance_of(a).institution_id != instance_of(b).institution_id


class BranchesKind(StructureKind):
    name, label, model = "branches", "党支部", Branch
    columns = (
        Column("name", "支部名称", required=True, parse=limited(Branch, "name")),
        Column("kind", "类型", required=True, parse=BRANCH_KIND),
        Column("committee", "上级党委", required=True, parse=limited(Committee, "name")),
        Column("founded_on", "成立日期", required=True, parse=parse_date),
        Column("dissolved_on", "撤销日期", parse=parse_date),
    )
    natural_key = ("name",)

    def load(self, rows):
        self.load_branches(rows, key="name")
        self.committees = {committee.name: committee
                           for committee in self.committees_by_id.values()}

    def plan(self, row: Row) -> list[Planned]:
        committee = self.committees.get(row["committee"])
        if committee is None:
            row.error("committee", f"上级党委“{row['committee']}”不存在，请先导入党组织")
        elif not self.context.region_allowed(committee.region):
            row.error("committee", f"上级党委“{committee.name}”不在您管辖的区划内")
        branch = self.branches.get(row["name"]) or Branch(name=row["name"])
        if branch.pk is not None and not self.context.region_allowed(branch.committee.region):
            row.error("name", f"支部“{branch.name}”属于您管辖范围以外的区划")
        self.check_period(row, "founded_on", "dissolved_on",
                          "撤销日期 {end} 不能早于成立日期 {start}")
        if row.failed:
            return []
        changed = assign(branch, {"kind": row["kind"], "committee": committee,
                                  "founded_on": row["founded_on"],
                                  "dissolved_on": row["dissolved_on"]})
        return [Planned(row, branch, changed)]

    def check_all(self, planned):
        """A joint branch becoming standalone must not cover two institutions on one day."""
        turning = {item.instance.pk: item for item in planned
                   if item.instance.pk is not None and "kind" in item.changed
                   and item.instance.kind == Branch.Kind.STANDALONE}
        if not turning:
            return
        stored = fetch_in(Coverage.objects.select_related("institution"), "branch_id", turning)
        for branch_id, periods in standalone_groups(stored).items():
            item = turning[branch_id]
            for first, second in overlapping_pairs(periods):
                a, b = first[2], second[2]
                if a.institution_id != b.institution_id:
                    item.row.error("kind", (
                        f"支部“{item.instance.name}”在 {span(b.start, b.end)} 同时覆盖"
                        f"“{a.institution.name}”和“{b.institution.name}”，不能改为单独党支部"))
                    break


# Coverage -------------------------------------------------------------------------------


def covered_twice_message(instance, other) -> str:
    other_coverage = instance_of(other)
    return (f"机构“{instance.institution.name}”在 {span(other_coverage.start, other_coverage.end)} "
            f"已由“{other_coverage.branch.name}”覆盖（{where(other)}），同一天只能由一个支部覆盖")


class CoverageKind(StructureKind):
    name, label, model = "coverage", "支部覆盖", Coverage
    columns = (
        Column("branch", "支部名称", required=True, parse=limited(Branch, "name")),
        Column("credit_code", "统一社会信用代码", required=True, parse=parse_credit_code),
        Column("start", "开始日期", required=True, parse=parse_date),
        Column("end", "结束日期", parse=parse_date),
    )
    natural_key = ("branch", "credit_code", "start")

    def load(self, rows):
        self.load_branches(rows)
        self.load_institutions(rows)
        standalone = {branch.pk for branch in self.branches.values()
                      if branch.kind == Branch.Kind.STANDALONE}
        self.stored = {coverage.pk: coverage for coverage in [
            *fetch_in(Coverage.objects.all(), "institution_id", self.institutions_by_id),
            *fetch_in(Coverage.objects.all(), "branch_id", standalone),
        ]}
        stored = list(self.stored.values())
        self.attach_branches(Coverage, stored)
        self.attach_institutions(Coverage, stored)
        self.by_key = {(coverage.branch_id, coverage.institution_id, coverage.start): coverage
                       for coverage in self.stored.values()}

    def plan(self, row: Row) -> list[Planned]:
        branch = self.branch_of(row)
        institution = self.institution_of(row)
        self.check_period(row)
        if row.failed:
            return []
        coverage = (self.by_key.get((branch.pk, institution.pk, row["start"]))
                    or Coverage(branch=branch, institution=institution, start=row["start"]))
        return [Planned(row, coverage, assign(coverage, {"end": row["end"]}))]

    def check_all(self, planned):
        updated = {item.instance.pk for item in planned}
        current = [coverage for pk, coverage in self.stored.items() if pk not in updated]
        current.extend(planned)
        by_institution = defaultdict(list)
        for payload in current:
            coverage = instance_of(payload)
            by_institution[coverage.institution_id].append(
                (coverage.start, coverage.end, payload))
        report_clashes(by_institution, "credit_code", covered_twice_message)
        standalone = [payload for payload in current
                      if instance_of(payload).branch.kind == Branch.Kind.STANDALONE]
        report_clashes(standalone_groups(standalone), "branch", standalone_message,
                       clash=different_institutions)


# Members --------------------------------------------------------------------------------

GENDER = optional(choice_parser(Member.Gender.choices, "性别"))
MEMBER_STATUS = choice_parser(Member.Status.choices, "类别")
PERSONAL_FIELDS = ("name", "gender", "status", "joined_on")


def two_branches_message(instance, other) -> str:
    other_membership = instance_of(other)
    return (f"党员{instance.member.name}（{instance.member.number}）在 "
            f"{span(other_membership.start, other_membership.end)} 属于"
            f"“{other_membership.branch.name}”（{where(other)}），同一天只能属于一个支部")


class MembersKind(StructureKind):
    """One row per membership period; the member's personal fields ride along on each row.

    When one member's rows disagree on the personal fields (a probationary member who became
    a full member, a corrected name), the row with the latest 转入日期 wins: it is the most
    recent state of the person. Rows are counted as memberships; the member record is written
    beside them without being counted.
    """

    name, label, model = "members", "党员", Membership
    columns = (
        Column("number", "党员编号", required=True, parse=limited(Member, "number")),
        Column("name", "姓名", required=True, parse=limited(Member, "name")),
        Column("gender", "性别", parse=GENDER),
        Column("status", "类别", required=True, parse=MEMBER_STATUS),
        Column("joined_on", "入党日期", parse=parse_date),
        Column("credit_code", "工作单位", parse=parse_optional_credit_code),
        Column("branch", "所在支部", required=True, parse=limited(Branch, "name")),
        Column("start", "转入日期", required=True, parse=parse_date),
        Column("end", "转出日期", parse=parse_date),
        Column("secretary", "是否书记", parse=parse_bool),
    )
    natural_key = ("number", "branch", "start")

    def load(self, rows):
        self.load_branches(rows)
        self.load_institutions(rows)
        numbers = {row["number"] for row in rows}
        stored = {member.number: member for member in fetch_in(Member.objects.all(), "number",
                                                                numbers)}
        self.members = {number: stored.get(number) or Member(number=number)
                        for number in numbers}
        self.latest: dict[str, Row] = {}
        for row in rows:
            latest = self.latest.get(row["number"])
            if latest is None or row["start"] >= latest["start"]:
                self.latest[row["number"]] = row
        members_by_id = {member.pk: member for member in stored.values()}
        self.stored = {membership.pk: membership for membership in fetch_in(
            Membership.objects.all(), "member_id", members_by_id)}
        attach(Membership, self.stored.values(), "member", members_by_id)
        self.attach_branches(Membership, list(self.stored.values()))
        self.by_key = {(membership.member_id, membership.branch_id, membership.start): membership
                       for membership in self.stored.values()}
        self.visible = None
        if self.context.user is not None:
            self.visible = set(fetch_in(
                members_visible_to(self.context.user).values_list("number", flat=True),
                "number", stored))

    def plan(self, row: Row) -> list[Planned]:
        branch = self.branch_of(row)
        employer = self.institution_of(row) if row["credit_code"] else None
        self.check_period(row, message="转出日期 {end} 不能早于转入日期 {start}")
        member = self.members[row["number"]]
        planned = []
        if self.latest[row["number"]] is row:
            planned.append(self._plan_member(row, member))
        if row.failed:
            return []
        membership = None
        if member.pk is not None:
            membership = self.by_key.get((member.pk, branch.pk, row["start"]))
        membership = membership or Membership(member=member, branch=branch, start=row["start"])
        changed = assign(membership, {"end": row["end"], "employer": employer,
                                      "is_secretary": bool(row["secretary"])})
        return [*planned, Planned(row, membership, changed)]

    def _plan_member(self, row: Row, member: Member) -> Planned:
        values = {field: row[field] for field in PERSONAL_FIELDS}
        differs = [field for field, value in values.items() if getattr(member, field) != value]
        if (member.pk is not None and differs and self.visible is not None
                and member.number not in self.visible):
            # Someone else's member: joining them to a branch here is fine, rewriting the
            # person is for the region that holds their membership.
            row.error("number", f"党员{member.name}（{member.number}）的组织关系不在您管辖的"
                                "区划内，不能修改其姓名、性别、类别或入党日期")
        return Planned(row, member, assign(member, values), counted=False)

    def check_all(self, planned):
        memberships = [item for item in planned if isinstance(item.instance, Membership)]
        updated = {item.instance.pk for item in memberships}
        by_member = defaultdict(list)
        for membership in self.stored.values():
            if membership.pk not in updated:
                by_member[membership.member.number].append(
                    (membership.start, membership.end, membership))
        for item in memberships:
            membership = item.instance
            by_member[membership.member.number].append((membership.start, membership.end, item))
        report_clashes(by_member, "start", two_branches_message)

    def write(self, planned):
        user = self.context.user
        write_planned(Member, [item for item in planned if isinstance(item.instance, Member)], user)
        write_planned(Membership, [item for item in planned
                                   if isinstance(item.instance, Membership)], user)


# Instructors ----------------------------------------------------------------------------

SOURCE_TYPE = choice_parser(Instructor.SourceType.choices, "来源类型")


class InstructorsKind(StructureKind):
    name, label, model = "instructors", "党建指导员", Instructor
    columns = (
        Column("number", "指导员编号", required=True, parse=limited(Instructor, "number")),
        Column("name", "姓名", required=True, parse=limited(Instructor, "name")),
        Column("source_type", "来源类型", required=True, parse=SOURCE_TYPE),
        Column("source_org", "来源单位", required=True, parse=limited(Instructor, "source_org")),
        Column("title", "职务", parse=limited(Instructor, "title")),
        Column("phone", "手机", parse=limited(Instructor, "phone")),
    )
    natural_key = ("number",)

    def load(self, rows):
        numbers = [row["number"] for row in rows]
        self.existing = {instructor.number: instructor
                         for instructor in fetch_in(Instructor.objects.all(), "number", numbers)}
        self.visible = None
        if self.context.user is not None:
            self.visible = set(fetch_in(
                instructors_visible_to(self.context.user).values_list("number", flat=True),
                "number", self.existing))

    def plan(self, row: Row) -> list[Planned]:
        instructor = self.existing.get(row["number"])
        if instructor is None:
            # A bureau's import selects its own instructors; the command line leaves it open.
            region = self.context.user.region if self.context.user is not None else None
            instructor = Instructor(number=row["number"], region=region)
        elif self.visible is not None and instructor.number not in self.visible:
            row.error("number", f"指导员{instructor.name}（{instructor.number}）不在您管辖的区划内")
            return []
        changed = assign(instructor, {field: row[field] for field in (
            "name", "source_type", "source_org", "title", "phone")})
        return [Planned(row, instructor, changed)]


# Assignments ----------------------------------------------------------------------------


def assigned_twice_message(instance, other) -> str:
    other_assignment = instance_of(other)
    return (f"指导员{instance.instructor.name}在 "
            f"{span(other_assignment.start, other_assignment.end)} 已派驻到"
            f"“{instance.institution.name}”（{where(other)}），派驻期间不能重叠")


class AssignmentsKind(StructureKind):
    """Instructor assignments. Two instructors on one institution the same day are allowed:
    real ledgers overlap at hand-overs, and the coverage-gaps page shows what needs fixing."""

    name, label, model = "assignments", "指导员派驻", Assignment
    columns = (
        Column("instructor", "指导员编号", required=True, parse=limited(Instructor, "number")),
        Column("credit_code", "统一社会信用代码", required=True, parse=parse_credit_code),
        Column("start", "开始日期", required=True, parse=parse_date),
        Column("end", "结束日期", parse=parse_date),
    )
    natural_key = ("instructor", "credit_code", "start")

    def load(self, rows):
        self.load_institutions(rows)
        self.instructors = {instructor.number: instructor for instructor in fetch_in(
            Instructor.objects.all(), "number", (row["instructor"] for row in rows))}
        # A clash is always with the file's instructor at the file's institution: the stored
        # side of it needs only its dates.
        self.stored = {assignment.pk: assignment for assignment in fetch_in(
            Assignment.objects.all(), "institution_id", self.institutions_by_id)}
        self.by_key = {(assignment.instructor_id, assignment.institution_id, assignment.start):
                       assignment for assignment in self.stored.values()}

    def plan(self, row: Row) -> list[Planned]:
        instructor = self.instructors.get(row["instructor"])
        if instructor is None:
            row.error("instructor", f"指导员编号“{row['instructor']}”不存在，请先导入该指导员")
        institution = self.institution_of(row)
        self.check_period(row)
        if row.failed:
            return []
        assignment = (self.by_key.get((instructor.pk, institution.pk, row["start"]))
                      or Assignment(instructor=instructor, institution=institution,
                                    start=row["start"]))
        return [Planned(row, assignment, assign(assignment, {"end": row["end"]}))]

    def check_all(self, planned):
        updated = {item.instance.pk for item in planned}
        by_pair = defaultdict(list)
        for payload in [*(a for pk, a in self.stored.items() if pk not in updated), *planned]:
            assignment = instance_of(payload)
            by_pair[assignment.instructor_id, assignment.institution_id].append(
                (assignment.start, assignment.end, payload))
        report_clashes(by_pair, "start", assigned_twice_message)


# Pairings -------------------------------------------------------------------------------


def paired_twice_message(instance, other) -> str:
    other_pairing = instance_of(other)
    return (f"“{instance.branch.name}”与“{instance.school_branch}”在 "
            f"{span(other_pairing.start, other_pairing.end)} 已结对（{where(other)}），"
            "同一对支部的结对期间不能重叠")


class PairingsKind(StructureKind):
    """Pairings with public schools' branches, which are recorded on first mention.

    A school branch is known by its name and its school together (many schools have a
    第一党支部), so the school is part of the row's natural key as well.
    """

    name, label, model = "pairings", "结对共建", Pairing
    columns = (
        Column("branch", "支部名称", required=True, parse=limited(Branch, "name")),
        Column("school_branch", "学校支部", required=True, parse=limited(SchoolBranch, "name")),
        Column("school", "学校", required=True, parse=limited(SchoolBranch, "school")),
        Column("start", "开始日期", required=True, parse=parse_date),
        Column("end", "结束日期", parse=parse_date),
    )
    natural_key = ("branch", "school_branch", "school", "start")

    def load(self, rows):
        self.load_branches(rows)
        self.school_branches = {
            (school_branch.name, school_branch.school): school_branch
            for school_branch in fetch_in(SchoolBranch.objects.all(), "name",
                                          (row["school_branch"] for row in rows))
        }
        # A clash is always with the file's pair of branches: the stored side needs its dates.
        self.stored = {pairing.pk: pairing for pairing in fetch_in(
            Pairing.objects.all(), "branch_id", self.branches_by_id)}
        self.by_key = {(pairing.branch_id, pairing.school_branch_id, pairing.start): pairing
                       for pairing in self.stored.values()}

    def plan(self, row: Row) -> list[Planned]:
        branch = self.branch_of(row)
        self.check_period(row)
        if row.failed:
            return []
        planned = []
        key = (row["school_branch"], row["school"])
        school_branch = self.school_branches.get(key)
        if school_branch is None:
            school_branch = self.school_branches[key] = SchoolBranch(
                name=row["school_branch"], school=row["school"],
                region=branch.committee.region)
            planned.append(Planned(row, school_branch, counted=False))
        pairing = None
        if school_branch.pk is not None:
            pairing = self.by_key.get((branch.pk, school_branch.pk, row["start"]))
        pairing = pairing or Pairing(branch=branch, school_branch=school_branch,
                                     start=row["start"])
        return [*planned, Planned(row, pairing, assign(pairing, {"end": row["end"]}))]

    def check_all(self, planned):
        pairings = [item for item in planned if isinstance(item.instance, Pairing)]
        updated = {item.instance.pk for item in pairings}
        by_pair = defaultdict(list)
        for payload in [*(p for pk, p in self.stored.items() if pk not in updated), *pairings]:
            pairing = instance_of(payload)
            school_branch = pairing.school_branch_id or id(pairing.school_branch)
            by_pair[pairing.branch_id, school_branch].append(
                (pairing.start, pairing.end, payload))
        report_clashes(by_pair, "start", paired_twice_message)

    def write(self, planned):
        user = self.context.user
        write_planned(SchoolBranch, [item for item in planned
                                     if isinstance(item.instance, SchoolBranch)], user)
        write_planned(Pairing, [item for item in planned if isinstance(item.instance, Pairing)],
                      user)
