"""{% url %} with reverse() remembered: the header and the navigation name about thirty
fixed URLs on every page, and reverse() walks the URL patterns for each.

Load it after the built-in tags (`{% load cached_url %}`) to replace `url` in that template.
The answer of reverse() depends only on its arguments, the current app, the script prefix,
the URLconf and the language (translated patterns); all are in the key. Only arguments of
plain types (str, int) are remembered, so a page's own object links are never mixed up.
"""

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as builtin_url
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
