"""FastSelect draws a list page's filter selects exactly as Django's own templates do."""

from django import forms
from django.test import RequestFactory

from partybuild.core.forms import FastSelect, draw_selects_fast
from partybuild.organisation.filters import BranchFilter, InstitutionFilter, MemberFilter
from partybuild.scoring.filters import ScoreFilter
from tests.factories import RegionFactory

HOSTILE = "<script>alert('x')</script> & \"区\""


def stock_and_fast(form_of, data):
    """Each select field's HTML drawn by Django's Select and by FastSelect."""
    slow_form, fast_form = form_of(data), form_of(data)
    draw_selects_fast(fast_form)
    pairs = []
    for name, field in fast_form.fields.items():
        if isinstance(field.widget, forms.Select):
            assert type(field.widget) is FastSelect, name
            assert type(slow_form.fields[name].widget) is forms.Select
            pairs.append((str(slow_form[name]), str(fast_form[name])))
    return pairs


def test_filter_selects_equal_djangos_with_hostile_names_and_a_selection(county_a, alice):
    hostile = RegionFactory(code="430999", name=HOSTILE, level="town", parent=county_a)
    request = RequestFactory().get("/")
    request.user = alice
    for filterset_class, data in [
        (InstitutionFilter, {"region": str(hostile.pk), "status": "open", "category": "arts"}),
        (InstitutionFilter, {}),
        (ScoreFilter, {"region": str(county_a.pk), "grade": "优秀", "red_list": "yes"}),
        (BranchFilter, {"active": "no"}),
        (MemberFilter, {"status": "bogus<"}),
    ]:
        def form_of(data, filterset_class=filterset_class):
            return filterset_class(data, request=request).form

        pairs = stock_and_fast(form_of, data)
        assert pairs, filterset_class.__name__
        for slow, fast in pairs:
            assert fast == slow
    # The hostile name is escaped, and the selected region marked.
    slow, fast = stock_and_fast(
        lambda data: InstitutionFilter(data, request=request).form, {"region": str(hostile.pk)})[0]
    assert "&lt;script&gt;" in fast and "<script>" not in fast
    assert f'value="{hostile.pk}" selected' in fast


def test_optgroups_and_boolean_attributes_match():
    choices = [("", "全部"), ("组<一>", [("a", "甲"), ("b", "乙&")]), (3, 3)]

    class Form(forms.Form):
        pick = forms.ChoiceField(choices=choices, widget=forms.Select(
            attrs={"disabled": True, "hidden": False, "data-x": "1\"2"}))

    slow, fast = Form({"pick": "b"}), Form({"pick": "b"})
    draw_selects_fast(fast)
    assert str(fast["pick"]) == str(slow["pick"])


def test_filter_fields_drawn_in_python_equal_the_list_templates_loop(county_a, alice):
    """core.forms.draw_fields (with FastTextInput) gives what list_page.html's loop over the
    filter form gave: labels, inputs with hostile values, selects and errors."""
    from django.template import Context, Template

    from partybuild.core.forms import FastTextInput, draw_fields

    loop = Template(
        "{% for field in form %}\n  <div>\n    <label for=\"{{ field.id_for_label }}\">"
        "{{ field.label }}</label>\n    {{ field }}\n    {% if field.errors %}<div class=\"error\">"
        "{{ field.errors|join:\" \" }}</div>{% endif %}\n  </div>\n  {% endfor %}")
    request = RequestFactory().get("/")
    request.user = alice
    for filterset_class, data in [
        (InstitutionFilter, {"q": HOSTILE, "not_visited_month": "2025-13<",
                             "category": "bogus<"}),
        (InstitutionFilter, {}),
        (ScoreFilter, {"q": "  甲 ", "grade": "nope", "region": "x"}),
        (MemberFilter, {"q": HOSTILE, "status": "bogus<"}),
    ]:
        slow = filterset_class(data, request=request).form
        fast = filterset_class(data, request=request).form
        draw_selects_fast(fast)
        assert type(fast.fields["q"].widget) is FastTextInput
        expected = loop.render(Context({"form": slow}))
        assert draw_fields(fast) == expected, filterset_class.__name__
        assert "<script>" not in expected
