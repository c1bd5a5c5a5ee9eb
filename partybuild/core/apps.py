from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "partybuild.core"
    verbose_name = "通用"
