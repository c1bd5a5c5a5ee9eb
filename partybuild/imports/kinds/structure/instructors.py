"""Instructors and their assignments to institutions."""

from collections import defaultdict

from partybuild.core.services import span
from partybuild.instructors.models import Assignment, Instructor
from partybuild.instructors.scoping import instructors_visible_to

from ...engine import Column, Planned, Row, assign
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
