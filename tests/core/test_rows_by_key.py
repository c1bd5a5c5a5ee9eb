"""The institution and score lists read their page's rows as plain values (core.table_rows
rows_by_key) with SQL compiled once: the drawn rows must be exactly those drawn from the
model instances of the table's own queryset, on every page, sort and language."""

import pytest
from django.utils import translation

from partybuild.core.table_rows import fast_body_rows, fetch_page_in_two_steps
from partybuild.organisation.selectors import institution_list, institution_rows, today_or
from partybuild.organisation.tables import InstitutionTable
from partybuild.scoring.selectors import score_list, score_rows
from partybuild.scoring.tables import ScoreTable
from tests.perf.test_fast_table_rows import hostile_county
from tests.perf.test_page_queries import YEAR


def drawn(table, page, read_rows=None) -> str:
    table.paginate(page=page, per_page=20)
    fetch_page_in_two_steps(table, read_rows=read_rows)
    return fast_body_rows(table)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rows_read_as_values_draw_the_same_as_model_instances(
        county_a, committee_a, alice, language):
    hostile_county(county_a, committee_a, alice)
    day = today_or(None)
    calls = []
    with translation.override(language):
        for order_by in (None, "name", "-region", "status_today", "-total", "grade"):
            for page in (1, 2, 3):
                pairs = [
                    (InstitutionTable(institution_list(user=alice), user=alice,
                                      order_by=order_by if order_by != "-total" else None),
                     lambda keys: institution_rows(keys, day=day)),
                    (ScoreTable(score_list(user=alice, year=YEAR), user=alice,
                                order_by=order_by if order_by != "status_today" else None),
                     lambda keys: score_rows(keys, YEAR)),
                ]
                for table, read_rows in pairs:
                    slow = drawn(type(table)(table.data.data, user=alice), page)
                    fast = drawn(table, page, lambda keys, read=read_rows: (
                        calls.append(len(keys)) or read(keys)))
                    assert fast == slow, (type(table).__name__, order_by, page)
                    assert fast.count("<tr") == calls[-1] >= 1
    # Every page was read through the plain rows (20 keys a full page).
    assert len(calls) == 6 * 3 * 2 and calls.count(20) >= 6 * 2 * 2


def test_rows_read_as_values_read_as_the_model_instances_attributes(county_a, committee_a, alice):
    """A read row's attributes are the model instance's (tests and templates read
    row.record.name, row.record.institution.region.name), with Django's converters run."""
    from operator import attrgetter

    hostile_county(county_a, committee_a, alice)
    day = today_or(None)
    for queryset, read, fields in [
        (institution_list(user=alice, day=day), lambda keys: institution_rows(keys, day=day),
         InstitutionTable.row_values),
        (score_list(user=alice, year=YEAR), lambda keys: score_rows(keys, YEAR),
         ScoreTable.row_values),
    ]:
        instances = {record.pk: record for record in queryset}
        rows = read(list(instances))
        assert len(rows) == len(instances) >= 30
        paths = [field.replace("__", ".") for field in fields]
        for row in rows:
            for path in paths:
                value, expected = attrgetter(path)(row), attrgetter(path)(instances[row.pk])
                assert (type(value), value) == (type(expected), expected), path
        with pytest.raises(AttributeError):
            rows[0].no_such_field  # noqa: B018


def test_a_table_drawn_django_tables2s_way_reads_model_instances(county_a, committee_a, alice):
    """Rows read as values are drawn by fast_body_rows only: a table it cannot draw (here with
    row attributes) reads its page through the queryset, as model instances."""
    from django.template import Context

    from partybuild.core.table_rows import body_rows_html
    from partybuild.core.templatetags.fast_tables import generic_body_rows

    hostile_county(county_a, committee_a, alice)
    calls = []
    table = ScoreTable(score_list(user=alice, year=YEAR), user=alice,
                       row_attrs={"data-id": lambda record: record.pk})
    table.paginate(page=1, per_page=20)
    fetch_page_in_two_steps(table, read_rows=lambda keys: calls.append(keys) or [])
    assert calls == []
    assert fast_body_rows(table) is None
    slow = ScoreTable(score_list(user=alice, year=YEAR), user=alice,
                      row_attrs={"data-id": lambda record: record.pk})
    slow.paginate(page=1, per_page=20)
    drawn = body_rows_html(table)
    assert drawn == generic_body_rows(slow, Context(autoescape=True))
    assert drawn.count('data-id="') == 20
