"""The audit administrator's searchable view of the trail; nobody else may open it."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from .forms import AuditSearchForm
from .selectors import audit_entries

PAGE_SIZE = 50


def audit_list(request):
    # 三员分立: reading the trail is the audit administrator's alone, not the system
    # administrator's nor a superuser's.
    if not request.user.is_audit_admin:
        raise PermissionDenied
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_entries(**{key: value for key, value in filters.items() if value})
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/audit_list.html", {"form": form, "page": page})
