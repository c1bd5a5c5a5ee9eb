from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def finalised_years() -> list[int]:
    from .models import Rubric

    return list(Rubric.objects.filter(finalised_at__isnull=False).values_list("year", flat=True))


class ScoringConfig(AppConfig):
    name = "partybuild.scoring"
    verbose_name = _("年度评分与年检")

    def ready(self):
        from django.urls import register_converter

        from .rubric import YearConverter

        # <year:year> in URLs: years outside FIRST_YEAR..LAST_YEAR (0, 99999, a 20-digit
        # number) match no page and answer 404, never a 500 from the database.
        register_converter(YearConverter, "year")

        # The apps below scoring warn about finalised years through core, never importing us.
        from partybuild.core.finality import register_finalised_years

        register_finalised_years(finalised_years)
