from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "partybuild.reminders"
    verbose_name = _("工作提醒")
