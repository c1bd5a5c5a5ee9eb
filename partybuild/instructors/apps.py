from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstructorsConfig(AppConfig):
    name = "partybuild.instructors"
    verbose_name = _("党建指导员")
