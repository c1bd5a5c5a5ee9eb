"""Activity pages: the list, a detail with its evidence, the record and edit forms, and the
region's 三会一课 page. Reads go through selectors, writes through services."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from partybuild.accounts.scoping import regions_visible_to
from partybuild.core.access import institution_reader_required, structure_reader_required
from partybuild.core.views import ListPage
from partybuild.core.views_confirm import add_service_error
from partybuild.organisation.scoping import branches_visible_to
from partybuild.organisation.selectors import today_or

from . import selectors, services
from .filters import ActivityFilter
from .forms import ActivityForm, EvidenceForm, chosen_year, year_choices
from .tables import ActivityTable


def activity_editor_required(view):
    """Committee staff and administrators only; reviewers and instructors get 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.can_edit_structure:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class ActivityList(ListPage):
    table_class = ActivityTable
    filterset_class = ActivityFilter
    template_name = "activities/activity_list.html"
    export_name = _("党建活动")

    def get_queryset(self):
        return selectors.activity_list(user=self.request.user)


@institution_reader_required
def activity_detail(request, pk: int):
    """An activity with its evidence, the institutions it counts for and its history."""
    detail = selectors.activity_detail(user=request.user, pk=pk)
    return render(request, "activities/activity_detail.html", {
        "detail": detail,
        "activity": detail.activity,
        "evidence_form": EvidenceForm(user=request.user),
    })


@institution_reader_required
def evidence_download(request, pk: int):
    """The stored file, always as a download, with the type checked when it was uploaded."""
    evidence = selectors.evidence_for_download(user=request.user, pk=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _render_form(request, form, *, title, cancel_url, activity=None):
    return render(request, "activities/activity_form.html", {
        "form": form, "title": title, "cancel_url": cancel_url, "activity": activity,
        "pairings": form.pairings_data(),
    })


@activity_editor_required
def activity_create(request):
    """Record an activity; `?branch=` preselects the branch (from the branch page)."""
    initial = {"date": today_or(None)}
    branch_pk = request.GET.get("branch", "")
    if branch_pk.isdigit():
        branch = branches_visible_to(request.user).filter(pk=branch_pk).first()
        if branch is not None:
            initial["branch"] = branch
    cancel_url = reverse("activities:activity_list")
    if request.method != "POST":
        form = ActivityForm(user=request.user, initial=initial)
        return _render_form(request, form, title=_("记录党建活动"), cancel_url=cancel_url)
    form = ActivityForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        try:
            activity = services.activity_record(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request,
                             gettext("已记录活动“%(title)s”。") % {"title": activity.title})
            return redirect("activities:activity_detail", pk=activity.pk)
    return _render_form(request, form, title=_("记录党建活动"), cancel_url=cancel_url)


@activity_editor_required
def activity_update(request, pk: int):
    """Correct an activity (its evidence is added on the detail page)."""
    activity = selectors.activity_for_edit(user=request.user, pk=pk)
    cancel_url = reverse("activities:activity_detail", args=[activity.pk])
    if request.method != "POST":
        form = ActivityForm(user=request.user, with_files=False, initial={
            "branch": activity.branch, "date": activity.date, "kind": activity.kind,
            "title": activity.title, "attendees": activity.attendees,
            "description": activity.description, "school_branch": activity.school_branch,
        })
        return _render_form(request, form, title=_("修改活动"), cancel_url=cancel_url,
                            activity=activity)
    form = ActivityForm(request.POST, user=request.user, with_files=False)
    if form.is_valid():
        try:
            services.activity_update(acting_user=request.user, activity=activity,
                                     **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, gettext("已保存活动的修改。"))
            return redirect("activities:activity_detail", pk=activity.pk)
    return _render_form(request, form, title=_("修改活动"), cancel_url=cancel_url,
                        activity=activity)


@require_POST
@activity_editor_required
def activity_evidence_add(request, pk: int):
    """Upload more evidence from the detail page; errors come back as messages there."""
    activity = selectors.activity_for_edit(user=request.user, pk=pk)
    form = EvidenceForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        try:
            added = services.activity_evidence_add(acting_user=request.user, activity=activity,
                                                   files=form.cleaned_data["files"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, gettext("已上传 %(n)d 个佐证材料。") % {"n": len(added)})
            return redirect("activities:activity_detail", pk=activity.pk)
    for error in form.errors.get("files", []) + form.non_field_errors():
        messages.error(request, error)
    return redirect("activities:activity_detail", pk=activity.pk)


@structure_reader_required
def cadence_overview(request):
    """支部三会一课落实情况: the branches of the user's regions behind their cadence in a year."""
    year = chosen_year(request)
    regions = regions_visible_to(request.user).order_by("path")
    region = None
    region_pk = request.GET.get("region", "")
    if region_pk.isdigit():
        region = get_object_or_404(regions, pk=region_pk)
    return render(request, "activities/cadence_overview.html", {
        "cadence": selectors.region_cadence(user=request.user, year=year, region=region),
        "year": year,
        "years": year_choices(today_or(None).year - 9),
        "regions": regions,
        "region": region,
    })
