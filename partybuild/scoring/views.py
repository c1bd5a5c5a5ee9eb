"""Pages of the scoring app: the year's scores, the score that explains itself, the rubric,
the annual inspection, the red list and its public page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partybuild.audit.services import audit_record
from partybuild.core.access import structure_reader_required
from partybuild.core.views import ListPage
from partybuild.core.views_confirm import ConfirmedActionView, add_service_error

from . import selectors, services
from .filters import ScoreFilter
from .forms import AdjustForm, ConfirmOnlyForm, ReasonForm, RecomputeForm, RubricForm, SectionForm
from .models import RUBRIC_FIELDS, Inspection
from .tables import ScoreTable

SECTION_LABELS = {name: Inspection._meta.get_field(name).verbose_name
                  for name in services.SECTIONS}


def score_detail_url(year: int, pk: int) -> str:
    return reverse("scoring:score_detail", args=[year, pk])


def inspection_url(year: int, pk: int) -> str:
    return reverse("scoring:inspection", args=[year, pk])


@structure_reader_required
def score_list_default(request):
    """The score list of last year, the most recent complete year."""
    return redirect("scoring:score_list", year=selectors.last_year())


class ScoreList(ListPage):
    """The stored scores of a year in the user's regions, with filters and exports."""

    table_class = ScoreTable
    filterset_class = ScoreFilter
    template_name = "scoring/score_list.html"

    @property
    def export_name(self):
        return gettext("%(year)d年党建评分") % {"year": self.kwargs["year"]}

    def get_queryset(self):
        return selectors.score_list(user=self.request.user, year=self.kwargs["year"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.kwargs["year"]
        context.update(year=year, rubric=services.rubric_for_year(year),
                       may_recompute=services.may_recompute(self.request.user),
                       is_admin=services.is_admin(self.request.user),
                       years=[selectors.last_year() + 1 - n for n in range(6)])
        return context


class ScoringAction(ConfirmedActionView):
    """A confirmed action of the scoring pages; `allowed` decides the role, not structure."""

    form_class = ConfirmOnlyForm

    def allowed(self, user) -> bool:
        return services.is_admin(user)

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed(request.user):
            raise PermissionDenied
        self.object = self.get_object()
        return super(ConfirmedActionView, self).dispatch(request, *args, **kwargs)


class Recompute(ScoringAction):
    form_class = RecomputeForm
    title = _("重新计算年度评分")
    confirm_template_name = "scoring/recompute_confirm.html"

    def allowed(self, user):
        return services.may_recompute(user)

    def describe(self, form):
        region = form.cleaned_data["region"]
        where = region.name if region else gettext("我管辖的全部区划")
        return [
            gettext("将按 %(year)d 年度评分细则重新计算“%(where)s”全部机构的党建评分。")
            % {"year": self.kwargs["year"], "where": where},
            gettext("原有的该年度评分将被新的计算结果替换；年度定稿后不能再计算。"),
        ]

    def perform(self, form):
        return services.scores_recompute(acting_user=self.request.user,
                                         year=self.kwargs["year"],
                                         region=form.cleaned_data["region"])

    def success_message(self, form, result):
        return gettext("已重新计算 %(count)d 家机构的 %(year)d 年度评分。") % {
            "count": result, "year": self.kwargs["year"]}

    def get_success_url(self, result=None):
        return reverse("scoring:score_list", args=[self.kwargs["year"]])

    def get_cancel_url(self):
        return self.get_success_url()


class RecomputeInstitution(Recompute):
    """Recompute one institution's score from its score page."""

    form_class = ConfirmOnlyForm

    def get_object(self):
        return selectors.institution_in_scope(user=self.request.user, pk=self.kwargs["pk"])

    def describe(self, form):
        return [
            gettext("将按 %(year)d 年度评分细则重新计算“%(name)s”的党建评分。")
            % {"year": self.kwargs["year"], "name": self.object.name},
            gettext("原有的该年度评分将被新的计算结果替换。"),
        ]

    def perform(self, form):
        return services.scores_recompute(acting_user=self.request.user,
                                         year=self.kwargs["year"], institution=self.object)

    def success_message(self, form, result):
        return gettext("已重新计算“%(name)s”的 %(year)d 年度评分。") % {
            "name": self.object.name, "year": self.kwargs["year"]}

    def get_success_url(self, result=None):
        return score_detail_url(self.kwargs["year"], self.object.pk)

    def get_cancel_url(self):
        return self.get_success_url()


@structure_reader_required
def score_detail(request, year: int, pk: int):
    """The score of an institution for a year with every record behind each item."""
    page = selectors.score_page(user=request.user, institution_pk=pk, year=year)
    return render(request, "scoring/score_detail.html", {
        "page": page, "institution": page.institution, "year": year,
        "may_recompute": services.may_recompute(request.user) and not page.rubric.is_finalised,
        "may_review": services.may_review(request.user),
    })


# The rubric ---------------------------------------------------------------------------------


@structure_reader_required
def rubric_detail(request, year: int):
    """The year's rubric beside the default of SCORING.md, and its change history."""
    rubric = services.rubric_for_year(year)
    return render(request, "scoring/rubric_detail.html", {
        "rubric": rubric, "year": year, "lines": selectors.rubric_lines(rubric),
        "history": selectors.rubric_timeline(rubric),
        "is_admin": services.is_admin(request.user),
    })


class RubricEdit(ScoringAction):
    form_class = RubricForm
    title = _("修改评分细则")

    def get_object(self):
        return services.rubric_for_year(self.kwargs["year"])

    def get(self, request, *args, **kwargs):
        if self.object.is_finalised:
            messages.error(request, gettext("该年度已定稿，评分细则不能再修改。"))
            return redirect(self.get_cancel_url())
        return super().get(request, *args, **kwargs)

    def get_form(self, data=None):
        return RubricForm(data=data, instance=self.object_copy(), user=self.request.user)

    def object_copy(self):
        # The ModelForm writes into its instance while validating; keep self.object intact
        # so the confirmation page can show old → new.
        return services.rubric_for_year(self.kwargs["year"])

    def describe(self, form):
        lines = []
        for name in RUBRIC_FIELDS:
            old, new = getattr(self.object, name), form.cleaned_data[name]
            if old != new:
                lines.append(f"{form.fields[name].label}：{old} → {new}")
        headline = gettext("将修改 %(year)d 年度评分细则（版本 %(version)d → %(next)d）。") % {
            "year": self.object.year, "version": self.object.version,
            "next": self.object.version + 1}
        return [headline, *(lines or [gettext("没有修改任何数值。")])]

    def perform(self, form):
        values = {name: form.cleaned_data[name] for name in RUBRIC_FIELDS}
        return services.rubric_update(acting_user=self.request.user, rubric=self.object,
                                      values=values)

    def success_message(self, form, result):
        return gettext("%(year)d 年度评分细则已保存（版本 %(version)d）。请重新计算评分。") % {
            "year": result.year, "version": result.version}

    def get_success_url(self, result=None):
        return reverse("scoring:rubric", args=[self.kwargs["year"]])

    def get_cancel_url(self):
        return self.get_success_url()


class YearFinalise(ScoringAction):
    title = _("年度定稿")
    danger = True

    def describe(self, form):
        year = self.kwargs["year"]
        return [gettext("将对 %(year)d 年度定稿。") % {"year": year},
                gettext("定稿后，该年度的评分细则不能修改，评分不能重新计算。")]

    def perform(self, form):
        audit_record("finalise", request=self.request, object_repr=str(self.kwargs["year"]))
        return services.year_finalise(acting_user=self.request.user, year=self.kwargs["year"])

    def success_message(self, form, result):
        return gettext("%(year)d 年度已定稿。") % {"year": result.year}

    def get_success_url(self, result=None):
        return reverse("scoring:rubric", args=[self.kwargs["year"]])

    def get_cancel_url(self):
        return self.get_success_url()


# Inspections --------------------------------------------------------------------------------


@structure_reader_required
def inspection_detail(request, year: int, pk: int):
    """The five sections, computed and adjusted party-building figures, result and history."""
    page = selectors.inspection_page(user=request.user, institution_pk=pk, year=year)
    inspection = page.inspection
    sections = [(name, SECTION_LABELS[name], getattr(inspection, name),
                 getattr(inspection, f"{name}_comment")) for name in services.SECTIONS]
    return render(request, "scoring/inspection_detail.html", {
        "page": page, "inspection": inspection, "institution": page.institution, "year": year,
        "sections": sections, "may_review": services.may_review(request.user),
        "is_admin": services.is_admin(request.user),
    })


def _reviewer_form_view(request, year, pk, form_class, initial, save, title):
    """A reviewer's everyday form on the inspection: saved directly, errors back on the form."""
    if not services.may_review(request.user):
        raise PermissionDenied
    institution = selectors.institution_in_scope(user=request.user, pk=pk)
    inspection = selectors.inspection_in_scope(user=request.user, institution_pk=pk, year=year)
    if inspection is not None and inspection.is_finalised:
        messages.error(request, gettext("该年检已定稿，不能修改；如需修改，请系统管理员重新打开。"))
        return redirect(inspection_url(year, pk))
    form = form_class(data=request.POST or None, initial=initial(inspection),
                      user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            if inspection is None:
                inspection = services.inspection_get_or_create(
                    acting_user=request.user, institution=institution, year=year)
            save(inspection, form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, gettext("已保存。"))
            return redirect(inspection_url(year, pk))
    return render(request, "core/action_form.html", {
        "title": title, "object": institution, "form": form,
        "cancel_url": inspection_url(year, pk),
    })


def inspection_adjust(request, year: int, pk: int):
    """Adjust the party-building section with a written reason (复核)."""

    def save(inspection, data):
        services.inspection_adjust_party_building(
            acting_user=request.user, inspection=inspection, adjusted=data["adjusted"],
            reason=data["reason"])

    def initial(inspection):
        if inspection is None:
            return {}
        return {"adjusted": inspection.party_building_adjusted,
                "reason": inspection.adjustment_reason}

    return _reviewer_form_view(request, year, pk, AdjustForm, initial, save,
                               gettext("复核党建工作得分"))


def inspection_section(request, year: int, pk: int, section: str):
    """Enter one of the four reviewer sections."""
    if section not in services.SECTIONS:
        raise Http404

    def save(inspection, data):
        services.inspection_enter_section(acting_user=request.user, inspection=inspection,
                                          section=section, score=data["score"],
                                          comment=data["comment"])

    def initial(inspection):
        if inspection is None:
            return {}
        return {"score": getattr(inspection, section),
                "comment": getattr(inspection, f"{section}_comment")}

    return _reviewer_form_view(request, year, pk, SectionForm, initial, save,
                               gettext("填写%(section)s") % {"section": SECTION_LABELS[section]})


class InspectionAction(ScoringAction):
    def get_object(self):
        inspection = selectors.inspection_in_scope(user=self.request.user,
                                                   institution_pk=self.kwargs["pk"],
                                                   year=self.kwargs["year"])
        if inspection is None:
            raise Http404
        return inspection

    def get_success_url(self, result=None):
        return inspection_url(self.kwargs["year"], self.kwargs["pk"])

    def get_cancel_url(self):
        return self.get_success_url()


class InspectionFinalise(InspectionAction):
    title = _("年检定稿")

    def allowed(self, user):
        return services.may_review(user)

    def describe(self, form):
        inspection = self.object
        return [
            gettext("将对“%(name)s” %(year)d 年度年检定稿。") % {
                "name": inspection.institution.name, "year": inspection.year},
            gettext("综合得分：%(overall)s；结论：%(result)s") % {
                "overall": inspection.overall if inspection.overall is not None else "—",
                "result": inspection.result or gettext("（有未填写的项目，暂无结论）")},
            gettext("定稿后年检不能修改，党建工作评分明细一并锁定；只有系统管理员可以重新打开。"),
        ]

    def perform(self, form):
        audit_record("finalise", request=self.request, obj=self.object)
        return services.inspection_finalise(acting_user=self.request.user,
                                            inspection=self.object)

    def success_message(self, form, result):
        return gettext("年检已定稿。")


class InspectionReopen(InspectionAction):
    form_class = ReasonForm
    title = _("重新打开年检")
    danger = True

    def describe(self, form):
        return [gettext("将重新打开“%(name)s” %(year)d 年度年检。") % {
                    "name": self.object.institution.name, "year": self.object.year},
                gettext("理由：%(reason)s") % {"reason": form.cleaned_data["reason"]}]

    def perform(self, form):
        audit_record("reopen", request=self.request, obj=self.object, **form.cleaned_data)
        return services.inspection_reopen(acting_user=self.request.user,
                                          inspection=self.object,
                                          reason=form.cleaned_data["reason"])

    def success_message(self, form, result):
        return gettext("年检已重新打开。")


# The red list -------------------------------------------------------------------------------


@structure_reader_required
def red_list_admin(request, year: int):
    """The year's red list by the stored scores, and its publication if there is one."""
    return render(request, "scoring/red_list_admin.html", {
        "year": year, "scores": selectors.red_list_preview(user=request.user, year=year),
        "publication": selectors.red_list_publication(year),
        "is_admin": services.is_admin(request.user),
    })


class RedListPublish(ScoringAction):
    title = _("发布红名单")

    def describe(self, form):
        count = selectors.red_list_preview(user=self.request.user,
                                           year=self.kwargs["year"]).count()
        return [gettext("将发布 %(year)d 年度红名单，共 %(count)d 家机构。") % {
                    "year": self.kwargs["year"], "count": count},
                gettext("发布的是当前评分的快照：之后重新计算评分不会改变已发布的名单。"),
                gettext("发布后任何人无需登录即可在公开页面查看。")]

    def perform(self, form):
        return services.red_list_publish(acting_user=self.request.user,
                                         year=self.kwargs["year"])

    def success_message(self, form, result):
        return gettext("%(year)d 年度红名单已发布。") % {"year": result.year}

    def get_success_url(self, result=None):
        return reverse("scoring:red_list", args=[self.kwargs["year"]])

    def get_cancel_url(self):
        return self.get_success_url()


@login_not_required
def red_list_public(request, year: int):
    """The published red list of a year: public, printable, no navigation."""
    publication, entries = selectors.published_red_list(year)
    return render(request, "scoring/red_list_public.html",
                  {"publication": publication, "entries": entries, "year": year})
