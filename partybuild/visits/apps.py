from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "partybuild.visits"
    verbose_name = _("走访与隐患")
