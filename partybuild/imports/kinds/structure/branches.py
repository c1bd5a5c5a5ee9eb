"""Branches, the institutions they cover and the school branches they pair with."""

from collections import defaultdict
from collections.abc import Iterable

from partybuild.core.periods import overlapping_pairs
from partybuild.core.services import span
from partybuild.organisation.models import Branch, Committee, Coverage, Pairing, SchoolBranch

from ...engine import Column, Planned, Row, assign, write_planned
from ...parsing import choice_parser, parse_date
from .common import (
    StructureKind,
    fetch_in,
    instance_of,
    limited,
    parse_credit_code,
    report_clashes,
    where,
)

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
