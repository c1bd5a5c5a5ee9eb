from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "partybuild.scoring"
    verbose_name = _("年度评分与年检")
