"""Read pages of instructors: the list with caseloads, and one instructor's assignments."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from partybuild.audit.services import audit_record
from partybuild.core.access import instructor_reader_required
from partybuild.core.views import ListPage

from . import selectors
from .filters import InstructorFilter
from .tables import InstructorTable


class InstructorList(ListPage):
    table_class = InstructorTable
    filterset_class = InstructorFilter
    template_name = "instructors/instructor_list.html"
    export_name = _("党建指导员")
    personal_data_purpose = _("党建指导员选派与管理")

    def get_queryset(self):
        return selectors.instructor_list(user=self.request.user)


@instructor_reader_required
def instructor_detail(request, pk: int):
    detail = selectors.instructor_detail(user=request.user, pk=pk)
    audit_record("personal_view", request=request, obj=detail.instructor)
    return render(request, "instructors/instructor_detail.html",
                  {"detail": detail, "instructor": detail.instructor})


@require_POST
@instructor_reader_required
def instructor_phone_reveal(request, pk: int):
    """The full number, for staff who need to call: a POST, recorded in the audit trail."""
    if not request.user.can_edit_structure:
        raise PermissionDenied
    detail = selectors.instructor_detail(user=request.user, pk=pk)
    audit_record("personal_reveal", request=request, obj=detail.instructor, field="phone")
    return render(request, "instructors/instructor_detail.html",
                  {"detail": detail, "instructor": detail.instructor, "phone_revealed": True})
