"""The header's navigation, rendered once per kind of page and reader, then reused.

_nav.html is twenty links and conditions that depend only on the reader's role, the page's
URL name and the language: rendered on every request it cost about as much as a whole
/health/ response. It is kept per (language, URL name, namespace, role flags), in this
process. Nothing personal is in it: the unread-message bell and the reader's name are
written by base.html around it on every request. An instructor's nav links to their own
instructor record, so theirs is kept per record.
"""

import re

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ..memo import KeptValues
from ..table_rows import text

register = template.Library()

_navs = KeptValues(512)


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
    return _navs.get_or_build(nav_key(request, user), lambda: render_to_string(
        "_nav.html", {"user": user, "request": request}))


# The site header (core/_site_header.html), kept per reader and language ---------------------
#
# Everything in it depends on the reader (name, role, region, what they may open), the
# language and the script prefix, except five values filled in on every request: the nav
# (kept above), the search box's query, the CSRF inputs, the language form's return path
# and the unread-message count. The kept header is rendered once with a marker in each of
# those places and split there.

_headers = KeptValues(512)
_SLOTS = ("nav", "q", "csrf", "full_path", "bell")
_MARKER = re.compile("\x00([a-z_]+)\x00")


def header_key(request, user) -> tuple:
    match = getattr(request, "resolver_match", None)
    signed_in = bool(user.is_authenticated)
    who = ()
    if signed_in:
        region = user.region
        who = (user.pk, str(user), str(user.get_role_display()),
               None if not region else region.name, bool(user.can_view_structure),
               bool(user.is_instructor))
    return (get_language(), get_script_prefix(), getattr(match, "namespace", None) or "",
            signed_in, who)


def _kept_header(request, user) -> tuple:
    def split_header() -> tuple:
        markers = {f"header_{slot}": mark_safe(f"\x00{slot}\x00") for slot in _SLOTS}
        html = render_to_string("core/_site_header.html", {"user": user, **markers},
                                request=request)
        return tuple(_MARKER.split(html))

    return _headers.get_or_build(header_key(request, user), split_header)


@register.simple_tag(takes_context=True)
def site_header(context):
    """base.html's header: the kept markup with this request's values put in."""
    request, user = context["request"], context["user"]
    parts = _kept_header(request, user)
    unread = context.get("unread_notifications")
    values = {
        "nav": (lambda: site_nav(context)),
        "q": (lambda: text((request.GET.get("q") or "")[:60])),
        "csrf": (lambda: CsrfTokenNode().render(context)),
        "full_path": (lambda: text(request.get_full_path())),
        "bell": (lambda: f'<span class="badge bad">{text(unread)}</span>' if unread else ""),
    }
    drawn = {}
    out = []
    # Odd items are the slots' names (re.split with a group), even ones the kept markup.
    for index, part in enumerate(parts):
        if index % 2 == 0:
            out.append(part)
        else:
            if part not in drawn:
                drawn[part] = values[part]()
            out.append(drawn[part])
    return mark_safe("".join(out))
