"""Confirmed staff actions on branches: found, edit, cover, dissolve, merge, secretary."""

import copy

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partybuild.core.services import fmt
from partybuild.core.views_confirm import ConfirmedActionView, describe_changes

from .. import forms, services
from ..models import Branch, Coverage
from ..scoping import branches_visible_to
from ..selectors import today_or
from ..services import ONE_DAY
from .common import names, until


class BranchActionView(ConfirmedActionView):
    """An action on one branch the user may see."""

    def get_object(self):
        return get_object_or_404(
            branches_visible_to(self.request.user).select_related("committee__region"),
            pk=self.kwargs["pk"],
        )

    def get_success_url(self, result):
        return reverse("organisation:branch_detail", args=[self.object.pk])

    def get_cancel_url(self):
        return reverse("organisation:branch_detail", args=[self.object.pk])


class BranchCreate(ConfirmedActionView):
    form_class = forms.BranchCreateForm
    title = _("成立党支部")

    def describe(self, form):
        data = form.cleaned_data
        kind = Branch.Kind(data["kind"]).label
        return [gettext("将于 %(day)s 在“%(committee)s”下成立%(kind)s“%(name)s”。") % {
            "day": fmt(data["founded_on"]), "committee": data["committee"], "kind": kind,
            "name": data["name"],
        }, gettext("成立后请在支部页面添加其覆盖的机构和党员。")]

    def perform(self, form):
        return services.branch_create(acting_user=self.request.user, **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("已成立“%(name)s”。") % {"name": result.name}

    def get_success_url(self, result):
        return reverse("organisation:branch_detail", args=[result.pk])

    def get_cancel_url(self):
        return reverse("organisation:branch_list")


class BranchUpdate(BranchActionView):
    form_class = forms.BranchUpdateForm
    title = _("修改支部信息")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": copy.copy(self.object)}

    def describe(self, form):
        headline = gettext("将修改“%(name)s”的以下信息：") % {"name": self.object.name}
        return [headline, *describe_changes(form, self.object)]

    def perform(self, form):
        return services.branch_update(acting_user=self.request.user, branch=self.object,
                                      **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("已保存“%(name)s”的修改。") % {"name": result.name}


class CoverageAdd(BranchActionView):
    form_class = forms.CoverageAddForm
    title = _("新增覆盖机构")

    def get_initial(self):
        # The gaps page links here with the uncovered institution already chosen.
        return {"institution": self.request.GET.get("institution"), "start": today_or(None)}

    def describe(self, form):
        data = form.cleaned_data
        return [gettext("将从 %(start)s 起由“%(branch)s”覆盖机构“%(institution)s”，"
                        "%(end)s。") % {
            "start": fmt(data["start"]), "branch": self.object.name,
            "institution": data["institution"].name, "end": until(data["end"]),
        }]

    def perform(self, form):
        return services.coverage_add(acting_user=self.request.user, branch=self.object,
                                     **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("“%(branch)s”已开始覆盖“%(institution)s”。") % {
            "branch": self.object.name, "institution": result.institution.name}


class CoverageEnd(ConfirmedActionView):
    form_class = forms.EndOnForm
    title = _("结束支部覆盖")
    danger = True

    def get_object(self):
        return get_object_or_404(Coverage, pk=self.kwargs["pk"],
                                 branch__in=branches_visible_to(self.request.user))

    def describe(self, form):
        on = form.cleaned_data["on"]
        return [
            gettext("“%(branch)s”对机构“%(institution)s”的覆盖将于 %(on)s 结束"
                    "（当天为最后一天）。") % {"branch": self.object.branch.name,
                                         "institution": self.object.institution.name,
                                         "on": fmt(on)},
            gettext("从 %(next)s 起如无其他支部覆盖，该机构将出现在覆盖缺口中。")
            % {"next": fmt(on + ONE_DAY)},
        ]

    def perform(self, form):
        return services.coverage_end(acting_user=self.request.user, coverage=self.object,
                                     **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("已结束“%(branch)s”对“%(institution)s”的覆盖。") % {
            "branch": result.branch.name, "institution": result.institution.name}

    def get_success_url(self, result):
        return reverse("organisation:branch_detail", args=[self.object.branch_id])

    def get_cancel_url(self):
        return reverse("organisation:branch_detail", args=[self.object.branch_id])


class BranchDissolve(BranchActionView):
    form_class = forms.BranchDissolveForm
    title = _("撤销党支部")
    danger = True

    def describe(self, form):
        on = form.cleaned_data["on"]
        after = on + ONE_DAY
        institutions = [c.institution for c in self.object.coverages.holding_on(after)
                        .select_related("institution")]
        members = [m.member for m in self.object.memberships.holding_on(after)
                   .select_related("member")]
        pairings = list(self.object.pairings.holding_on(after).select_related("school_branch"))
        lines = [gettext("将于 %(on)s 撤销“%(branch)s”：以下 %(institutions)s 家机构的覆盖、"
                         "%(members)s 名党员的组织关系、%(pairings)s 项结对共建在当天结束。") % {
            "on": fmt(on), "branch": self.object.name, "institutions": len(institutions),
            "members": len(members), "pairings": len(pairings),
        }]
        if institutions:
            lines.append(gettext("机构：%(names)s") % {"names": names(institutions)})
        if members:
            lines.append(gettext("党员：%(names)s") % {"names": names(m.name for m in members)})
        if pairings:
            lines.append(gettext("结对学校支部：%(names)s")
                         % {"names": names(p.school_branch for p in pairings)})
        if institutions or members:
            lines.append(gettext("这些机构和党员之后需要另行安排支部；如需整体并入其他支部，请改用“合并”。"))
        return lines

    def perform(self, form):
        return services.branch_dissolve(acting_user=self.request.user, branch=self.object,
                                        **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("已撤销“%(branch)s”，撤销日期 %(on)s。") % {
            "branch": result.name, "on": fmt(result.dissolved_on)}


class BranchMerge(BranchActionView):
    form_class = forms.BranchMergeForm
    title = _("合并党支部")
    danger = True

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "source": self.object}

    def describe(self, form):
        target, on = form.cleaned_data["target"], form.cleaned_data["on"]
        institutions = [c.institution for c in self.object.coverages.holding_on(on)
                        .select_related("institution")]
        members = [m.member for m in self.object.memberships.holding_on(on)
                   .select_related("member")]
        pairings = list(self.object.pairings.holding_on(on).select_related("school_branch"))
        lines = [gettext("将于 %(on)s 把“%(source)s”合并到“%(target)s”：以下 %(institutions)s "
                         "家机构的覆盖、%(members)s 名党员的组织关系转入“%(target)s”；"
                         "“%(source)s”撤销日期为 %(last)s。") % {
            "on": fmt(on), "source": self.object.name, "target": target.name,
            "institutions": len(institutions), "members": len(members),
            "last": fmt(on - ONE_DAY),
        }]
        if institutions:
            lines.append(gettext("机构：%(names)s") % {"names": names(institutions)})
        if members:
            lines.append(gettext("党员：%(names)s") % {"names": names(m.name for m in members)})
        if pairings:
            lines.append(gettext("%(count)s 项结对共建一并转入：%(names)s") % {
                "count": len(pairings), "names": names(p.school_branch for p in pairings)})
        lines.append(gettext("原支部书记的书记职务不随之转移，如需请在“%(target)s”另行设置书记。")
                     % {"target": target.name})
        return lines

    def perform(self, form):
        return services.branch_merge(acting_user=self.request.user, source=self.object,
                                     **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("已将“%(source)s”合并到“%(target)s”。") % {
            "source": self.object.name, "target": result.name}

    def get_success_url(self, result):
        return reverse("organisation:branch_detail", args=[result.pk])


class SecretarySet(BranchActionView):
    form_class = forms.SecretarySetForm
    title = _("设置支部书记")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "branch": self.object}

    def describe(self, form):
        member, on = form.cleaned_data["member"], form.cleaned_data["on"]
        lines = [gettext("将从 %(on)s 起由 %(member)s 担任“%(branch)s”书记。") % {
            "on": fmt(on), "member": member.name, "branch": self.object.name}]
        previous = (self.object.memberships.filter(is_secretary=True).holding_on(on)
                    .exclude(member=member).select_related("member").first())
        if previous is not None:
            lines.append(gettext("原书记 %(member)s 于 %(last)s 卸任，仍为本支部党员。") % {
                "member": previous.member.name, "last": fmt(on - ONE_DAY)})
        return lines

    def perform(self, form):
        return services.secretary_set(acting_user=self.request.user, branch=self.object,
                                      **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("%(member)s 已担任“%(branch)s”书记。") % {
            "member": result.member.name, "branch": self.object.name}
