"""Pages of the red-list points ledger: the region ranking, one institution's ledger, and the
two staff actions on it (add an entry, correct one). There is no edit or delete page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partybuild.core.access import institution_reader_required
from partybuild.core.finality import late_change_notice
from partybuild.core.services import fmt
from partybuild.core.views import ListPage
from partybuild.core.views_confirm import ConfirmedActionView

from . import selectors, services
from .filters import PointRankingFilter, year_from
from .forms import PointEntryCorrectForm, PointEntryForm
from .tables import PointRankingTable, signed

# Institutions in the register opened from the 1990s on; their ledgers may go back that far.
EARLIEST_LEDGER_YEAR = 1990


def ledger_url(institution_pk: int, year: int) -> str:
    return f"{reverse('points:ledger', args=[institution_pk])}?year={year}"


class PointRanking(ListPage):
    """Institutions by net points of a year; instructors are refused (403) like other lists
    of the whole region: they read the ledger of their own institutions instead."""

    table_class = PointRankingTable
    filterset_class = PointRankingFilter
    template_name = "points/ranking.html"
    export_name = _("红名单积分")

    def get_queryset(self):
        return selectors.point_ranking(user=self.request.user, year=self.year)

    def get(self, request, *args, **kwargs):
        self.year = year_from(request.GET)
        return super().get(request, *args, **kwargs)

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "year": self.year}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year"] = self.year
        context["max_score"] = selectors.SCORE_MAX
        return context


@institution_reader_required
def institution_ledger(request, pk: int):
    """One institution's entries of a year with running and net totals."""
    year = year_from(request.GET, earliest=EARLIEST_LEDGER_YEAR)
    ledger = selectors.ledger(user=request.user, institution_pk=pk, year=year)
    return render(request, "points/ledger.html", {
        "ledger": ledger,
        "institution": ledger.institution,
        "may_write": services.may_write_points(request.user),
        "max_score": selectors.SCORE_MAX,
    })


class PointEntryAdd(ConfirmedActionView):
    form_class = PointEntryForm
    title = _("新增积分")

    def get_object(self):
        return selectors.institution_for_points(user=self.request.user, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "institution": self.object}

    def describe(self, form):
        data = form.cleaned_data
        points = data["points"]
        headline = (gettext("将为“%(name)s”加 %(points)s 分。") if points > 0
                    else gettext("将为“%(name)s”扣 %(points)s 分。"))
        return [
            headline % {"name": self.object.name, "points": abs(points)},
            gettext("日期：%(day)s（计入 %(year)d 年度）") % {"day": fmt(data["date"]),
                                                         "year": data["date"].year},
            gettext("事由：%(reason)s") % {"reason": data["reason"]},
            gettext("积分记录保存后不能修改或删除；如有错误，只能录入一条更正记录。"),
            *filter(None, [late_change_notice(data["date"])]),
        ]

    def perform(self, form):
        return services.point_entry_add(acting_user=self.request.user, institution=self.object,
                                        **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("已为“%(name)s”录入积分 %(points)s。") % {
            "name": self.object.name, "points": signed(result.points)}

    def get_success_url(self, result):
        return ledger_url(self.object.pk, result.date.year)

    def get_cancel_url(self):
        return ledger_url(self.object.pk, timezone.localdate().year)


class PointEntryCorrect(ConfirmedActionView):
    form_class = PointEntryCorrectForm
    title = _("更正积分记录")

    def get_object(self):
        return selectors.entry_for_correction(user=self.request.user, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        problem = services.correction_problem(self.object)
        if problem:
            messages.error(request, problem)
            return redirect(self.get_cancel_url())
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "entry": self.object}

    def describe(self, form):
        entry, data = self.object, form.cleaned_data
        return [
            gettext("将录入一条 %(points)s 分的更正记录，抵消“%(name)s”%(day)s 的记录"
                    "（%(old)s 分，事由：%(reason)s）。") % {
                "points": signed(-entry.points), "name": entry.institution.name,
                "day": fmt(entry.date), "old": signed(entry.points), "reason": entry.reason},
            gettext("更正日期：%(day)s") % {"day": fmt(data["date"])},
            gettext("更正原因：%(reason)s") % {"reason": data["reason"]},
            gettext("原记录保留不变；更正后两条记录合计为 0 分。"),
            *filter(None, [late_change_notice(data["date"])]),
        ]

    def perform(self, form):
        return services.point_entry_correct(acting_user=self.request.user, entry=self.object,
                                            **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("已更正“%(name)s” %(day)s 的积分记录。") % {
            "name": self.object.institution.name, "day": fmt(self.object.date)}

    def get_success_url(self, result):
        return ledger_url(self.object.institution_id, result.date.year)

    def get_cancel_url(self):
        return ledger_url(self.object.institution_id, self.object.date.year)
