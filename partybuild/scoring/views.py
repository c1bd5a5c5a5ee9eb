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
from partybuild.organisation.selectors import kept_count, kept_page_keys, kept_rows

from . import finality, selectors, services
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
    count_rows = staticmethod(kept_count)
    keep_choices = staticmethod(kept_rows)
    keep_page_keys = staticmethod(kept_page_keys)
    read_page_in_two_steps = True
    template_name = "scoring/score_list.html"

    @property
    def export_name(self):
        return gettext("%(year)d年党建评分") % {"year": self.kwargs["year"]}

    def get_queryset(self):
        return selectors.score_list(user=self.request.user, year=self.kwargs["year"])

    def read_rows(self, keys):
        return selectors.score_rows(keys, self.kwargs["year"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.kwargs["year"]
        context.update(year=year, rubric=selectors.rubric_state(year),
                       may_recompute=services.may_recompute(self.request.user),
                       is_admin=services.is_admin(self.request.user),
                       may_review=services.may_review(self.request.user),
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
        "may_recompute": (services.may_recompute(request.user) and not page.rubric.is_finalised
                          and not page.final_state.final),
        "may_review": services.may_review(request.user),
    })


# The rubric ---------------------------------------------------------------------------------


@structure_reader_required
def rubric_detail(request, year: int):
    """The year's rubric beside the default of SCORING.md, and its change history."""
    rubric = selectors.rubric_of_year(year)
    return render(request, "scoring/rubric_detail.html", {
        "rubric": rubric, "year": year, "lines": selectors.rubric_lines(rubric),
        "history": selectors.rubric_timeline(rubric),
        "versions": selectors.rubric_versions(year),
        "is_admin": services.is_admin(request.user),
    })


class RubricEdit(ScoringAction):
    form_class = RubricForm
    title = _("修改评分细则")

    def get_object(self):
        # Unsaved (the defaults) while the year has no rubric: opening the form writes nothing.
        return selectors.rubric_of_year(self.kwargs["year"])

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
        return selectors.rubric_of_year(self.kwargs["year"])

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


def year_url(year: int) -> str:
    return reverse("scoring:year", args=[year])


@structure_reader_required
def year_detail(request, year: int):
    """The 年度定稿 page: the year's state, what finalising will lock, and its history."""
    rubric = finality.year_rubric(year)
    final = bool(rubric and rubric.is_finalised)
    return render(request, "scoring/year_detail.html", {
        "year": year, "rubric": rubric, "final": final,
        "over": services.year_is_over(year),
        "preview": None if final else selectors.finalisation_preview(year=year),
        "events": selectors.year_events(year),
        "publication": selectors.red_list_publication(year),
        "may_finalise": services.may_finalise_year(request.user),
    })


class YearFinalise(ScoringAction):
    title = _("年度定稿")
    danger = True

    def allowed(self, user):
        return services.may_finalise_year(user)

    def describe(self, form):
        year = self.kwargs["year"]
        preview = selectors.finalisation_preview(year=year)
        lines = [
            gettext("将对 %(year)d 年度定稿。") % {"year": year},
            gettext("将按 %(year)d 年度评分细则计算并锁定 %(count)d 家机构的评分"
                    "（其中 %(kept)d 家的年检已定稿，保留其定稿评分）。")
            % {"year": year, "count": preview.institutions, "kept": preview.kept},
            gettext("尚未定稿的年检 %(count)d 份。") % {
                "count": len(preview.incomplete_inspections)},
            gettext("将发布红名单，共 %(count)d 家机构。") % {"count": len(preview.red_list)},
            gettext("定稿后，该年度的评分细则不能修改，评分不能重新计算；之后录入的记录列为定稿后变更。"),
        ]
        return lines

    def perform(self, form):
        audit_record("finalise", request=self.request, object_repr=str(self.kwargs["year"]))
        return services.year_finalise(acting_user=self.request.user, year=self.kwargs["year"])

    def success_message(self, form, result):
        return gettext("%(year)d 年度已定稿：%(scores)d 家机构的评分已锁定，"
                       "%(red)d 家机构进入红名单。") % {
            "year": result.rubric.year, "scores": result.scores, "red": result.red_list}

    def get_success_url(self, result=None):
        return year_url(self.kwargs["year"])

    def get_cancel_url(self):
        return self.get_success_url()


class YearReopen(YearFinalise):
    form_class = ReasonForm
    title = _("重新打开年度")

    def describe(self, form):
        return [gettext("将重新打开 %(year)d 年度。") % {"year": self.kwargs["year"]},
                gettext("重新打开后可以修改评分细则、重新计算评分；已发布的红名单保持不变，"
                        "再次定稿时如有变化将发布新版本。"),
                gettext("理由：%(reason)s") % {"reason": form.cleaned_data["reason"]}]

    def perform(self, form):
        return services.year_reopen(acting_user=self.request.user, year=self.kwargs["year"],
                                    reason=form.cleaned_data["reason"])

    def success_message(self, form, result):
        return gettext("%(year)d 年度已重新打开。") % {"year": result.year}


@structure_reader_required
def late_changes_list(request, year: int):
    """Items of final institution-years that today's records would score otherwise, for the
    institutions the user may see."""
    return render(request, "scoring/late_changes.html", {
        "year": year, "final": finality.year_is_final(year),
        "groups": selectors.late_change_groups(user=request.user, year=year),
    })


@structure_reader_required
def score_difference(request, year: int, pk: int):
    """One final institution-year: final vs current item by item, and the late records."""
    page = selectors.difference_page(user=request.user, institution_pk=pk, year=year)
    return render(request, "scoring/score_difference.html", {
        "page": page, "institution": page.institution, "year": year})


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


class InspectionsFinalise(ScoringAction):
    """A reviewer finalises all complete inspections (待定稿) of a region in one step."""

    form_class = RecomputeForm
    title = _("批量定稿年检")
    shown = 20

    def allowed(self, user):
        return services.may_review(user)

    def ready(self, form):
        return list(selectors.ready_inspections(user=self.request.user,
                                                year=self.kwargs["year"],
                                                region=form.cleaned_data["region"]))

    def describe(self, form):
        region = form.cleaned_data["region"]
        ready = self.ready(form)
        lines = [
            gettext("将对“%(where)s” %(year)d 年度全部已填写完整的年检定稿，共 %(count)d 家。")
            % {"where": region.name if region else gettext("我管辖的全部区划"),
               "year": self.kwargs["year"], "count": len(ready)},
            gettext("定稿后年检不能修改，党建工作评分明细一并锁定；只有系统管理员可以重新打开。"),
        ]
        lines += [f"{inspection.institution.name}：{inspection.overall}（{inspection.result}）"
                  for inspection in ready[:self.shown]]
        if len(ready) > self.shown:
            lines.append(gettext("……另有 %(more)d 家") % {"more": len(ready) - self.shown})
        return lines

    def perform(self, form):
        return services.inspections_finalise_ready(
            acting_user=self.request.user, year=self.kwargs["year"],
            region=form.cleaned_data["region"])

    def success_message(self, form, result):
        return gettext("已定稿 %(count)d 份年检。") % {"count": len(result)}

    def get_success_url(self, result=None):
        return (reverse("scoring:score_list", args=[self.kwargs["year"]])
                + "?inspection=finalised")

    def get_cancel_url(self):
        return reverse("scoring:score_list", args=[self.kwargs["year"]]) + "?inspection=ready"


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
    """The year's red list by the stored scores, and its publications if there are any."""
    return render(request, "scoring/red_list_admin.html", {
        "year": year, "scores": selectors.red_list_preview(user=request.user, year=year),
        "publication": selectors.red_list_publication(year),
        "versions": selectors.red_list_versions(year),
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
        return gettext("%(year)d 年度红名单已发布（第 %(version)d 版）。") % {
            "year": result.year, "version": result.version}

    def get_success_url(self, result=None):
        return reverse("scoring:red_list", args=[self.kwargs["year"]])

    def get_cancel_url(self):
        return self.get_success_url()


class RedListCorrect(RedListPublish):
    """A correction: the next version of the year's list, from today's stored scores."""

    form_class = ReasonForm
    title = _("更正红名单")

    def describe(self, form):
        current = selectors.red_list_publication(self.kwargs["year"])
        count = selectors.red_list_preview(user=self.request.user,
                                           year=self.kwargs["year"]).count()
        return [gettext("将发布 %(year)d 年度红名单第 %(version)d 版，共 %(count)d 家机构。") % {
                    "year": self.kwargs["year"], "count": count,
                    "version": current.version + 1 if current else 1},
                gettext("之前的版本仍在公开页面列出。"),
                gettext("理由：%(reason)s") % {"reason": form.cleaned_data["reason"]}]

    def perform(self, form):
        return services.red_list_publish(acting_user=self.request.user,
                                         year=self.kwargs["year"],
                                         reason=form.cleaned_data["reason"])


@login_not_required
def red_list_public(request, year: int, version: int | None = None):
    """A published red list of a year (the current version unless one is named): public,
    printable, no navigation, with every version listed."""
    publication, entries, versions = selectors.published_red_list(year, version)
    return render(request, "scoring/red_list_public.html", {
        "publication": publication, "entries": entries, "year": year, "versions": versions,
        "current": versions[0]})


@login_not_required
def red_list_index(request):
    """Every year with a published red list: /redlist/."""
    return render(request, "scoring/red_list_index.html",
                  {"years": selectors.published_years()})
