"""Confirmed staff actions on institutions: register and edit."""

import copy

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partybuild.core.services import fmt
from partybuild.core.views_confirm import ConfirmedActionView, describe_changes

from .. import forms, services
from ..scoping import institutions_visible_to
from ..selectors import today_or
from .common import until


class InstitutionCreate(ConfirmedActionView):
    form_class = forms.InstitutionForm
    title = _("新增培训机构")

    def describe(self, form):
        data = form.cleaned_data
        return [
            gettext("将新增培训机构“%(name)s”。") % {"name": data["name"]},
            gettext("统一社会信用代码：%(code)s") % {"code": data["credit_code"]},
            gettext("所属区划：%(region)s") % {"region": data["region"]},
            gettext("开办日期：%(day)s") % {"day": fmt(data["opened_on"])},
        ]

    def perform(self, form):
        return services.institution_create(acting_user=self.request.user, **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("已新增培训机构“%(name)s”。") % {"name": result.name}

    def get_success_url(self, result):
        return reverse("organisation:institution_detail", args=[result.pk])

    def get_cancel_url(self):
        return reverse("organisation:institution_list")


class InstitutionUpdate(ConfirmedActionView):
    form_class = forms.InstitutionForm
    title = _("修改机构信息")

    def get_object(self):
        return get_object_or_404(institutions_visible_to(self.request.user), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        # The form edits a copy, so the summary can still show the old values.
        return {**super().get_form_kwargs(), "instance": copy.copy(self.object)}

    def describe(self, form):
        headline = gettext("将修改培训机构“%(name)s”的以下信息：") % {"name": self.object.name}
        return [headline, *describe_changes(form, self.object)]

    def perform(self, form):
        return services.institution_update(acting_user=self.request.user,
                                           institution=self.object, **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("已保存培训机构“%(name)s”的修改。") % {"name": result.name}

    def get_success_url(self, result):
        return reverse("organisation:institution_detail", args=[result.pk])

    def get_cancel_url(self):
        return reverse("organisation:institution_detail", args=[self.object.pk])


class InstitutionCover(ConfirmedActionView):
    """Cover an uncovered institution by a branch the user picks (the gap page's fix)."""

    form_class = forms.InstitutionCoverForm
    title = _("安排支部覆盖")

    def get_object(self):
        return get_object_or_404(institutions_visible_to(self.request.user), pk=self.kwargs["pk"])

    def get_initial(self):
        return {"branch": self.request.GET.get("branch"), "start": today_or(None)}

    def describe(self, form):
        data = form.cleaned_data
        return [gettext("将从 %(start)s 起由“%(branch)s”覆盖机构“%(institution)s”，"
                        "%(end)s。") % {
            "start": fmt(data["start"]), "branch": data["branch"].name,
            "institution": self.object.name, "end": until(data["end"]),
        }]

    def perform(self, form):
        return services.coverage_add(acting_user=self.request.user,
                                     institution=self.object, **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("“%(branch)s”已开始覆盖“%(institution)s”。") % {
            "branch": result.branch.name, "institution": self.object.name}

    def get_success_url(self, result):
        return reverse("organisation:institution_detail", args=[self.object.pk])

    def get_cancel_url(self):
        return reverse("organisation:institution_detail", args=[self.object.pk])
