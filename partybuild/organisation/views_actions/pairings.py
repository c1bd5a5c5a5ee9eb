"""Confirmed staff actions on pairings with school branches."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partybuild.core.services import fmt
from partybuild.core.views_confirm import ConfirmedActionView

from .. import forms, services
from ..models import Pairing
from ..scoping import branches_visible_to


class PairingCreate(ConfirmedActionView):
    form_class = forms.PairingCreateForm
    title = _("新增结对共建")

    def get_initial(self):
        return {"branch": self.request.GET.get("branch")}

    def describe(self, form):
        data = form.cleaned_data
        return [gettext("将从 %(start)s 起“%(branch)s”与 %(school)s %(school_branch)s 结对共建。")
                % {"start": fmt(data["start"]), "branch": data["branch"].name,
                   "school": data["school"], "school_branch": data["school_branch_name"]}]

    def perform(self, form):
        data = form.cleaned_data
        school_branch = services.school_branch_get_or_create(
            acting_user=self.request.user, name=data["school_branch_name"],
            school=data["school"], region=data["branch"].committee.region,
        )
        return services.pairing_create(acting_user=self.request.user, branch=data["branch"],
                                       school_branch=school_branch, start=data["start"])

    def success_message(self, form, result):
        return gettext("“%(branch)s”已与 %(school_branch)s 结对。") % {
            "branch": result.branch.name, "school_branch": result.school_branch}

    def get_success_url(self, result):
        return reverse("organisation:pairing_list")

    def get_cancel_url(self):
        return reverse("organisation:pairing_list")


class PairingEnd(ConfirmedActionView):
    form_class = forms.EndOnForm
    title = _("结束结对共建")
    danger = True

    def get_object(self):
        return get_object_or_404(Pairing, pk=self.kwargs["pk"],
                                 branch__in=branches_visible_to(self.request.user))

    def describe(self, form):
        return [gettext("“%(branch)s”与 %(school_branch)s 的结对共建将于 %(on)s 结束"
                        "（当天为最后一天）。") % {
            "branch": self.object.branch.name, "school_branch": self.object.school_branch,
            "on": fmt(form.cleaned_data["on"])}]

    def perform(self, form):
        return services.pairing_end(acting_user=self.request.user, pairing=self.object,
                                    **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("已结束“%(branch)s”与 %(school_branch)s 的结对共建。") % {
            "branch": result.branch.name, "school_branch": result.school_branch}

    def get_success_url(self, result):
        return reverse("organisation:pairing_list")

    def get_cancel_url(self):
        return reverse("organisation:pairing_list")
