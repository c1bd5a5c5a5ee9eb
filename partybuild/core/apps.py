from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "partybuild.core"
    verbose_name = "通用"

    def ready(self):
        from .tables_speedup import install

        install()
