from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "partybuild.points"
    verbose_name = _("红名单积分")
