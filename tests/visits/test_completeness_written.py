"""The grid writes its links and selects in Python: the same text as Django's own."""

from datetime import date

import pytest
from django import forms
from django.template import Context, Template
from django.test import RequestFactory

from partybuild.core.forms import FastSelect, FastTextInput
from partybuild.visits.forms_completeness import CompletenessFilterForm
from partybuild.visits.templatetags.completeness_tags import query_string

QUERIES = ["", "year=2025&month=5", "page=3&year=2025", "instructor=Z%261&page=2&state=",
           "region=7&region=8&a+b=c+d", "name=%E8%B5%AB%E5%B1%B1&page=", "print=1"]
CHANGES = [{}, {"page": None}, {"page": 4}, {"_export": "xlsx", "page": None},
           {"state": None, "page": None}, {"state": "not_visited", "page": None},
           {"region": 12, "page": None}, {"region": [1, 2]}, {"instructor": "王 <i>&"},
           {"missing": None}]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("changes", CHANGES)
def test_query_string_writes_what_the_querystring_tag_writes(query, changes):
    request = RequestFactory().get(f"/visits/completeness/?{query}")
    names = list(changes)
    tag = Template("{% querystring " + " ".join(f"{name}=v{n}" for n, name in enumerate(names))
                   + " %}")
    context = Context({f"v{n}": changes[name] for n, name in enumerate(names)}, autoescape=False)
    context.request = request
    assert query_string(request.GET, **changes) == tag.render(context)


SELECTS = [
    ([("", "全部"), (2025, "2025"), (2024, "2024")], "2024", {"id": "id_year"}),
    ([("", "全部"), ("a&b", "<i>A</i>"), ("c", "C")], "", {"id": "id_x", "aria-invalid": "true"}),
    ([(1, "一"), (1, "又一"), (None, "空")], 1, None),
    ([("x", "X")], None, {"required": True, "data-note": 'say "hi"'}),
]


@pytest.mark.parametrize(("choices", "value", "attrs"), SELECTS)
def test_the_grid_select_writes_what_django_select_writes(choices, value, attrs):
    assert (FastSelect(choices=choices).render("f", value, attrs)
            == forms.Select(choices=choices).render("f", value, attrs))


def test_the_region_select_reads_its_options_in_one_query(alice, county_a,
                                                          django_assert_num_queries):
    form = CompletenessFilterForm({}, user=alice, day=date(2025, 5, 21))
    form.grid_filters()
    with django_assert_num_queries(1):
        html = str(form["region"])
    assert f'<option value="{county_a.pk}">{county_a.name}</option>' in html


@pytest.mark.parametrize("value", [None, "", "周", 'a"<b>&', 7])
def test_the_grid_text_input_writes_what_text_input_writes(value):
    attrs = {"id": "id_instructor", "maxlength": "60", "aria-invalid": "true"}
    assert (FastTextInput().render("instructor", value, attrs)
            == forms.TextInput().render("instructor", value, attrs))
