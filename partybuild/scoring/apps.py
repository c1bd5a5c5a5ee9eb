from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "partybuild.scoring"
    verbose_name = _("年度评分与年检")

    def ready(self):
        from django.urls import register_converter

        from .rubric import YearConverter

        # <year:year> in URLs: years outside FIRST_YEAR..LAST_YEAR (0, 99999, a 20-digit
        # number) match no page and answer 404, never a 500 from the database.
        register_converter(YearConverter, "year")
