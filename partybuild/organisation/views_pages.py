"""Read pages of the organisation structure: lists with filters and exports, detail pages."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from partybuild.audit.services import audit_record
from partybuild.core.access import institution_reader_required, structure_reader_required
from partybuild.core.views import ListPage

from . import selectors
from .filters import BranchFilter, InstitutionFilter, MemberFilter, PairingFilter
from .tables import BranchTable, InstitutionTable, MemberTable, PairingTable


class InstitutionList(ListPage):
    count_rows = staticmethod(selectors.kept_count)
    keep_choices = staticmethod(selectors.kept_rows)
    keep_page_keys = staticmethod(selectors.kept_page_keys)
    read_page_in_two_steps = True
    allow_instructors = True
    table_class = InstitutionTable
    filterset_class = InstitutionFilter
    template_name = "organisation/institution_list.html"
    export_name = _("培训机构")

    def get_queryset(self):
        self.day = selectors.today_or(None)
        return selectors.institution_list(user=self.request.user, day=self.day)

    def read_rows(self, keys):
        return selectors.institution_rows(keys, day=self.day)

    def read_page_keys(self, sliced):
        region = (getattr(self.filterset.form, "cleaned_data", None) or {}).get("region")
        if region is None:
            return None
        regions = getattr(self.filterset.form.fields["region"], "kept_rows", None)
        return selectors.institution_page_keys_by_region(sliced, region, regions)


class BranchList(ListPage):
    count_rows = staticmethod(selectors.kept_count)
    table_class = BranchTable
    filterset_class = BranchFilter
    template_name = "organisation/branch_list.html"
    export_name = _("党支部")

    def get_queryset(self):
        return selectors.branch_list(user=self.request.user)


class MemberList(ListPage):
    count_rows = staticmethod(selectors.kept_count)
    table_class = MemberTable
    filterset_class = MemberFilter
    template_name = "organisation/member_list.html"
    export_name = _("党员")
    personal_data_purpose = _("党员组织关系管理与年检")

    def get_queryset(self):
        return selectors.member_list(user=self.request.user)


class PairingList(ListPage):
    count_rows = staticmethod(selectors.kept_count)
    table_class = PairingTable
    filterset_class = PairingFilter
    template_name = "organisation/pairing_list.html"
    export_name = _("结对共建")

    def get_queryset(self):
        return selectors.pairing_list(user=self.request.user)


@institution_reader_required
def institution_detail(request, pk: int):
    detail = selectors.institution_detail(user=request.user, pk=pk)
    return render(request, "organisation/institution_detail.html",
                  {"detail": detail, "institution": detail.institution})


@structure_reader_required
def branch_detail(request, pk: int):
    detail = selectors.branch_detail(user=request.user, pk=pk)
    return render(request, "organisation/branch_detail.html",
                  {"detail": detail, "branch": detail.branch})


@structure_reader_required
def member_detail(request, pk: int):
    detail = selectors.member_detail(user=request.user, pk=pk)
    audit_record("personal_view", request=request, obj=detail.member)
    return render(request, "organisation/member_detail.html",
                  {"detail": detail, "member": detail.member})
