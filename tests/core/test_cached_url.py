"""{% load cached_url %} gives exactly what the built-in {% url %} gives."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse

from partybuild.core.templatetags.cached_url import _static_urls


def both(source: str, **context) -> tuple[str, str]:
    builtin = Template("{% load i18n %}" + source).render(Context(context))
    cached = Template("{% load i18n cached_url %}" + source).render(Context(context))
    return builtin, cached


def test_cached_url_equals_the_builtin_for_each_argument():
    for pk in (1, 2, 1, 2):
        builtin, cached = both("{% url 'instructors:instructor_detail' pk %}", pk=pk)
        assert cached == builtin == reverse("instructors:instructor_detail", args=[pk])
    builtin, cached = both("{% url 'home' %}|{% url 'scoring:score_list' year %}", year=2025)
    assert cached == builtin
    builtin, cached = both("{% url 'scoring:score_list' year as link %}[{{ link }}]", year=2024)
    assert cached == builtin == f"[{reverse('scoring:score_list', args=[2024])}]"


def test_cached_url_still_refuses_an_unknown_name():
    with pytest.raises(NoReverseMatch):
        Template("{% load cached_url %}{% url 'no-such-page' %}").render(Context())
    assert Template("{% load cached_url %}{% url 'no-such-page' as x %}[{{ x }}]").render(
        Context()) == "[]"


def test_cached_static_equals_the_builtin_and_follows_the_settings(settings):
    source = ("{% static 'css/app.css' %}|{% static name %}|{% static 'js/base.js' as js %}"
              "[{{ js }}]|{% static 'a b&c.css' %}")

    def both_static(**context):
        builtin = Template("{% load static %}" + source).render(Context(context))
        cached = Template("{% load static cached_url %}" + source).render(Context(context))
        return builtin, cached

    for name in ("css/print.css", "js/search.js", "css/print.css"):
        builtin, cached = both_static(name=name)
        assert cached == builtin
        assert name in builtin
    assert {"css/app.css", "js/base.js", "css/print.css"} <= set(_static_urls)  # remembered
    settings.STATIC_URL = "/elsewhere/"
    builtin, cached = both_static(name="css/print.css")
    assert cached == builtin and cached.startswith("/elsewhere/")
