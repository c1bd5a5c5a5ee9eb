"""Bulk close-out (销号) of rectified hazards, one confirmation for all of them."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partybuild.core.services import fmt
from partybuild.core.views_bulk import BulkActionView
from partybuild.organisation.selectors import today_or

from . import forms, services
from .scoping import hazards_visible_to
from .selectors import hazard_tab_q


class HazardBulkCloseOut(BulkActionView):
    """Close out several rectified hazards on one date through services.hazard_close_out.

    Only hazards in the 已整改 tab (rectified, not yet closed out) are offered; a posted
    hazard in another state is refused by the service in the dry run, before confirmation.
    """

    form_class = forms.HazardCloseOutForm
    title = _("批量隐患销号")
    intro = _("以下为已整改、待销号的隐患。勾选核查无误的隐患，选择销号日期。")
    headers = (_("机构"), _("发现日期"), _("描述"), _("整改完成日期"))

    def get_initial(self):
        return {"on": today_or(None)}

    def get_scope(self):
        return hazards_visible_to(self.request.user).select_related("institution")

    def get_candidates(self):
        rows = self.get_scope().filter(hazard_tab_q("rectified", today_or(None)))
        institution = self.request.GET.get("institution", "")
        if institution.isdigit():
            rows = rows.filter(institution_id=int(institution))
        return rows.order_by("rectified_on", "institution__name", "pk")

    def row_cells(self, obj):
        return [obj.institution.name, fmt(obj.found_on), obj.description,
                fmt(obj.rectified_on) if obj.rectified_on else gettext("（未整改）")]

    def row_label(self, obj):
        return gettext("机构“%(institution)s” %(day)s 发现的隐患") % {
            "institution": obj.institution.name, "day": fmt(obj.found_on)}

    def describe_row(self, obj, form):
        return gettext("将于 %(on)s 为机构“%(institution)s”的隐患“%(description)s”销号"
                       "（整改完成于 %(rectified)s）。") % {
            "on": fmt(form.cleaned_data["on"]), "institution": obj.institution.name,
            "description": obj.description, "rectified": fmt(obj.rectified_on)}

    def perform_row(self, obj, form):
        return services.hazard_close_out(acting_user=self.request.user, hazard=obj,
                                         on=form.cleaned_data["on"])

    def success_message(self, count, form):
        return gettext("已为 %(count)s 条隐患销号，销号日期 %(on)s。") % {
            "count": count, "on": fmt(form.cleaned_data["on"])}

    def get_success_url(self):
        return reverse("visits:hazard_list") + "?status=rectified"
