"""The list-page speed-ups draw exactly what django-tables2 would, faster."""

import copy
import re
from collections import OrderedDict
from datetime import date
from decimal import Decimal

import django_tables2 as tables
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.utils.html import format_html
from django_tables2 import utils
from django_tables2.utils import OrderBy

from partybuild.core import tables_speedup


class SchoolTable(tables.Table):
    name = tables.Column()
    staff = tables.Column()

    def render_name(self, value, record):
        return f"{value}（{record['staff']}人）"

    def render_staff(self, value):
        return f"{value}人"


def rendered_cells(table):
    return [[cell for _, cell in row.items()] for row in table.rows]


def test_render_methods_get_their_arguments_and_the_signature_is_read_once(monkeypatch):
    reads = []
    uncached = tables_speedup._uncached_signature

    def counting(fn):
        reads.append(fn)
        return uncached(fn)

    monkeypatch.setattr(tables_speedup, "_uncached_signature", counting)
    monkeypatch.setattr(tables_speedup, "_signatures", {})
    assert utils.signature is tables_speedup.cached_signature

    data = [{"name": f"益阳第{n}培训学校", "staff": n} for n in range(1, 31)]
    table = SchoolTable(data)
    table.paginate(page=1, per_page=30)
    cells = rendered_cells(table)
    assert cells[0] == ["益阳第1培训学校（1人）", "1人"]
    assert cells[29] == ["益阳第30培训学校（30人）", "30人"]
    assert len(reads) == 2  # render_name and render_staff, not once per cell

    again = rendered_cells(SchoolTable(data[:3]))
    assert again[2] == ["益阳第3培训学校（3人）", "3人"]
    assert len(reads) == 2



class LedgerTable(tables.Table):
    """Cells of every kind a list page draws: text, decimals, dates, links, computed attrs."""

    name = tables.Column(linkify=lambda record: f"/schools/{record['pk']}/")
    total = tables.Column()
    points = tables.Column(localize=False)
    opened = tables.Column()
    status = tables.Column(attrs={"td": {"class": "status",
                                         "data-value": lambda record: record["status"]}})

    def render_status(self, value):
        return format_html('<span class="badge">{}</span>', value)


def tbody(html: str) -> str:
    body = re.search(r"<tbody[^>]*>(.*)</tbody>", html, re.S).group(1)
    return re.sub(r">\s+<", "><", body).strip()


def render(table, template_name):
    table.template_name = template_name
    request = RequestFactory().get("/", {"sort": "total"})
    return Template("{% load django_tables2 %}{% render_table table %}").render(
        RequestContext(request, {"table": table}))


def test_the_fast_body_draws_what_django_tables2_draws(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    data = [{"pk": n, "name": f"赫山区第{n}培训学校 <&>", "total": Decimal(f"{n}7.25"),
             "points": Decimal("1234.5"), "opened": date(2021, n, 1),
             "status": "在办" if n % 2 else "停办"} for n in range(1, 8)]
    plain = tbody(render(LedgerTable(data, order_by="total"), "django_tables2/table.html"))
    fast = tbody(render(LedgerTable(data, order_by="total"), "core/_table.html"))
    assert "赫山区第3培训学校 &lt;&amp;&gt;" in fast and 'data-value="停办"' in fast
    assert fast == plain


def test_an_empty_table_shows_its_empty_text():
    table = LedgerTable([], empty_text="没有符合条件的记录")
    assert tbody(render(table, "core/_table.html")) == (
        '<tr><td colspan="5">没有符合条件的记录</td></tr>')


def test_cell_attributes_computed_at_table_level_are_computed_per_cell():
    data = [{"pk": n, "name": f"学校{n}", "total": Decimal(n), "points": Decimal(n),
             "opened": date(2021, 1, n), "status": "在办"} for n in range(1, 4)]
    attrs = {"class": "table", "td": {"data-row": lambda record: record["pk"]}}
    plain = tbody(render(LedgerTable(data, attrs=attrs), "django_tables2/table.html"))
    fast = tbody(render(LedgerTable(data, attrs=attrs), "core/_table.html"))
    assert 'data-row="3"' in fast
    assert fast == plain


def _project_table_classes():
    # Importing the apps' tables modules defines every table class of the project.
    import partybuild.organisation.three_sync_page  # noqa: F401
    from partybuild.activities import tables as _a  # noqa: F401
    from partybuild.instructors import tables as _i  # noqa: F401
    from partybuild.organisation.tables import UserAwareTable
    from partybuild.points import tables as _p  # noqa: F401
    from partybuild.scoring import tables as _s  # noqa: F401
    from partybuild.visits import tables as _v  # noqa: F401

    found, todo = [], [UserAwareTable]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def test_every_project_table_copies_its_columns_one_level_deep():
    classes = _project_table_classes()
    assert len(classes) >= 12
    for cls in classes:
        assert type(vars(cls)["base_columns"]) is tables_speedup.ColumnsCopiedShallow, cls
        copied = copy.deepcopy(cls.base_columns)
        assert type(copied) is OrderedDict and list(copied) == list(cls.base_columns)
        for name, column in cls.base_columns.items():
            # A new column with the same settings, as django-tables2's deep copy gives.
            assert copied[name] is not column and type(copied[name]) is type(column)
            assert vars(copied[name]) == vars(column), (cls, name)


class PlainTable(tables.Table):
    name = tables.Column(attrs={"th": {"class": "wide"}})
    staff = tables.Column()
    checked = tables.CheckBoxColumn()


tables_speedup.copy_columns_shallow(PlainTable)


def test_what_one_table_sets_on_its_columns_no_other_table_sees():
    before = {name: dict(vars(column)) for name, column in PlainTable.base_columns.items()}
    one = PlainTable([{"name": "甲", "staff": 1, "checked": 1}])
    other = PlainTable([{"name": "乙", "staff": 2, "checked": 2}], exclude=("checked",))
    one.columns.hide("staff")
    assert [c.name for c in one.columns] == ["name", "checked"]
    assert [c.name for c in other.columns] == ["name", "staff"]
    assert rendered_cells(other) == [["乙", 2]]
    # BoundColumn gives an accessor-less column its name as accessor: on the table's copy.
    assert one.columns["name"].accessor == "name"
    assert {name: dict(vars(column)) for name, column in PlainTable.base_columns.items()} \
        == before
    assert PlainTable.base_columns["name"].accessor is None
    other.columns.show("staff")
    assert [c.name for c in PlainTable([]).columns] == ["name", "staff", "checked"]
    # extra_columns and sequence change the table's own dict of columns, not the class's.
    extra = tables.Column(verbose_name="附加")
    table = PlainTable([], extra_columns=[("extra", extra), ("staff", None)],
                       sequence=("extra", "..."))
    assert [c.name for c in table.columns] == ["extra", "name", "checked"]
    assert table.columns["extra"].column is extra
    assert list(PlainTable.base_columns) == ["name", "staff", "checked"]


class SelfCopyingColumn(tables.Column):
    copies = 0

    def __deepcopy__(self, memo):
        SelfCopyingColumn.copies += 1
        new = tables.Column.__new__(SelfCopyingColumn)
        new.__dict__.update(copy.deepcopy(vars(self), memo))
        return new


def test_a_column_that_copies_itself_and_a_shared_column_copy_as_deepcopy_does():
    shared = tables.Column()
    columns = tables_speedup.ColumnsCopiedShallow(
        [("a", shared), ("b", shared), ("c", SelfCopyingColumn(attrs={"td": {"x": "1"}}))])
    copied = copy.deepcopy(columns)
    assert copied["a"] is copied["b"] is not shared
    assert SelfCopyingColumn.copies == 1
    assert copied["c"].attrs == {"td": {"x": "1"}}
    assert copied["c"].attrs is not columns["c"].attrs


def test_the_kept_ordering_is_the_one_django_tables2_finds(monkeypatch):
    from django_tables2.data import TableQuerysetData

    from partybuild.core.memo import KeptValues
    from partybuild.organisation.models import Institution
    from partybuild.organisation.tables import InstitutionTable
    from partybuild.scoring.models import Score
    from partybuild.scoring.tables import ScoreTable

    monkeypatch.setattr(tables_speedup, "_orderings", KeptValues(256))
    cases = [
        (ScoreTable, Score.objects.order_by("-total", "institution__credit_code"), {}),
        (ScoreTable, Score.objects.order_by("institution__name_key", "pk"), {}),
        (ScoreTable, Score.objects.order_by("-institution__name_key", "-pk"), {}),
        (ScoreTable, Score.objects.order_by("total"), {"exclude": ("total",)}),
        (ScoreTable, Score.objects.order_by("grade", "-total"), {}),
        (ScoreTable, Score.objects.order_by("pk"), {}),
        (ScoreTable, Score.objects.all(), {}),
        (InstitutionTable, Institution.objects.order_by("name_key", "pk"), {}),
        (InstitutionTable, Institution.objects.order_by("region__code", "-name_key"), {}),
        (InstitutionTable, Institution.objects.order_by("-credit_code"), {}),
    ]
    found = []
    for _ in range(2):  # built, then taken from the memo
        for table_class, queryset, kwargs in cases:
            table = table_class(queryset, **kwargs)
            expected = tables_speedup._uncached_ordering(table.data)
            assert TableQuerysetData.ordering.fget(table.data) == expected
            found.append(expected)
            # Sorted by the page's request: the header's state follows the new order.
            table.order_by = ("-name",)
            assert TableQuerysetData.ordering.fget(table.data) \
                == tables_speedup._uncached_ordering(table.data)
    assert found[0] == (OrderBy("-total"), OrderBy("credit_code"))
    assert found[1] == (OrderBy("name"),) and found[2] == (OrderBy("-name"),)
    assert found[3] is None and found[7] == (OrderBy("name"),)
    assert found[: len(cases)] == found[len(cases):]


def test_tables_built_in_threads_at_once_each_keep_their_own_columns():
    from concurrent.futures import ThreadPoolExecutor

    names = ["name", "staff", "checked"]

    def build(hidden):
        for _ in range(200):
            table = PlainTable([])
            table.columns.hide(hidden)
            shown = [c.name for c in table.columns]
            if shown != [name for name in names if name != hidden]:
                return shown
        return None

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(build, names * 2)) == [None] * 6
    assert all(column.visible for column in PlainTable.base_columns.values())
