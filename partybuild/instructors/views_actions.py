"""Staff actions on instructors and assignments; each one is confirmed before it is written."""

import copy
from datetime import timedelta

from django.db.models import Exists, OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partybuild.core.services import fmt
from partybuild.core.views_bulk import BulkActionView
from partybuild.core.views_confirm import ConfirmedActionView, describe_changes
from partybuild.organisation.scoping import institutions_visible_to
from partybuild.organisation.selectors import today_or

from . import forms, services
from .models import Assignment, Instructor
from .scoping import instructors_visible_to

ONE_DAY = timedelta(days=1)


class InstructorCreate(ConfirmedActionView):
    form_class = forms.InstructorForm
    title = _("新增党建指导员")

    def describe(self, form):
        data = form.cleaned_data
        return [
            gettext("将新增党建指导员 %(name)s（编号 %(number)s）。") % {
                "name": data["name"], "number": data["number"]},
            gettext("来源：%(type)s · %(org)s") % {
                "type": Instructor.SourceType(data["source_type"]).label,
                "org": data["source_org"]},
            gettext("所属区划：%(region)s") % {"region": data["region"]},
        ]

    def perform(self, form):
        return services.instructor_create(acting_user=self.request.user, **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("已新增党建指导员 %(name)s。") % {"name": result.name}

    def get_success_url(self, result):
        return reverse("instructors:instructor_detail", args=[result.pk])

    def get_cancel_url(self):
        return reverse("instructors:instructor_list")


class InstructorUpdate(ConfirmedActionView):
    form_class = forms.InstructorForm
    title = _("修改指导员信息")

    def get_object(self):
        return get_object_or_404(instructors_visible_to(self.request.user), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        # The form edits a copy, so the summary can still show the old values.
        return {**super().get_form_kwargs(), "instance": copy.copy(self.object)}

    def describe(self, form):
        headline = gettext("将修改党建指导员 %(name)s 的以下信息：") % {"name": self.object.name}
        return [headline, *describe_changes(form, self.object)]

    def perform(self, form):
        return services.instructor_update(acting_user=self.request.user,
                                          instructor=self.object, **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("已保存党建指导员 %(name)s 的修改。") % {"name": result.name}

    def get_success_url(self, result):
        return reverse("instructors:instructor_detail", args=[result.pk])

    def get_cancel_url(self):
        return reverse("instructors:instructor_detail", args=[self.object.pk])


class AssignmentCreate(ConfirmedActionView):
    form_class = forms.AssignmentCreateForm
    title = _("派驻指导员")

    def get_initial(self):
        return {"institution": self.request.GET.get("institution"),
                "instructor": self.request.GET.get("instructor")}

    def describe(self, form):
        data = form.cleaned_data
        end = (gettext("至 %(end)s") % {"end": fmt(data["end"])} if data["end"]
               else gettext("不设结束日期"))
        return [gettext("将从 %(start)s 起派驻指导员 %(instructor)s 到机构“%(institution)s”，"
                        "%(end)s。") % {
            "start": fmt(data["start"]), "instructor": data["instructor"].name,
            "institution": data["institution"].name, "end": end}]

    def perform(self, form):
        return services.assignment_create(acting_user=self.request.user, **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("已派驻 %(instructor)s 到“%(institution)s”。") % {
            "instructor": result.instructor.name, "institution": result.institution.name}

    def get_success_url(self, result):
        return reverse("instructors:instructor_detail", args=[result.instructor_id])

    def get_cancel_url(self):
        institution = self.request.GET.get("institution")
        if institution and institution.isdigit():
            return reverse("organisation:institution_detail", args=[institution])
        return reverse("instructors:instructor_list")


class AssignmentEnd(ConfirmedActionView):
    form_class = forms.AssignmentEndForm
    title = _("结束派驻")
    danger = True

    def get_object(self):
        return get_object_or_404(Assignment, pk=self.kwargs["pk"],
                                 institution__in=institutions_visible_to(self.request.user))

    def describe(self, form):
        on = form.cleaned_data["on"]
        return [
            gettext("指导员 %(instructor)s 在机构“%(institution)s”的派驻将于 %(on)s 结束"
                    "（当天为最后一天）。") % {"instructor": self.object.instructor.name,
                                         "institution": self.object.institution.name,
                                         "on": fmt(on)},
            gettext("从 %(next)s 起如未派驻新的指导员，该机构将出现在覆盖缺口中；"
                    "如需直接换人，请使用“更换指导员”。") % {"next": fmt(on + ONE_DAY)},
        ]

    def perform(self, form):
        return services.assignment_end(acting_user=self.request.user, assignment=self.object,
                                       **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("已结束 %(instructor)s 在“%(institution)s”的派驻。") % {
            "instructor": result.instructor.name, "institution": result.institution.name}

    def get_success_url(self, result):
        return reverse("instructors:instructor_detail", args=[self.object.instructor_id])

    def get_cancel_url(self):
        return reverse("instructors:instructor_detail", args=[self.object.instructor_id])


class AssignmentReassign(ConfirmedActionView):
    form_class = forms.AssignmentReassignForm
    title = _("更换指导员")

    def get_object(self):
        return get_object_or_404(institutions_visible_to(self.request.user), pk=self.kwargs["pk"])

    def describe(self, form):
        instructor, on = form.cleaned_data["instructor"], form.cleaned_data["on"]
        current = (self.object.assignments.holding_on(on).select_related("instructor").first())
        if current is None:
            return [gettext("机构“%(institution)s”在 %(on)s 没有指导员，将从当天起派驻 "
                            "%(instructor)s。") % {"institution": self.object.name,
                                                  "on": fmt(on), "instructor": instructor.name}]
        return [gettext("将从 %(on)s 起由指导员 %(new)s 接替 %(old)s 负责机构“%(institution)s”；"
                        "%(old)s 的派驻于 %(last)s 结束。") % {
            "on": fmt(on), "new": instructor.name, "old": current.instructor.name,
            "institution": self.object.name, "last": fmt(on - ONE_DAY)}]

    def perform(self, form):
        return services.assignment_reassign(acting_user=self.request.user,
                                            institution=self.object, **form.cleaned_data)

    def success_message(self, form, result):
        return gettext("“%(institution)s”的指导员已更换为 %(instructor)s。") % {
            "institution": self.object.name, "instructor": result.instructor.name}

    def get_success_url(self, result):
        return reverse("organisation:institution_detail", args=[self.object.pk])

    def get_cancel_url(self):
        return reverse("organisation:institution_detail", args=[self.object.pk])


class AssignmentBulkReassign(BulkActionView):
    """Hand several institutions to another instructor from one date (an instructor leaves,
    a caseload is split): each row goes through services.assignment_reassign, which ends the
    current assignment the day before and starts the new one, as the single action."""

    form_class = forms.AssignmentReassignForm
    title = _("批量更换指导员")
    intro = _("勾选要改派的机构，选择接任指导员和更换日期；原指导员的派驻于前一天结束。")
    headers = (_("机构"), _("现任指导员"), _("派驻开始日期"))

    def get_initial(self):
        return {"on": today_or(None)}

    def get_scope(self):
        return institutions_visible_to(self.request.user)

    def get_candidates(self):
        current = (Assignment.objects.holding_on(today_or(None))
                   .filter(institution=OuterRef("pk")).order_by("-start"))
        rows = (self.get_scope().filter(Exists(current))
                .annotate(current_instructor=Subquery(current.values("instructor__name")[:1]),
                          current_since=Subquery(current.values("start")[:1])))
        instructor = self.request.GET.get("instructor", "")
        if instructor.isdigit():
            rows = rows.filter(Exists(current.filter(instructor_id=int(instructor))))
        return rows.order_by("name", "pk")

    def row_cells(self, obj):
        since = getattr(obj, "current_since", None)
        return [obj.name, getattr(obj, "current_instructor", None) or "—",
                fmt(since) if since else "—"]

    def row_label(self, obj):
        return gettext("机构“%(institution)s”") % {"institution": obj.name}

    def _current(self, form) -> dict:
        """Each selected institution's assignment on the change date, read in one query."""
        if not hasattr(self, "_current_on"):
            on = form.cleaned_data["on"]
            self._current_on = {
                a.institution_id: a for a in Assignment.objects.holding_on(on)
                .filter(institution__in=self.lookup_ids).select_related("instructor")}
        return self._current_on

    def render_confirm(self, form, rows):
        self.lookup_ids = [obj.pk for obj in rows]
        return super().render_confirm(form, rows)

    def describe_row(self, obj, form):
        instructor, on = form.cleaned_data["instructor"], form.cleaned_data["on"]
        current = self._current(form).get(obj.pk)
        if current is None:
            return gettext("机构“%(institution)s”在 %(on)s 没有指导员，将从当天起派驻 "
                           "%(instructor)s。") % {"institution": obj.name, "on": fmt(on),
                                                 "instructor": instructor.name}
        return gettext("将从 %(on)s 起由指导员 %(new)s 接替 %(old)s 负责机构“%(institution)s”；"
                       "%(old)s 的派驻于 %(last)s 结束。") % {
            "on": fmt(on), "new": instructor.name, "old": current.instructor.name,
            "institution": obj.name, "last": fmt(on - ONE_DAY)}

    def perform_row(self, obj, form):
        return services.assignment_reassign(acting_user=self.request.user, institution=obj,
                                            **form.cleaned_data)

    def success_message(self, count, form):
        return gettext("已将 %(count)s 家机构改派给指导员 %(instructor)s，自 %(on)s 起生效。") % {
            "count": count, "instructor": form.cleaned_data["instructor"].name,
            "on": fmt(form.cleaned_data["on"])}

    def get_success_url(self):
        instructor = self.request.GET.get("instructor", "")
        if instructor.isdigit() and instructors_visible_to(self.request.user).filter(
                pk=int(instructor)).exists():
            return reverse("instructors:instructor_detail", args=[int(instructor)])
        return reverse("instructors:instructor_list")
