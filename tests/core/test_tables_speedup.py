"""The signature cache keeps django-tables2's render methods getting the arguments they ask for."""

import django_tables2 as tables
from django_tables2 import utils

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

