"""Confirmed staff actions on party members: register, edit, transfer."""

import copy

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partybuild.core.services import fmt
from partybuild.core.views_confirm import ConfirmedActionView, describe_changes

from .. import forms, services
from ..models import Member
from ..scoping import members_visible_to
from ..selectors import today_or
from ..services import ONE_DAY


class MemberActionView(ConfirmedActionView):
    """An action on one member the user may see."""

    def get_object(self):
        return get_object_or_404(members_visible_to(self.request.user), pk=self.kwargs["pk"])

    def current_membership(self, on):
        return self.object.memberships.holding_on(on).select_related("branch").first()

    def get_success_url(self, result):
        return reverse("organisation:member_detail", args=[self.object.pk])

    def get_cancel_url(self):
        return reverse("organisation:member_detail", args=[self.object.pk])


class MemberCreate(ConfirmedActionView):
    form_class = forms.MemberCreateForm
    title = _("新增党员")

    def get_initial(self):
        # A branch short of full members links here with itself chosen (the gaps page).
        return {"branch": self.request.GET.get("branch"), "start": today_or(None)}

    def describe(self, form):
        data = form.cleaned_data
        lines = [gettext("将新增党员 %(name)s（编号 %(number)s，%(status)s），从 %(start)s 起"
                         "组织关系在“%(branch)s”。") % {
            "name": data["name"], "number": data["number"],
            "status": Member.Status(data["status"]).label, "start": fmt(data["start"]),
            "branch": data["branch"].name,
        }]
        if data["employer"] is not None:
            lines.append(gettext("工作单位：%(employer)s") % {"employer": data["employer"].name})
        return lines

    def perform(self, form):
        return services.member_create(acting_user=self.request.user, **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("已新增党员 %(name)s。") % {"name": result.name}

    def get_success_url(self, result):
        return reverse("organisation:member_detail", args=[result.pk])

    def get_cancel_url(self):
        return reverse("organisation:member_list")


class MemberUpdate(MemberActionView):
    form_class = forms.MemberUpdateForm
    title = _("修改党员信息")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": copy.copy(self.object)}

    def describe(self, form):
        headline = gettext("将修改党员 %(name)s 的以下信息：") % {"name": self.object.name}
        return [headline, *describe_changes(form, self.object)]

    def perform(self, form):
        return services.member_update(acting_user=self.request.user, member=self.object,
                                      **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("已保存党员 %(name)s 的修改。") % {"name": result.name}


class MemberTransfer(MemberActionView):
    form_class = forms.MemberTransferForm
    title = _("转接组织关系")

    def describe(self, form):
        data = form.cleaned_data
        on, to_branch = data["on"], data["to_branch"]
        current = self.current_membership(on)
        if current is None:
            lines = [gettext("党员 %(member)s 在 %(on)s 不属于任何支部，将从当天起转入“%(to)s”。")
                     % {"member": self.object.name, "on": fmt(on), "to": to_branch.name}]
        else:
            lines = [gettext("将于 %(on)s 把党员 %(member)s 的组织关系从“%(from)s”转入“%(to)s”；"
                             "在“%(from)s”的组织关系于 %(last)s 结束。") % {
                "on": fmt(on), "member": self.object.name, "from": current.branch.name,
                "to": to_branch.name, "last": fmt(on - ONE_DAY)}]
            if current.is_secretary:
                lines.append(gettext("该党员是“%(from)s”的书记，转出后该支部需另行设置书记。")
                             % {"from": current.branch.name})
        if data["employer"] is not None:
            lines.append(gettext("新工作单位：%(employer)s") % {"employer": data["employer"].name})
        return lines

    def perform(self, form):
        return services.member_transfer(acting_user=self.request.user, member=self.object,
                                        **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("党员 %(member)s 的组织关系已转入“%(branch)s”。") % {
            "member": self.object.name, "branch": result.branch.name}


class MemberTransferOut(MemberActionView):
    form_class = forms.MemberTransferOutForm
    title = _("转出党员")
    danger = True

    def describe(self, form):
        on = form.cleaned_data["on"]
        current = self.current_membership(on)
        branch = current.branch.name if current else gettext("（无）")
        return [gettext("党员 %(member)s 在“%(branch)s”的组织关系将于 %(on)s 结束（转出），"
                        "此后不再属于本地区任何支部。") % {
            "member": self.object.name, "branch": branch, "on": fmt(on)}]

    def perform(self, form):
        return services.member_transfer_out(acting_user=self.request.user, member=self.object,
                                            **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("党员 %(member)s 已于 %(on)s 转出“%(branch)s”。") % {
            "member": self.object.name, "on": fmt(result.end), "branch": result.branch.name}
