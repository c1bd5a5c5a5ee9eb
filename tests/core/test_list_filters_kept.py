"""A list page's filters cost less per view (issue 16) without sharing anything a request
may change: each filter set and form still gets its own filters, fields and widgets, and the
drawn filter fields follow the language, the submitted values and the regions offered."""

import copy

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from partybuild.core.forms import draw_fields, draw_selects_fast
from partybuild.core.views import (
    CopiedLightly,
    drawn_filter_fields,
    keep_form_class,
    use_kept_choices,
)
from partybuild.organisation.filters import InstitutionFilter
from partybuild.organisation.selectors import institution_list, kept_rows
from partybuild.scoring.filters import ScoreFilter
from partybuild.scoring.selectors import score_list
from tests.factories import InstitutionFactory, RegionFactory


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.django_db
@pytest.mark.parametrize("filterset_class", [InstitutionFilter, ScoreFilter])
def test_kept_filter_sets_and_forms_share_nothing_a_view_may_change(filterset_class, alice):
    request = request_of(alice)
    keep_form_class(filterset_class({}, request=request))
    assert type(filterset_class.base_filters) is CopiedLightly
    first = filterset_class({"red_list": "yes", "status": "open"}, request=request)
    second = filterset_class({}, request=request)
    keep_form_class(first)
    keep_form_class(second)
    for name, original in filterset_class.base_filters.items():
        one, other = first.filters[name], second.filters[name]
        assert one is not original and one is not other
        assert one.extra == original.extra and one.extra is not other.extra
        assert one.parent is first and other.parent is second
        if original.method is not None:
            # Each copy's method filter calls its own filter set's method.
            assert one.filter.f is one and other.filter.f is other
    form_one, form_other = first.form, second.form
    assert type(form_one) is type(form_other)
    for name, field in form_one.fields.items():
        twin = form_other.fields[name]
        assert field is not twin and field.widget is not twin.widget
        assert field.widget.attrs is not twin.widget.attrs
        field.widget.attrs["data-changed"] = "1"
        assert "data-changed" not in twin.widget.attrs
        assert field.error_messages is not twin.error_messages
    # The copies draw and filter exactly as filter sets built the stock way (deep copies,
    # a form class built per filter set).
    for data in ({}, {"q": "<b>阳光</b>", "red_list": "no", "status": "closed"},
                 {"region": "not-a-number", "grade": "bogus"}):
        listed = (institution_list(user=alice) if filterset_class is InstitutionFilter
                  else score_list(user=alice, year=2025))
        kept = filterset_class(data, request=request, queryset=listed)
        keep_form_class(kept)
        fresh = filterset_class(data, request=request, queryset=listed)
        fresh.filters = copy.deepcopy(dict(filterset_class.base_filters))
        for f in fresh.filters.values():
            f.model, f.parent = fresh.queryset.model, fresh
        fresh_form = fresh.get_form_class()(data)
        for name, f in fresh.filters.items():
            if hasattr(f, "get_queryset") and f.get_queryset(request) is not None:
                fresh_form.fields[name].queryset = f.get_queryset(request)
        draw_selects_fast(kept.form)
        draw_selects_fast(fresh_form)
        assert draw_fields(kept.form) == draw_fields(fresh_form)
        assert str(kept.qs.query) == str(fresh.qs.query)


@pytest.mark.django_db
def test_drawn_filter_fields_follow_language_values_and_the_regions_offered(
        client, alice, county_a, county_b):
    InstitutionFactory(region=county_a, name="赫山区阳光艺术培训学校")
    client.force_login(alice)
    url = reverse("organisation:institution_list")
    page = client.get(url, {"region": county_a.pk}).content.decode()
    assert "区划（含下级）" in page and f'value="{county_a.pk}" selected' in page
    again = client.get(url, {"region": county_a.pk}).content.decode()
    assert f'value="{county_a.pk}" selected' in again
    english = client.get(url, {"region": county_a.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert "区划（含下级）" not in english.content.decode()
    other_value = client.get(url, {"q": "阳光<"}).content.decode()
    assert 'value="阳光&lt;"' in other_value
    assert f'value="{county_a.pk}" selected' not in other_value
    refused = client.get(url, {"region": "999999"}).content.decode()
    assert 'class="error"' in refused
    # A new town is offered on the next view: the kept rows behind the choices changed.
    town = RegionFactory(code="430903001", name="会龙山街道", level="town", parent=county_a)
    after = client.get(url, {"region": county_a.pk}).content.decode()
    assert f'value="{town.pk}"' in after and "会龙山街道" in after
    # Another scope for the same user: the other district's regions only.
    alice.region = county_b
    alice.save()
    moved = client.get(url).content.decode()
    assert f'value="{county_b.pk}"' in moved and "会龙山街道" not in moved
    assert f'value="{county_a.pk}"' not in moved


@pytest.mark.django_db
def test_drawn_filter_fields_are_draw_fields_and_follow_the_kept_rows(alice, county_a):
    request = request_of(alice)

    def form_of(data):
        filterset = InstitutionFilter(data, request=request)
        keep_form_class(filterset)
        filterset = InstitutionFilter(data, request=request)
        keep_form_class(filterset)
        form = filterset.form
        draw_selects_fast(form)
        for field in form.fields.values():
            use_kept_choices(field, kept_rows)
        return form

    with translation.override("zh-hans"):
        form = form_of({"region": str(county_a.pk), "status": "open"})
        chinese = draw_fields(form)
        assert drawn_filter_fields(form) == chinese
        # Kept: the same drawing for the same values, even from another form.
        assert drawn_filter_fields(form_of({"region": str(county_a.pk), "status": "open"})) \
            == chinese
        changed = form_of({"region": str(county_a.pk), "status": "closed"})
        assert drawn_filter_fields(changed) == draw_fields(changed) != chinese
    with translation.override("en"):
        english = form_of({"region": str(county_a.pk), "status": "open"})
        assert drawn_filter_fields(english) == draw_fields(english) != chinese
    RegionFactory(code="430903002", name="龙光桥街道", level="town", parent=county_a)
    with translation.override("zh-hans"):
        fresh = form_of({"region": str(county_a.pk), "status": "open"})
        assert "龙光桥街道" in drawn_filter_fields(fresh)
