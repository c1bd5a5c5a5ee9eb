"""The header's navigation, rendered once per kind of page and reader, then reused.

_nav.html is twenty links and conditions that depend only on the reader's role, the page's
URL name and the language: rendered on every request it cost about as much as a whole
/health/ response. It is kept per (language, URL name, namespace, role flags), in this
process. Nothing personal is in it: the unread-message bell and the reader's name are
written by base.html around it on every request. An instructor's nav links to their own
instructor record, so theirs is kept per record.
"""

import threading
from collections import OrderedDict

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.template.loader import render_to_string
from django.utils.translation import get_language

register = template.Library()

NAVS_KEPT = 512
_navs: OrderedDict = OrderedDict()
_lock = threading.Lock()


def own_record(user) -> int | None:
    """An instructor's own instructor record, which their nav links to (one query, as the
    template's {% if user.instructor %} did); None for everyone else."""
    if not user.is_instructor:
        return None
    try:
        return user.instructor.pk
    except ObjectDoesNotExist:
        return None


def nav_key(request, user) -> tuple:
    match = getattr(request, "resolver_match", None)
    own = own_record(user)
    return (get_language(), getattr(match, "url_name", None) or "",
            getattr(match, "namespace", None) or "", user.role, user.is_active, user.is_staff,
            user.is_instructor, user.can_view_structure, user.can_edit_structure,
            user.is_audit_admin, own)


@register.simple_tag(takes_context=True)
def site_nav(context):
    request, user = context["request"], context["user"]
    key = nav_key(request, user)
    with _lock:
        html = _navs.get(key)
        if html is not None:
            _navs.move_to_end(key)
            return html
    html = render_to_string("_nav.html", {"user": user, "request": request})
    with _lock:
        _navs[key] = html
        while len(_navs) > NAVS_KEPT:
            _navs.popitem(last=False)
    return html
