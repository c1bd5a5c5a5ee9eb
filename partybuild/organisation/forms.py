"""Forms for the staff actions on the organisation structure.

Every choice field offers only records in the acting user's scope, so a forged id from
another county is a form error, never a write. The business checks stay in services.py.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from partybuild.accounts.scoping import regions_visible_to, scope
from partybuild.core.forms import ScopedForm, ScopedModelForm, date_field

from .models import Branch, Committee, Institution, Member
from .scoping import (
    branches_visible_to,
    institutions_visible_to,
    members_visible_to,
)
from .services import INSTITUTION_FIELDS


def active_branches(user):
    """Branches the user may see that have not been dissolved."""
    return branches_visible_to(user).filter(dissolved_on__isnull=True).order_by("name_key", "pk")


class InstitutionForm(ScopedModelForm):
    class Meta:
        model = Institution
        fields = INSTITUTION_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_visible_to(self.user).order_by("path")
        self.fields["credit_code"].help_text = _("18位，GB 32100-2015，含校验位。")


class BranchCreateForm(ScopedModelForm):
    class Meta:
        model = Branch
        fields = ("name", "kind", "committee", "founded_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = scope(Committee.objects.all(), self.user)


class BranchUpdateForm(ScopedModelForm):
    class Meta:
        model = Branch
        fields = ("name", "kind", "committee")
        help_texts = {"kind": _("成立和撤销日期通过撤销、合并等调整办理，不在此修改。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = scope(Committee.objects.all(), self.user)


class CoverageAddForm(ScopedForm):
    institution = forms.ModelChoiceField(label=_("机构"), queryset=Institution.objects.none())
    start = date_field(_("开始日期"), help_text=_("自该日起由本支部覆盖该机构。"))
    end = date_field(_("结束日期"), required=False,
                     help_text=_("覆盖的最后一天；长期覆盖请留空。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = (
            institutions_visible_to(self.user).order_by("name_key"))


class InstitutionCoverForm(ScopedForm):
    """Cover one institution (from the gaps page): the branch is what the user chooses."""

    branch = forms.ModelChoiceField(label=_("覆盖支部"), queryset=Branch.objects.none())
    start = date_field(_("开始日期"), help_text=_("自该日起由该支部覆盖本机构。"))
    end = date_field(_("结束日期"), required=False,
                     help_text=_("覆盖的最后一天；长期覆盖请留空。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = active_branches(self.user)


class EndOnForm(ScopedForm):
    """The one date an "end" action needs: the last day the period holds."""

    on = date_field(_("结束日期"), help_text=_("该日为最后一天（含当天）。"))


class BranchDissolveForm(ScopedForm):
    on = date_field(_("撤销日期"),
                    help_text=_("支部存续的最后一天；当天结束其覆盖、组织关系和结对共建。"))


class BranchMergeForm(ScopedForm):
    target = forms.ModelChoiceField(label=_("并入支部"), queryset=Branch.objects.none())
    on = date_field(_("合并生效日期"),
                    help_text=_("自该日起由并入支部接管；被合并支部的撤销日期为前一天。"))

    def __init__(self, *args, source: Branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = active_branches(self.user).exclude(pk=source.pk)


class MemberCreateForm(ScopedModelForm):
    branch = forms.ModelChoiceField(label=_("所在支部"), queryset=Branch.objects.none())
    start = date_field(_("转入日期"), help_text=_("组织关系转入该支部的日期。"))
    employer = forms.ModelChoiceField(label=_("工作单位"), required=False,
                                      queryset=Institution.objects.none())

    class Meta:
        model = Member
        fields = ("number", "name", "gender", "status", "joined_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = active_branches(self.user)
        self.fields["employer"].queryset = institutions_visible_to(self.user).order_by("name_key")


class MemberUpdateForm(ScopedModelForm):
    class Meta:
        model = Member
        fields = ("name", "gender", "status", "joined_on")
        help_texts = {"name": _("所在支部通过“转接组织关系”办理，不在此修改。")}


class MemberTransferForm(ScopedForm):
    to_branch = forms.ModelChoiceField(label=_("转入支部"), queryset=Branch.objects.none())
    on = date_field(_("转入日期"), help_text=_("原组织关系于前一天结束。"))
    employer = forms.ModelChoiceField(label=_("新工作单位"), required=False,
                                      queryset=Institution.objects.none(),
                                      help_text=_("留空则沿用原工作单位。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_branch"].queryset = active_branches(self.user)
        self.fields["employer"].queryset = institutions_visible_to(self.user).order_by("name_key")


class MemberTransferOutForm(ScopedForm):
    on = date_field(_("转出日期"), help_text=_("在本地区支部的最后一天（含当天）。"))


class SecretarySetForm(ScopedForm):
    member = forms.ModelChoiceField(label=_("书记"), queryset=Member.objects.none())
    on = date_field(_("任职日期"), help_text=_("原书记于前一天卸任。"))

    def __init__(self, *args, branch: Branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (
            members_visible_to(self.user).filter(memberships__branch=branch)
            .distinct().order_by("name_key", "pk")
        )


class PairingCreateForm(ScopedForm):
    branch = forms.ModelChoiceField(label=_("机构党支部"), queryset=Branch.objects.none())
    school = forms.CharField(label=_("学校"), max_length=200)
    school_branch_name = forms.CharField(label=_("学校党支部"), max_length=200,
                                         help_text=_("例如：第一党支部"))
    start = date_field(_("结对开始日期"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = active_branches(self.user)
