"""Pages of visits, hazards and clues: lists, details, the phone-first record forms."""

from datetime import date
from functools import wraps
from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from partybuild.core.access import institution_reader_required
from partybuild.core.evidence import SIGNATURES
from partybuild.core.services import fmt
from partybuild.core.views import ListPage
from partybuild.core.views_confirm import ConfirmedActionView, add_service_error
from partybuild.organisation.selectors import today_or

from . import forms, selectors, services
from .filters import ClueFilter, HazardFilter, VisitFilter
from .models import FOUR_ONES, default_hazard_deadline
from .tables import ClueTable, HazardTable, VisitTable

EXTENSIONS = {content_type: extension for _sig, content_type, extension in SIGNATURES}


def recorder_required(view):
    """Instructors, committee staff and administrators record; reviewers only read (403)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated and not services.may_record(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def submitted(request, form, action):
    """Call the service with a valid form's data; its ValidationError goes back onto the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except ValidationError as error:
        add_service_error(form, error)
        return None


def post_data(request) -> dict:
    """Form arguments: the submitted data on POST, nothing (an unbound form) on GET."""
    if request.method == "POST":
        return {"data": request.POST, "files": request.FILES}
    return {}


def pk_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def date_param(request, name: str) -> date | None:
    try:
        return parse_date(request.GET.get(name, ""))
    except ValueError:
        return None


def evidence_response(evidence) -> FileResponse:
    """Serve an evidence file as a download with the type its content proved, never inline."""
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError) as missing:
        raise Http404 from missing
    # The stored type was sniffed from the content; the name's extension is made to match it.
    filename = PurePath(evidence.original_name).stem + EXTENSIONS.get(evidence.content_type, "")
    response = FileResponse(handle, as_attachment=True, filename=filename,
                            content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Visits ----------------------------------------------------------------------------------


class InstructorListPage(ListPage):
    """A list instructors open too; for them the region and instructor columns say nothing."""

    allow_instructors = True

    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        if self.request.user.is_instructor:
            kwargs["exclude"] = ("region", "instructor")
        return kwargs


class VisitList(InstructorListPage):
    table_class = VisitTable
    filterset_class = VisitFilter
    template_name = "visits/visit_list.html"
    export_name = _("走访记录")

    def get_queryset(self):
        return selectors.visit_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.is_instructor:
            context["page_title"] = gettext("我的走访记录")
        return context


@institution_reader_required
def visit_detail(request, pk: int):
    detail = selectors.visit_detail(user=request.user, pk=pk)
    return render(request, "visits/visit_detail.html", {
        "detail": detail,
        "visit": detail.visit,
        "items": [(label, getattr(detail.visit, key),
                   getattr(detail.visit, services.ITEM_TEXTS[key]))
                  for key, label in FOUR_ONES],
        "may_record": services.may_record(request.user),
    })


def bound_hazard_rows(request) -> list[forms.HazardRowForm]:
    """The hazard rows of a posted visit; they count only when 排隐患 is ticked."""
    if request.method != "POST" or not request.POST.get("hazard_check"):
        return []
    return forms.posted_hazard_rows(request.POST, request.FILES)


def record_submitted_visit(request, form, rows) -> tuple | None:
    """Record a posted visit with its hazards: (visit, created), or None with the problems on
    the form and its rows. A visit carrying a client id already stored answers with that
    visit (created False), so a retried upload never makes a second one."""
    if request.method != "POST":
        return None
    valid = all([form.is_valid(), *[row.is_valid() for row in rows]])
    client_id = form.cleaned_data.get("client_id")
    try:
        # A repeat is answered before the content is judged again: the first send was
        # accepted, whatever changed since (an assignment ended, a text edited on the phone).
        stored = client_id and services.visit_by_client_id(acting_user=request.user,
                                                          client_id=client_id)
        if stored:
            return stored, False
        if not valid:
            return None
        day = form.cleaned_data["date"]
        fields = {**form.service_fields(), "hazards": [row.service_fields(day) for row in rows]}
        if client_id is not None:
            return services.visit_record_once(acting_user=request.user, client_id=client_id,
                                              **fields)
        return services.visit_record(acting_user=request.user, **fields), True
    except ValidationError as error:
        add_service_error(form, error)
        return None


def duplicate_visit_url(form) -> str | None:
    """The visit the "already recorded that day" error is about, to link to it."""
    for error in form.errors.as_data().get("date", []):
        if error.code == "duplicate_visit":
            return reverse("visits:visit_detail", args=[error.params["pk"]])
    return None


def saved_message(visit) -> str:
    return gettext("已保存 %(day)s 对“%(institution)s”的走访记录。") % {
        "day": fmt(visit.date), "institution": visit.institution.name}


@recorder_required
def visit_create(request):
    # The "记录走访" button of my month passes the institution and today's date.
    initial = {"date": date_param(request, "date") or today_or(None),
               "institution": pk_param(request, "institution")}
    form = forms.VisitForm(**post_data(request), user=request.user, initial=initial)
    rows = bound_hazard_rows(request)
    result = record_submitted_visit(request, form, rows)
    if result is not None:
        messages.success(request, saved_message(result[0]))
        return redirect("visits:visit_detail", result[0].pk)
    return render(request, "visits/visit_form.html", {
        "form": form, "title": _("记录走访"), "cancel_url": reverse("home"),
        "hazard_rows": rows or [forms.HazardRowForm(prefix="hazards-0")],
        "hazard_row_template": forms.HazardRowForm(prefix="hazards-__n__"),
        "deadline_days": settings.PARTYBUILD_HAZARD_DEADLINE_DAYS,
        "last_texts": selectors.last_visit_texts(user=request.user),
        "duplicate_url": duplicate_visit_url(form),
        "offline_form": True,
    })


def json_errors(form, rows) -> dict[str, list[str]]:
    """Every problem by field name (hazard rows by their prefixed names), and __all__."""
    errors = {name: list(messages_) for name, messages_ in form.errors.items()}
    for row in rows:
        for name, messages_ in row.errors.items():
            errors[row.add_prefix(name)] = list(messages_)
    return errors


@require_POST
@recorder_required
def visit_sync(request):
    """The phone's outbox (and the visit form's own save button) posts here: the same form and
    the same services as the page, answered in JSON. A visit already stored under the posted
    client id answers as a success with that visit."""
    expected_user = request.POST.get("user", "")
    if expected_user and expected_user != str(request.user.pk):
        # Queued on this phone by someone else, who has since been signed out: it stays in
        # the outbox until they sign in again, never recorded under this user's name.
        return JsonResponse({"ok": False, "wrong_user": True, "message": gettext(
            "这条走访记录是其他用户在本机保存的，请该用户登录后再上传。")}, status=409)
    form = forms.VisitForm(data=request.POST, files=request.FILES, user=request.user)
    rows = bound_hazard_rows(request)
    result = record_submitted_visit(request, form, rows)
    if result is None:
        errors = json_errors(form, rows)
        summary = [message for problems in errors.values() for message in problems]
        return JsonResponse({
            "ok": False,
            "message": gettext("服务器未接受这条走访记录：%(problems)s") % {
                "problems": "；".join(summary)},
            "errors": errors,
            "existing_url": duplicate_visit_url(form),
        }, status=400)
    visit, created = result
    # Only the page that is waiting for this answer shows the message on the next page.
    if request.POST.get("flash"):
        messages.success(request, saved_message(visit))
    return JsonResponse({
        "ok": True, "created": created, "pk": visit.pk,
        "url": reverse("visits:visit_detail", args=[visit.pk]),
        "message": saved_message(visit),
    })


@recorder_required
def visit_update(request, pk: int):
    visit = selectors.visit_for_change(user=request.user, pk=pk)
    initial = {name: getattr(visit, name) for name in services.VISIT_FIELDS}
    initial.update(institution=visit.institution_id, date=visit.date)
    form = forms.VisitUpdateForm(**post_data(request), user=request.user, initial=initial)
    saved = submitted(request, form, lambda data: services.visit_update(
        acting_user=request.user, visit=visit, **data))
    if saved is not None:
        messages.success(request, gettext("已保存走访记录的修改。"))
        return redirect("visits:visit_detail", saved.pk)
    return render(request, "visits/visit_form.html", {
        "form": form, "title": _("修改走访记录"), "visit": visit,
        "cancel_url": reverse("visits:visit_detail", args=[visit.pk]),
    })


@institution_reader_required
def visit_evidence_download(request, pk: int):
    return evidence_response(selectors.visit_evidence_for_download(user=request.user, pk=pk))


# Hazards ---------------------------------------------------------------------------------


class HazardList(InstructorListPage):
    table_class = HazardTable
    filterset_class = HazardFilter
    template_name = "visits/hazard_list.html"
    export_name = _("隐患")

    def get_queryset(self):
        return selectors.hazard_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tabs"] = HazardFilter.TABS
        context["current_tab"] = self.request.GET.get("status", "")
        return context


def finding_form(request, form_class, day_field: str):
    """A hazard or clue form, tied to the visit named in ?visit= when there is one."""
    visit_pk = pk_param(request, "visit")
    visit = selectors.visit_for_change(user=request.user, pk=visit_pk) if visit_pk else None
    day = visit.date if visit else today_or(None)
    initial = {
        day_field: day,
        "institution": visit.institution_id if visit else pk_param(request, "institution"),
        # A hazard form proposes the configured rectification time.
        "deadline": default_hazard_deadline(day),
    }
    form = form_class(**post_data(request), user=request.user, initial=initial)
    if visit is not None:
        form.fields["institution"].queryset = form.fields["institution"].queryset.filter(
            pk=visit.institution_id)
    return form, visit


def cancel_url(visit, fallback: str) -> str:
    return reverse("visits:visit_detail", args=[visit.pk]) if visit else reverse(fallback)


@recorder_required
def hazard_create(request):
    form, visit = finding_form(request, forms.HazardForm, "found_on")
    hazard = submitted(request, form, lambda data: services.hazard_record(
        acting_user=request.user, visit=visit, **data))
    if hazard is not None:
        messages.success(request, gettext("已记录隐患，整改期限 %(day)s。") % {
            "day": fmt(hazard.deadline)})
        return redirect("visits:visit_detail" if visit else "visits:hazard_detail",
                        visit.pk if visit else hazard.pk)
    return render(request, "visits/record_form.html", {
        "form": form, "title": _("记录隐患"), "visit": visit,
        "cancel_url": cancel_url(visit, "visits:hazard_list"),
    })


@institution_reader_required
def hazard_detail(request, pk: int):
    detail = selectors.hazard_detail(user=request.user, pk=pk)
    label, tone = selectors.HAZARD_STATES[detail.state]
    return render(request, "visits/hazard_detail.html", {
        "detail": detail, "hazard": detail.hazard, "state_label": label, "state_tone": tone,
        "may_record": services.may_record(request.user),
    })


@recorder_required
def hazard_rectify(request, pk: int):
    hazard = selectors.hazard_for_change(user=request.user, pk=pk)
    initial = {"rectified_on": hazard.rectified_on or today_or(None),
               "rectification_note": hazard.rectification_note}
    form = forms.HazardRectifyForm(**post_data(request), user=request.user, initial=initial)
    saved = submitted(request, form, lambda data: services.hazard_rectify(
        acting_user=request.user, hazard=hazard, **data))
    if saved is not None:
        messages.success(request, gettext("已登记整改情况，等待党委工作人员销号。"))
        return redirect("visits:hazard_detail", saved.pk)
    return render(request, "visits/record_form.html", {
        "form": form, "title": _("登记整改"), "subject": hazard,
        "cancel_url": reverse("visits:hazard_detail", args=[hazard.pk]),
    })


class HazardCloseOut(ConfirmedActionView):
    form_class = forms.HazardCloseOutForm
    title = _("隐患销号")

    def get_object(self):
        return selectors.hazard_for_change(user=self.request.user, pk=self.kwargs["pk"])

    def get_initial(self):
        return {"on": today_or(None)}

    def describe(self, form):
        hazard = self.object
        return [
            gettext("将于 %(on)s 为机构“%(institution)s”的这条隐患销号。") % {
                "on": fmt(form.cleaned_data["on"]), "institution": hazard.institution.name},
            gettext("隐患：%(description)s") % {"description": hazard.description},
            gettext("整改完成日期：%(day)s") % {"day": fmt(hazard.rectified_on)},
        ]

    def perform(self, form):
        return services.hazard_close_out(acting_user=self.request.user, hazard=self.object,
                                         **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("隐患已销号。")

    def get_success_url(self, result):
        return reverse("visits:hazard_detail", args=[result.pk])

    def get_cancel_url(self):
        return reverse("visits:hazard_detail", args=[self.object.pk])


@institution_reader_required
def hazard_evidence_download(request, pk: int):
    return evidence_response(selectors.hazard_evidence_for_download(user=request.user, pk=pk))


# Clues -----------------------------------------------------------------------------------


class ClueList(InstructorListPage):
    table_class = ClueTable
    filterset_class = ClueFilter
    template_name = "visits/clue_list.html"
    export_name = _("违规线索")

    def get_queryset(self):
        return selectors.clue_list(user=self.request.user)


@recorder_required
def clue_create(request):
    form, visit = finding_form(request, forms.ClueForm, "date")
    clue = submitted(request, form, lambda data: services.clue_record(
        acting_user=request.user, visit=visit, **data))
    if clue is not None:
        messages.success(request, gettext("已报告线索，党委工作人员将核查。"))
        return redirect("visits:visit_detail" if visit else "visits:clue_detail",
                        visit.pk if visit else clue.pk)
    return render(request, "visits/record_form.html", {
        "form": form, "title": _("报告线索"), "visit": visit,
        "cancel_url": cancel_url(visit, "visits:clue_list"),
    })


@institution_reader_required
def clue_detail(request, pk: int):
    detail = selectors.clue_detail(user=request.user, pk=pk)
    return render(request, "visits/clue_detail.html", {"detail": detail, "clue": detail.clue})


class ClueReview(ConfirmedActionView):
    form_class = forms.ClueReviewForm
    title = _("核查线索")

    def get_object(self):
        return selectors.clue_for_change(user=self.request.user, pk=self.kwargs["pk"])

    def get_initial(self):
        clue = self.object
        return {"substantiated": clue.substantiated, "enforcement": clue.enforcement,
                "reviewed_on": clue.reviewed_on or today_or(None)}

    def describe(self, form):
        data = form.cleaned_data
        found = gettext("查实") if data["substantiated"] else gettext("未查实")
        joined = gettext("参与了") if data["enforcement"] else gettext("没有参与")
        lines = [
            gettext("将登记机构“%(institution)s”的这条线索经 %(on)s 核查%(found)s。") % {
                "institution": self.object.institution.name, "on": fmt(data["reviewed_on"]),
                "found": found},
            gettext("指导员%(joined)s执法行动。") % {"joined": joined},
        ]
        if data["substantiated"]:
            lines.append(gettext("查实的线索在该机构当年的党建评分中扣 10 分。"))
        return lines

    def perform(self, form):
        return services.clue_review(acting_user=self.request.user, clue=self.object,
                                    **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("已登记线索核查结果。")

    def get_success_url(self, result):
        return reverse("visits:clue_detail", args=[result.pk])

    def get_cancel_url(self):
        return reverse("visits:clue_detail", args=[self.object.pk])
