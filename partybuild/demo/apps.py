from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "partybuild.demo"
    verbose_name = "演示数据"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment check)
