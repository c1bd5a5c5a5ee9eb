"""Party members and their memberships of branches."""

from collections import defaultdict

from partybuild.core.services import span
from partybuild.organisation.models import Branch, Member, Membership
from partybuild.organisation.scoping import members_visible_to

from ...engine import Column, Planned, Row, assign, write_planned
from ...parsing import choice_parser, parse_bool, parse_date
from .common import (
    StructureKind,
    attach,
    fetch_in,
    instance_of,
    limited,
    optional,
    parse_optional_credit_code,
    report_clashes,
    where,
)

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
