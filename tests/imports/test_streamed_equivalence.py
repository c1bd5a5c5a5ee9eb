"""The streamed, set-based visits import stores exactly what the row-by-row import stored.

The reference is the visits import as it was before it went set-based (its load and plan
are copied below): the whole file at once, a Visit instance per row, written by
simple_history's bulk writer (engine.write_planned). Both run the same realistic files, a
first import and a second one that changes, adds and repeats visits, by nobody (the command
line) and by a city administrator, in small batches so that the files span many of them;
the visits, their history rows (who, type, reason, values) and the refusals must be the
same. Runs on SQLite and PostgreSQL.
"""

from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partybuild.imports import engine
from partybuild.imports.engine import Planned, Row, assign, run_import
from partybuild.imports.kinds.structure.common import fetch_in
from partybuild.imports.kinds.work import VisitsKind
from partybuild.instructors.models import Assignment
from partybuild.visits.models import Visit
from partybuild.visits.services import ITEM_TEXTS
from tests.factories import AssignmentFactory, InstitutionFactory, InstructorFactory

from .conftest import csv_bytes

TODAY = date(2024, 6, 30)
HEADER = ["指导员编号", "统一社会信用代码", "走访日期", "上党课", "讲政策", "排隐患", "核台账",
          "以案说法", "内容摘要"]
# The ways people write yes and no, and dates, in the files the offices send.
YES_NO = ("是", "√", "", "1", "否", "Y", "n", "true")
DAY_FORMATS = ("{:%Y-%m-%d}", "{:%Y/%m/%d}", "{:%Y.%m.%d}", "{:%Y年%m月%d日}")


class RowByRowVisitsKind(VisitsKind):
    """The visits import before it went set-based (load and plan as they were then)."""

    streamed = False

    def load(self, rows):
        self.load_institutions(rows)
        self.load_instructors(rows)
        ids = {institution.pk for institution in self.institutions.values()}
        self.assignments = defaultdict(list)
        for assignment in fetch_in(Assignment.objects.all(), "institution_id", ids):
            self.assignments[assignment.instructor_id, assignment.institution_id].append(
                (assignment.start, assignment.end))
        self.existing = {
            (visit.instructor_id, visit.institution_id, visit.date): visit
            for visit in self.existing_for(Visit.objects.all(), rows, "date")
        }

    def plan(self, row: Row) -> list[Planned]:
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
            visit = Visit(instructor=instructor, institution=institution, date=row["date"],
                          recorded_by=self.context.user)
        values = {"notes": row["notes"]}
        for item, text_field in ITEM_TEXTS.items():
            values[item] = bool(row[item])
            if not values[item]:
                values[text_field] = ""
        return [Planned(row, visit, assign(visit, values))]

    def write(self, planned):
        engine.write_planned(Visit, planned, self.context.user)


@pytest.fixture
def offices(county_a, county_b):
    """Six institutions in two counties, four instructors, assignments that end and start."""
    institutions = [InstitutionFactory(name=f"启航培训学校{n}",
                                       region=county_a if n % 3 else county_b,
                                       opened_on=date(2020, 1, 1) + timedelta(days=40 * n))
                    for n in range(6)]
    instructors = [InstructorFactory(number=f"ZDY{n:03d}", name=f"指导员{n}") for n in range(4)]
    for n, institution in enumerate(institutions):
        AssignmentFactory(instructor=instructors[n % 4], institution=institution,
                          start=institution.opened_on, end=date(2023, 6, 30))
        AssignmentFactory(instructor=instructors[(n + 1) % 4], institution=institution,
                          start=date(2023, 7, 1))
    return institutions, instructors


def visit_rows(offices, first: int, count: int, notes: str) -> list[list]:
    """`count` visits, each institution in turn visited by whoever was assigned that day."""
    institutions, instructors = offices
    result = []
    for n in range(first, first + count):
        institution = institutions[n % len(institutions)]
        day = institution.opened_on + timedelta(days=n // len(institutions) * 3 + n % 2)
        index = institutions.index(institution)
        instructor = instructors[index % 4] if day <= date(2023, 6, 30) \
            else instructors[(index + 1) % 4]
        result.append([instructor.number, institution.credit_code,
                       DAY_FORMATS[n % 4].format(day),
                       *(YES_NO[(n * 3 + item) % len(YES_NO)] for item in range(5)),
                       f"{notes}{n}" if n % 7 else ""])
    return result


def files(offices) -> list[list[list]]:
    """A first file, then one that changes some visits, repeats others and adds more."""
    first = visit_rows(offices, 0, 260, "讲授党章")
    second = visit_rows(offices, 130, 260, "复查台账")
    return [first, second]


def state() -> tuple[list, list]:
    """The stored visits and their history rows, keyed by the visit's natural key."""
    keys = {visit.pk: (visit.instructor.number, visit.institution.credit_code, visit.date)
            for visit in Visit.objects.select_related("instructor", "institution")}
    visits = sorted(({**{name: value for name, value in record.items()
                         if name not in ("id", "created_at")}, "key": keys[record["id"]]}
                     for record in Visit.objects.values()), key=lambda record: record["key"])
    history = sorted(({**{name: value for name, value in record.items()
                          if name not in ("id", "created_at", "history_id", "history_date")},
                       "key": keys[record["id"]]}
                      for record in Visit.history.order_by("history_id").values()),
                     key=lambda record: record["key"])
    return visits, history


def run(kind, data: bytes, user):
    started = timezone.now()
    result = run_import(kind, data, "visits.csv", user=user, today=TODAY)
    finished = timezone.now()
    dates = list(Visit.history.filter(history_date__gte=started).values_list("history_date",
                                                                           flat=True))
    assert all(started <= stamp <= finished for stamp in dates)
    return result


def import_both_ways(offices, users, contents) -> dict:
    """Each path imports the files in turn (rolled back between paths); what each stored."""
    outcomes = {}
    for kind in (RowByRowVisitsKind, VisitsKind):
        with transaction.atomic():
            results = [run(kind, csv_bytes([HEADER, *content]), user)
                       for content, user in zip(contents, users, strict=True)]
            outcomes[kind] = ([(result.created, result.updated, result.unchanged,
                                result.error_lines()) for result in results], state())
            transaction.set_rollback(True)
    return outcomes


def test_the_streamed_import_stores_what_the_row_by_row_import_stored(offices, dave,
                                                                     monkeypatch):
    # Batches of 50: the second file's 260 rows span six, and its changes fall in several.
    monkeypatch.setattr(engine, "BATCH_SIZE", 50)
    outcomes = import_both_ways(offices, [None, dave], files(offices))
    reference, streamed = outcomes[RowByRowVisitsKind], outcomes[VisitsKind]

    counts = [outcome[:3] for outcome in streamed[0]]
    assert counts[0][0] == 260 and counts[1][0] == 130 and counts[1][1] > 0
    assert streamed[0] == reference[0]
    visits, history = streamed[1]
    assert visits == reference[1][0]
    assert history == reference[1][1]
    assert {(record["history_type"], record["history_user_id"]) for record in history} == \
        {("+", None), ("+", dave.pk), ("~", dave.pk)}
    assert {record["history_change_reason"] for record in history} == {"导入"}


def test_a_scoped_user_gets_the_same_refusals_and_nothing_stored_either_way(offices, alice,
                                                                            monkeypatch):
    monkeypatch.setattr(engine, "BATCH_SIZE", 50)
    content = visit_rows(offices, 0, 200, "讲授党章")
    # Rows the checks refuse, spread over the batches: an unknown instructor and code, a
    # day before the institution opened, a future day, an instructor not assigned that day,
    # a repeated row; alice may not import the other county's institutions either.
    content[10][0] = "ZDY999"
    content[60][1] = "91430900MA4L000000"
    content[70][2] = "2019-12-31"
    content[120][2] = "2025-01-01"
    content[130][0] = "ZDY003" if content[130][0] != "ZDY003" else "ZDY002"
    content.append(list(content[150]))

    outcomes = import_both_ways(offices, [alice], [content])

    (reference,), (before, _history) = outcomes[RowByRowVisitsKind]
    (streamed,), after = outcomes[VisitsKind]
    assert streamed == reference
    assert streamed[3] and before == [] and after == ([], [])


def test_a_batch_of_visits_takes_the_same_queries_whatever_its_size(offices, dave):
    counts = []
    for size in (50, engine.BATCH_SIZE):
        content = visit_rows(offices, 0, size, "讲授党章")
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            result = run_import(VisitsKind, csv_bytes([HEADER, *content]), "visits.csv",
                                user=dave, today=TODAY)
            transaction.set_rollback(True)
        assert result.ok and result.created == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
