"""Bulk actions on the organisation structure: end several coverages on one date."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partybuild.core.services import fmt
from partybuild.core.views_bulk import BulkActionView

from .. import forms, services
from ..models import Coverage
from ..scoping import branches_visible_to
from ..selectors import today_or


class CoverageBulkEnd(BulkActionView):
    """End the coverage of several institutions at once (a branch restructured, a street
    handed over); each row goes through services.coverage_end, as the single action."""

    form_class = forms.EndOnForm
    title = _("批量结束支部覆盖")
    intro = _("勾选要结束的覆盖，选择结束日期（当天为最后一天）。")
    danger = True
    headers = (_("机构"), _("党支部"), _("开始日期"), _("结束日期"))

    def get_initial(self):
        return {"on": today_or(None)}

    def get_scope(self):
        return (Coverage.objects.filter(branch__in=branches_visible_to(self.request.user))
                .select_related("branch", "institution"))

    def get_candidates(self):
        # Coverages still holding today or later: ended ones cannot be ended again.
        rows = self.get_scope().overlapping(today_or(None), None)
        branch = self.request.GET.get("branch", "")
        if branch.isdigit():
            rows = rows.filter(branch_id=int(branch))
        return rows.order_by("branch__name", "institution__name", "start")

    def row_cells(self, obj):
        return [obj.institution.name, obj.branch.name, fmt(obj.start),
                fmt(obj.end) if obj.end else gettext("（未结束）")]

    def row_label(self, obj):
        return gettext("“%(branch)s”对“%(institution)s”的覆盖") % {
            "branch": obj.branch.name, "institution": obj.institution.name}

    def describe_row(self, obj, form):
        return gettext("“%(branch)s”对机构“%(institution)s”的覆盖将于 %(on)s 结束"
                       "（当天为最后一天）。") % {"branch": obj.branch.name,
                                            "institution": obj.institution.name,
                                            "on": fmt(form.cleaned_data["on"])}

    def perform_row(self, obj, form):
        return services.coverage_end(acting_user=self.request.user, coverage=obj,
                                     on=form.cleaned_data["on"])

    def success_message(self, count, form):
        return gettext("已结束 %(count)s 项支部覆盖，最后一天为 %(on)s。") % {
            "count": count, "on": fmt(form.cleaned_data["on"])}

    def get_success_url(self):
        branch = self.request.GET.get("branch", "")
        if branch.isdigit() and branches_visible_to(self.request.user).filter(
                pk=int(branch)).exists():
            return reverse("organisation:branch_detail", args=[int(branch)])
        return reverse("organisation:branch_list")
