from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "partybuild.core"
    verbose_name = _("通用")

    def ready(self):
        from .tables_speedup import install

        install()
