"""Kinds that record the year's work: visits, hazards, clues, activities and points.

Each kind loads what its rows refer to in a fixed number of queries (credit codes,
instructor numbers and branch names in chunks of `__in` lists, existing records by the
file's institutions or branches and date range), then checks every row against plain
dicts. The rules are the application's own (visits/services.py, activities/services.py,
points/services.py), applied to the whole file at once.
"""

from collections import defaultdict

from django.db import connection
from django.utils import timezone

from partybuild.activities.models import Activity
from partybuild.core.services import fmt, span
from partybuild.instructors.models import Assignment, Instructor
from partybuild.organisation.models import Branch, Institution, Pairing
from partybuild.points.models import PointEntry
from partybuild.visits.models import Clue, Hazard, Visit
from partybuild.visits.services import ITEM_TEXTS

from ..engine import (
    BATCH_SIZE,
    Column,
    NewRecord,
    Planned,
    Row,
    assign,
    insert_with_history,
    update_with_history,
)
from ..parsing import choice_parser, parse_bool, parse_date, parse_int, parse_points
from .structure.common import StructureKind, chunked, fetch_in, limited, parse_credit_code


def date_bounds(rows: list[Row], key: str) -> dict:
    """A date-range filter covering every row's date, so only those days' records load."""
    days = [day for day in (row.values.get(key) for row in rows) if day is not None]
    if not days:
        return {f"{key}__isnull": True}
    return {f"{key}__gte": min(days), f"{key}__lte": max(days)}


def select_in(model, fields: tuple[str, ...], lookup: str, values) -> list[tuple]:
    """fetch_in's rows as tuples of the fields, in plain SQL: for the few columns a large
    import looks up in every batch, building the ORM query cost more than running it."""
    def column(name: str):
        return model._meta.pk if name == "pk" else model._meta.get_field(name)

    quote = connection.ops.quote_name
    selected = ", ".join(quote(column(name).column) for name in fields)
    table, key = quote(model._meta.db_table), column(lookup)
    found = []
    with connection.cursor() as cursor:
        for chunk in chunked({value for value in values if value not in (None, "")}):
            if connection.vendor == "postgresql":
                # One index probe per value, as in stored_visits: a table just imported
                # has no statistics yet, and the IN list was planned as a scan of it.
                cursor.execute(
                    f"SELECT found.* FROM unnest(%s::{key.db_type(connection)}[]) AS "
                    f"wanted(value) CROSS JOIN LATERAL (SELECT {selected} FROM {table} "
                    f"WHERE {quote(key.column)} = wanted.value OFFSET 0) AS found", [chunk])
            else:
                cursor.execute(f"SELECT {selected} FROM {table} WHERE {quote(key.column)} "
                               f"IN ({', '.join(['%s'] * len(chunk))})", chunk)
            found.extend(cursor.fetchall())
    return found


class WorkKind(StructureKind):
    """Date rules and lookups of the kinds that record work at institutions and branches.

    Institutions and branches are found (and scoped to the user) by StructureKind's
    load_institutions/institution_of and load_branches/branch_of.
    """

    def load_instructors(self, rows: list[Row], key: str = "instructor") -> None:
        self.instructors = {
            instructor.number: instructor
            for instructor in fetch_in(Instructor.objects.all(), "number",
                                       (row[key] for row in rows))
        }

    def existing_for(self, queryset, rows: list[Row], day_key: str) -> list:
        """Stored records of the file's institutions dated within the file's date range."""
        ids = {institution.pk for institution in self.institutions.values()}
        return fetch_in(queryset.filter(**date_bounds(rows, day_key)), "institution_id", ids)

    def instructor_of(self, row: Row, key: str = "instructor") -> Instructor | None:
        number = row[key]
        instructor = self.instructors.get(number)
        if instructor is None:
            row.error(key, f"指导员编号“{number}”不存在，请先导入该指导员")
        return instructor

    def check_not_future(self, row: Row, key: str, label: str) -> bool:
        day, today = row[key], self.context.today
        if day is not None and day > today:
            row.error(key, f"{label} {fmt(day)} 晚于今天（{fmt(today)}），不能录入未来的日期")
            return False
        return True

    def check_operating(self, row: Row, key: str, label: str, institution: Institution) -> bool:
        """The institution must be operating on the row's day (opened_on..closed_on)."""
        day = row[key]
        if day < institution.opened_on:
            row.error(key, f"机构“{institution.name}”于 {fmt(institution.opened_on)} 开办，"
                           f"{label} {fmt(day)} 尚未开办")
            return False
        if institution.closed_on is not None and day > institution.closed_on:
            row.error(key, f"机构“{institution.name}”已于 {fmt(institution.closed_on)} 停办，"
                           f"{label} {fmt(day)} 不在办学期间")
            return False
        return True

    def check_day(self, row: Row, key: str, label: str, institution: Institution) -> bool:
        return (self.check_not_future(row, key, label)
                and self.check_operating(row, key, label, institution))


class VisitsKind(WorkKind):
    name, label, model = "visits", "走访记录", Visit
    columns = (
        Column("instructor", "指导员编号", required=True),
        Column("credit_code", "统一社会信用代码", required=True, parse=parse_credit_code),
        Column("date", "走访日期", required=True, parse=parse_date),
        Column("lesson", "上党课", parse=parse_bool),
        Column("policy", "讲政策", parse=parse_bool),
        Column("hazard_check", "排隐患", parse=parse_bool),
        Column("ledger", "核台账", parse=parse_bool),
        Column("case_talk", "以案说法", parse=parse_bool),
        Column("notes", "内容摘要"),
    )
    natural_key = ("instructor", "credit_code", "date")
    streamed = True
    columnar = True
    # What an imported visit stores, in the order of the tuples handed to the writer.
    NEW_COLUMNS = ("instructor_id", "institution_id", "date", "lesson", "lesson_topic", "policy",
                   "policy_text", "hazard_check", "hazard_check_text", "ledger", "ledger_text",
                   "case_talk", "case_talk_case", "attendees", "notes", "recorded_by_id",
                   "created_at", "client_id")
    UPDATE_COLUMNS = ("lesson", "lesson_topic", "policy", "policy_text", "hazard_check",
                      "hazard_check_text", "ledger", "ledger_text", "case_talk",
                      "case_talk_case", "notes")

    # Institutions, instructors and assignments found by earlier batches are kept for the
    # next ones (a file lists an institution's visits together, and the same instructors
    # throughout), up to this many institutions, then looked up afresh.
    KEPT_INSTITUTIONS = 50_000

    def load(self, rows):
        self.load_keys({row.values["credit_code"] for row in rows},
                       {row.values["instructor"] for row in rows},
                       [row.values["date"] for row in rows], lambda: rows)

    def load_keys(self, codes: set, numbers: set, days: list, batch_rows) -> None:
        """What the batch refers to, as plain tuples: (id, region id, opened on, closed on)
        per credit code, the id per instructor number, the assignments' periods, the stored
        visits; the model instances only for the rows that fail a check (plan_checked, which
        calls batch_rows() for the rows to load them by), to word the message."""
        self.load_places()
        if not hasattr(self, "known") or len(self.known) > self.KEPT_INSTITUTIONS:
            self.known, self.known_instructors, self.allowed_regions = {}, {}, {}
            self.assignments = defaultdict(list)
            self.driver_days = {}
        found = [(code, (pk, region_id, opened_on, closed_on))
                 for pk, code, region_id, opened_on, closed_on in select_in(
                     Institution, ("pk", "credit_code", "region_id", "opened_on", "closed_on"),
                     "credit_code", codes - self.known.keys())]
        self.known.update(found)
        self.known_instructors.update(select_in(
            Instructor, ("number", "pk"), "number", numbers - self.known_instructors.keys()))
        for instructor_id, institution_id, start, end in select_in(
                Assignment, ("instructor_id", "institution_id", "start", "end"),
                "institution_id", {values[0] for _code, values in found}):
            self.assignments[instructor_id, institution_id].append((start, end))
        self.existing = {
            (visit.instructor_id, visit.institution_id, visit.date): visit
            for visit in self.stored_visits(
                days, {self.known[code][0] for code in codes if code in self.known})
        }
        self.batch_rows = batch_rows
        self.user_id = getattr(self.context.user, "pk", None)

    @staticmethod
    def stored_visits(days: list, institution_ids: set[int]) -> list[Visit]:
        """The stored visits of the batch's institutions, within its dates."""
        days = [day for day in days if day is not None]
        if not institution_ids or not days:
            return []
        if connection.vendor == "postgresql":
            # One index probe per institution on (institution, date), whatever the table's
            # statistics say: during an import they know nothing of the rows just written
            # (or, after autovacuum, count none), and the planner may then read the year's
            # visits of every institution by the (date, institution) index, or hash them
            # all, for each batch. OFFSET 0 keeps the probe a probe (not flattened into a
            # join), and the dates compared as (institution, date) pairs can only be
            # searched in an index that starts with the institution.
            quote = connection.ops.quote_name
            return list(Visit.objects.raw(
                f"SELECT visit.* FROM unnest(%s::bigint[]) AS wanted(id) CROSS JOIN LATERAL "
                f"(SELECT * FROM {quote(Visit._meta.db_table)} WHERE institution_id = wanted.id "
                f"AND (institution_id, date) BETWEEN (wanted.id, %s::date) "
                f"AND (wanted.id, %s::date) OFFSET 0) AS visit",
                [sorted(institution_ids), min(days), max(days)]))
        # No ordering: the model's default one joins the institutions to sort.
        return fetch_in(Visit.objects.order_by().filter(date__gte=min(days), date__lte=max(days)),
                        "institution_id", institution_ids)

    def region_allowed(self, region_id: int) -> bool:
        allowed = self.allowed_regions.get(region_id)
        if allowed is None:
            allowed = self.allowed_regions[region_id] = \
                self.context.region_allowed(self.regions_by_id[region_id])
        return allowed

    def plan(self, row: Row) -> list[Planned]:
        # The checks of plan_checked, spelled out on tuples for the rows that pass them all
        # (nearly every row); a row that fails one is planned by plan_checked, which words
        # the messages in the same order.
        parsed = row.values
        institution = self.known.get(parsed["credit_code"])
        instructor_id = self.known_instructors.get(parsed["instructor"])
        if institution is None or instructor_id is None:
            return self.plan_checked(row)
        institution_id, region_id, opened_on, closed_on = institution
        day = parsed["date"]
        if not (self.region_allowed(region_id) and day <= self.context.today
                and opened_on <= day and (closed_on is None or day <= closed_on)
                and any(start <= day and (end is None or day <= end)
                        for start, end in self.assignments.get(
                            (instructor_id, institution_id), ()))):
            return self.plan_checked(row)
        visit = self.existing.get((instructor_id, institution_id, day)) \
            if self.existing else None
        if visit is None:
            # A new visit is a plain tuple: no model instance for each of 250,000 rows. Its
            # item texts are empty, as a new Visit's are.
            return [Planned(row, NewRecord((
                instructor_id, institution_id, day,
                bool(parsed["lesson"]), "", bool(parsed["policy"]), "",
                bool(parsed["hazard_check"]), "", bool(parsed["ledger"]), "",
                bool(parsed["case_talk"]), "", None, parsed["notes"], self.user_id)))]
        return self.plan_change(row, visit)

    def plan_columns(self, numbers, columns, row_at):
        """plan() for a whole batch of good cells, from its columns: a new visit is the
        tuple insert_with_history takes (dates as the driver takes them, created_at the
        batch's time), no Row, Planned or instance for it; any other row is made a Row and
        planned by plan_checked (a refusal) or plan_change (a stored visit)."""
        codes, instructors, days = columns["credit_code"], columns["instructor"], \
            columns["date"]
        self.load_keys(set(codes), set(instructors), days,
                       lambda: [{"credit_code": code, "instructor": number}
                                for code, number in zip(codes, instructors, strict=True)])
        self.batch_now = timezone.now()
        stamp = connection.ops.adapt_datetimefield_value(self.batch_now)
        known, known_instructors = self.known.get, self.known_instructors.get
        assignments, existing, allowed = self.assignments, self.existing, self.allowed_regions
        today, user_id, driver_days = self.context.today, self.user_id, self.driver_days
        new, planned = [], []
        for position, (code, number, day, lesson, policy, hazard_check, ledger, case_talk,
                       notes) in enumerate(zip(
                codes, instructors, days, columns["lesson"], columns["policy"],
                columns["hazard_check"], columns["ledger"], columns["case_talk"],
                columns["notes"], strict=True)):
            # The checks of plan(); a row failing any of them is worded by plan_checked.
            # parse_bool gives True, False or (an absent column) None: `is True` is bool().
            institution = known(code)
            instructor_id = known_instructors(number)
            if institution is not None and instructor_id is not None:
                institution_id, region_id, opened_on, closed_on = institution
                if opened_on <= day <= today and (closed_on is None or day <= closed_on) and \
                        (allowed.get(region_id) or self.region_allowed(region_id)):
                    for start, end in assignments.get((instructor_id, institution_id), ()):
                        if start <= day and (end is None or day <= end):
                            break
                    else:
                        start = None
                    if start is not None:
                        visit = existing.get((instructor_id, institution_id, day)) \
                            if existing else None
                        if visit is not None:
                            planned.extend(self.plan_change(row_at(position), visit))
                            continue
                        driver_day = driver_days.get(day)
                        if driver_day is None:
                            driver_day = driver_days[day] = \
                                connection.ops.adapt_datefield_value(day)
                        new.append((instructor_id, institution_id, driver_day, lesson is True,
                                    "", policy is True, "", hazard_check is True, "",
                                    ledger is True, "", case_talk is True, "", None, notes,
                                    user_id, stamp, None))
                        continue
            for item in self.plan_checked(row_at(position)):
                if item.is_new:
                    values = item.instance.values
                    new.append((*values[:2], connection.ops.adapt_datefield_value(values[2]),
                                *values[3:], stamp, None))
                else:
                    planned.append(item)
        return new, planned

    def write_columns(self, new, planned):
        now, user = self.batch_now, self.context.user
        update_with_history(
            Visit, self.UPDATE_COLUMNS,
            [(*(getattr(item.instance, name) for name in self.UPDATE_COLUMNS), item.instance.pk)
             for item in planned if item.changed], user, now)
        insert_with_history(Visit, self.NEW_COLUMNS, new, user, now, adapted=True)

    def plan_checked(self, row: Row) -> list[Planned]:
        """The row checked with the model instances, each failed check worded on the row."""
        if self.batch_rows is not None:
            # The batch's institutions and instructors as records, once for all its rows.
            rows = self.batch_rows()
            self.load_institutions(rows)
            self.load_instructors(rows)
            self.batch_rows = None
        institution = self.institution_of(row)
        instructor = self.instructor_of(row)
        if institution is None or instructor is None:
            return []
        if not self.check_day(row, "date", "走访日期", institution):
            return []
        if not self.check_assigned(row, instructor, institution):
            return []
        visit = self.existing.get((instructor.pk, institution.pk, row["date"]))
        if visit is None:
            return [Planned(row, NewRecord((
                instructor.pk, institution.pk, row["date"],
                bool(row["lesson"]), "", bool(row["policy"]), "",
                bool(row["hazard_check"]), "", bool(row["ledger"]), "",
                bool(row["case_talk"]), "", None, row["notes"], self.user_id)))]
        return self.plan_change(row, visit)

    def plan_change(self, row: Row, visit: Visit) -> list[Planned]:
        values = {"notes": row["notes"]}
        # An item not done keeps no text describing it, as visit_update ensures.
        for item, text_field in ITEM_TEXTS.items():
            values[item] = bool(row[item])
            if not values[item]:
                values[text_field] = ""
        return [Planned(row, visit, assign(visit, values))]

    def write(self, planned):
        now = timezone.now()
        user = self.context.user
        update_with_history(
            Visit, self.UPDATE_COLUMNS,
            [(*(getattr(item.instance, name) for name in self.UPDATE_COLUMNS), item.instance.pk)
             for item in planned if not item.is_new and item.changed], user, now)
        # created_at is what auto_now_add would give; client_id is only for the phone. The
        # dates go in as the driver takes them, each distinct day adapted once.
        ops = connection.ops
        stamp = ops.adapt_datetimefield_value(now)
        days = self.driver_days
        rows = []
        for item in planned:
            if item.instance.pk is None:
                values = item.instance.values
                day = days.get(values[2])
                if day is None:
                    day = days[values[2]] = ops.adapt_datefield_value(values[2])
                rows.append((*values[:2], day, *values[3:], stamp, None))
        insert_with_history(Visit, self.NEW_COLUMNS, rows, user, now, adapted=True)

    def check_assigned(self, row: Row, instructor: Instructor, institution: Institution) -> bool:
        """A visit is by an instructor holding an assignment to the institution that day."""
        day = row["date"]
        periods = self.assignments.get((instructor.pk, institution.pk), [])
        if any(start <= day and (end is None or day <= end) for start, end in periods):
            return True
        periods = sorted(periods)
        known = ("其派驻期间为 " + "、".join(span(start, end) for start, end in periods)
                 if periods else "该指导员从未派驻到该机构")
        row.error("date", f"指导员{instructor.name}（{instructor.number}）在 {fmt(day)} "
                          f"没有派驻到机构“{institution.name}”，不能录入走访；{known}")
        return False


HAZARD_CATEGORY = choice_parser(Hazard.Category.choices, "类别")
HAZARD_SEVERITY = choice_parser(Hazard.Severity.choices, "等级")


class HazardsKind(WorkKind):
    name, label, model = "hazards", "隐患", Hazard
    columns = (
        Column("credit_code", "统一社会信用代码", required=True, parse=parse_credit_code),
        Column("found_on", "发现日期", required=True, parse=parse_date),
        Column("category", "类别", required=True, parse=HAZARD_CATEGORY),
        Column("severity", "等级", required=True, parse=HAZARD_SEVERITY),
        Column("description", "描述", required=True, parse=limited(Hazard, "description")),
        Column("deadline", "整改期限", required=True, parse=parse_date),
        Column("rectified_on", "整改完成日期", parse=parse_date),
        Column("instructor", "指导员编号"),
    )
    natural_key = ("credit_code", "found_on", "description")

    def load(self, rows):
        self.load_institutions(rows)
        self.load_instructors(rows)
        self.existing = {
            (hazard.institution_id, hazard.found_on, hazard.description): hazard
            for hazard in self.existing_for(Hazard.objects.all(), rows, "found_on")
        }

    def plan(self, row: Row) -> list[Planned]:
        institution = self.institution_of(row)
        instructor = self.instructor_of(row) if row["instructor"] else None
        found_on, deadline, rectified_on = row["found_on"], row["deadline"], row["rectified_on"]
        ok = institution is not None and (instructor is not None or not row["instructor"])
        if institution is not None:
            ok &= self.check_day(row, "found_on", "发现日期", institution)
        if deadline < found_on:
            row.error("deadline", f"整改期限 {fmt(deadline)} 不能早于发现日期 {fmt(found_on)}")
            ok = False
        if rectified_on is not None:
            if rectified_on < found_on:
                row.error("rectified_on", f"整改完成日期 {fmt(rectified_on)} "
                                          f"不能早于发现日期 {fmt(found_on)}")
                ok = False
            ok &= self.check_not_future(row, "rectified_on", "整改完成日期")
        if not ok:
            return []
        hazard = self.existing.get((institution.pk, found_on, row["description"]))
        if hazard is None:
            hazard = Hazard(institution=institution, found_on=found_on,
                            description=row["description"], recorded_by=self.context.user)
        elif hazard.closed_out_on is not None and hazard.rectified_on != rectified_on:
            row.error("rectified_on", f"该隐患已于 {fmt(hazard.closed_out_on)} 销号，"
                                      "不能再修改整改完成日期")
            return []
        values = {"category": row["category"], "severity": row["severity"],
                  "deadline": deadline, "rectified_on": rectified_on}
        # An empty column keeps who found a stored hazard rather than erasing it.
        if instructor is not None or hazard.pk is None:
            values["instructor"] = instructor
        return [Planned(row, hazard, assign(hazard, values))]


class CluesKind(WorkKind):
    name, label, model = "clues", "违规线索", Clue
    columns = (
        Column("credit_code", "统一社会信用代码", required=True, parse=parse_credit_code),
        Column("date", "日期", required=True, parse=parse_date),
        Column("description", "描述", required=True, parse=limited(Clue, "description")),
        Column("substantiated", "是否查实", parse=parse_bool),
        Column("enforcement", "参与执法", parse=parse_bool),
        Column("instructor", "指导员编号"),
    )
    natural_key = ("credit_code", "date", "description")

    def load(self, rows):
        self.load_institutions(rows)
        self.load_instructors(rows)
        self.existing = {
            (clue.institution_id, clue.date, clue.description): clue
            for clue in self.existing_for(Clue.objects.all(), rows, "date")
        }

    def plan(self, row: Row) -> list[Planned]:
        institution = self.institution_of(row)
        instructor = self.instructor_of(row) if row["instructor"] else None
        ok = institution is not None and (instructor is not None or not row["instructor"])
        if institution is not None:
            ok &= self.check_day(row, "date", "日期", institution)
        if not ok:
            return []
        clue = self.existing.get((institution.pk, row["date"], row["description"]))
        if clue is None:
            clue = Clue(institution=institution, date=row["date"],
                        description=row["description"], recorded_by=self.context.user)
        values = {"substantiated": bool(row["substantiated"]),
                  "enforcement": bool(row["enforcement"])}
        if instructor is not None or clue.pk is None:
            values["instructor"] = instructor
        return [Planned(row, clue, assign(clue, values))]


ACTIVITY_KIND = choice_parser(Activity.Kind.choices, "类型")


class ActivitiesKind(WorkKind):
    name, label, model = "activities", "党建活动", Activity
    columns = (
        Column("branch", "支部名称", required=True),
        Column("date", "日期", required=True, parse=parse_date),
        Column("kind", "类型", required=True, parse=ACTIVITY_KIND),
        Column("title", "主题", required=True, parse=limited(Activity, "title")),
        Column("attendees", "参加人数", parse=parse_int),
        Column("school_branch", "结对学校支部"),
    )
    natural_key = ("branch", "date", "title")

    def load(self, rows):
        self.load_branches(rows)
        ids = {branch.pk for branch in self.branches.values()}
        self.pairings = defaultdict(list)
        for pairing in fetch_in(Pairing.objects.select_related("school_branch"), "branch_id", ids):
            self.pairings[pairing.branch_id].append(pairing)
        self.existing = {
            (activity.branch_id, activity.date, activity.title): activity
            for activity in fetch_in(Activity.objects.filter(**date_bounds(rows, "date")),
                                     "branch_id", ids)
        }

    def plan(self, row: Row) -> list[Planned]:
        branch = self.branch_of(row)
        if branch is None:
            return []
        day = row["date"]
        ok = self.check_not_future(row, "date", "活动日期")
        if ok and not branch.is_active_on(day):
            dissolved = fmt(branch.dissolved_on) if branch.dissolved_on else "未撤销"
            row.error("date", f"支部“{branch.name}”在 {fmt(day)} 不存续（成立于 "
                              f"{fmt(branch.founded_on)}，撤销于 {dissolved}），不能记录该日的活动")
            ok = False
        school_branch = self.school_branch_of(row, branch) if ok else None
        if not ok or row.failed:
            return []
        activity = self.existing.get((branch.pk, day, row["title"]))
        if activity is None:
            activity = Activity(branch=branch, date=day, title=row["title"],
                                recorded_by=self.context.user)
        changed = assign(activity, {"kind": row["kind"], "attendees": row["attendees"],
                                    "school_branch": school_branch})
        return [Planned(row, activity, changed)]

    def school_branch_of(self, row: Row, branch: Branch):
        """A pairing activity's school branch: one paired with the branch on the day."""
        name, day = row["school_branch"], row["date"]
        if row["kind"] != Activity.Kind.PAIRING:
            if name:
                row.error("school_branch", "只有结对共建活动才填写结对学校支部")
            return None
        if not name:
            row.error("school_branch", "结对共建活动须填写结对学校支部")
            return None
        paired = {pairing.school_branch for pairing in self.pairings.get(branch.pk, [])
                  if pairing.holds_on(day)}
        # The name alone usually suffices; "学校 支部" tells apart two schools' 第一党支部.
        matches = [school_branch for school_branch in paired
                   if name in (school_branch.name, f"{school_branch.school} {school_branch.name}",
                               f"{school_branch.school}{school_branch.name}")]
        if len(matches) == 1:
            return matches[0]
        if matches:
            row.error("school_branch", f"有多个名为“{name}”的学校支部与“{branch.name}”结对，"
                                       "请写成“学校 支部名称”")
            return None
        holding = "、".join(sorted(str(school_branch) for school_branch in paired))
        known = (f"当日与其结对的学校支部为：{holding}" if holding
                 else "当日该支部没有结对的学校支部")
        row.error("school_branch", f"“{name}”在 {fmt(day)} 未与“{branch.name}”结对，"
                                   f"不能记为结对共建活动；{known}")
        return None


class PointsKind(WorkKind):
    name, label, model = "points", "红名单积分", PointEntry
    columns = (
        Column("credit_code", "统一社会信用代码", required=True, parse=parse_credit_code),
        Column("date", "日期", required=True, parse=parse_date),
        Column("points", "分值", required=True, parse=parse_points),
        Column("reason", "事由", required=True, parse=limited(PointEntry, "reason")),
    )
    natural_key = ("credit_code", "date", "reason")

    def load(self, rows):
        self.load_institutions(rows)
        self.existing = {
            (entry.institution_id, entry.date, entry.reason): entry
            for entry in self.existing_for(PointEntry.objects.all(), rows, "date")
        }

    def plan(self, row: Row) -> list[Planned]:
        institution = self.institution_of(row)
        points = row["points"]
        ok = institution is not None
        if points == 0:
            row.error("points", "分值不能为0：加分填正数，扣分填负数")
            ok = False
        if institution is not None:
            ok &= self.check_day(row, "date", "日期", institution)
        if not ok:
            return []
        entry = self.existing.get((institution.pk, row["date"], row["reason"]))
        if entry is None:
            entry = PointEntry(institution=institution, date=row["date"], points=points,
                               reason=row["reason"], created_by=self.context.user)
            return [Planned(row, entry)]
        if entry.points != points:
            # The ledger is append-only (points/models.py): a stored entry is never rewritten.
            row.error("points", "积分记录不能修改：请另起一行录入更正记录（该机构 "
                                f"{fmt(entry.date)}“{entry.reason}”已记 {entry.points:+} 分，"
                                f"文件中为 {points:+} 分）")
            return []
        return [Planned(row, entry)]

    def write(self, planned):
        PointEntry.objects.bulk_create([item.instance for item in planned if item.is_new],
                                       batch_size=BATCH_SIZE)
