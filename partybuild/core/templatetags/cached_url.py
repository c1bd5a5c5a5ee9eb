"""{% url %} with reverse() remembered: the header and the navigation name about thirty
fixed URLs on every page, and reverse() walks the URL patterns for each. And {% static %}
with the static file's URL remembered: every page names eight, each looked up in the
manifest and joined and quoted again.

Load it after the built-in tags (`{% load static cached_url %}`) to replace `url` and
`static` in that template. The answer of reverse() depends only on its arguments, the
current app, the script prefix, the URLconf and the language (translated patterns); all are
in the key. Only arguments of plain types (str, int) are remembered, so a page's own object
links are never mixed up. A static URL depends on the path and the static files' settings:
the remembered ones are forgotten when a setting changes (tests override them).
"""

from django import template
from django.core.signals import setting_changed
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as builtin_url
from django.templatetags.static import StaticNode
from django.templatetags.static import do_static as builtin_static
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()
_urls: dict = {}
# URL names and arguments are fixed by the templates; the bound keeps a pathological
# template (a URL per object id) from growing the memo without end.
MAX_REMEMBERED = 5_000
_PLAIN = (str, int)


class CachedURLNode(URLNode):
    def render(self, context):
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((k, v.resolve(context)) for k, v in self.kwargs.items()))
        if not all(type(value) in _PLAIN for value in args + tuple(v for _k, v in kwargs)):
            return super().render(context)
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        key = (view_name, args, kwargs, current_app, get_script_prefix(), get_urlconf(),
               get_language())
        url = _urls.get(key)
        if url is None:
            try:
                url = reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)
            except NoReverseMatch:
                if self.asvar is None:
                    raise
                url = ""
            else:
                if len(_urls) < MAX_REMEMBERED:
                    _urls[key] = url
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = builtin_url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)


_static_urls: dict = {}
_STATIC_SETTINGS = frozenset({"STORAGES", "STATIC_URL", "STATIC_ROOT", "DEBUG",
                              "INSTALLED_APPS", "FORCE_SCRIPT_NAME"})


def _forget_static_urls(*, setting, **kwargs):
    if setting in _STATIC_SETTINGS:
        _static_urls.clear()


setting_changed.connect(_forget_static_urls)


class CachedStaticNode(StaticNode):
    def url(self, context):
        path = self.path.resolve(context)
        # A quoted path in a template resolves to a SafeString: the same text, the same URL.
        if not isinstance(path, str):
            return self.handle_simple(path)
        path = str(path)
        url = _static_urls.get(path)
        if url is None:
            url = self.handle_simple(path)
            if len(_static_urls) < MAX_REMEMBERED:
                _static_urls[path] = url
        return url


@register.tag
def static(parser, token):
    node = builtin_static(parser, token)
    return CachedStaticNode(varname=node.varname, path=node.path)
