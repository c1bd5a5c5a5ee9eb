"""Forms for the staff actions on instructors and their assignments (派驻).

Choice fields offer only instructors, institutions and regions in the acting user's scope.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from partybuild.accounts.scoping import regions_visible_to
from partybuild.core.forms import ScopedForm, ScopedModelForm, date_field
from partybuild.organisation.models import Institution
from partybuild.organisation.scoping import institutions_visible_to

from .models import Instructor
from .scoping import instructors_visible_to
from .services import INSTRUCTOR_FIELDS


def instructor_choices(user):
    """Instructors the user may assign: those selected in, or serving in, their regions."""
    return instructors_visible_to(user).order_by("name_key", "number")


class InstructorForm(ScopedModelForm):
    class Meta:
        model = Instructor
        fields = INSTRUCTOR_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        region.queryset = regions_visible_to(self.user).order_by("path")
        # Without a region the instructor would drop out of the county's lists.
        region.required = True
        if self.instance.pk is None:
            region.initial = self.user.region_id


class AssignmentCreateForm(ScopedForm):
    instructor = forms.ModelChoiceField(label=_("指导员"), queryset=Instructor.objects.none())
    institution = forms.ModelChoiceField(label=_("机构"), queryset=Institution.objects.none())
    start = date_field(_("派驻开始日期"))
    end = date_field(_("派驻结束日期"), required=False, help_text=_("长期派驻请留空。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instructor"].queryset = instructor_choices(self.user)
        self.fields["institution"].queryset = (
            institutions_visible_to(self.user).order_by("name_key"))


class AssignmentEndForm(ScopedForm):
    on = date_field(_("派驻结束日期"), help_text=_("指导员在该机构的最后一天（含当天）。"))


class AssignmentReassignForm(ScopedForm):
    instructor = forms.ModelChoiceField(label=_("接任指导员"), queryset=Instructor.objects.none())
    on = date_field(_("更换日期"),
                    help_text=_("自该日起由接任指导员负责；原指导员于前一天结束派驻。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instructor"].queryset = instructor_choices(self.user)
