from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "partybuild.demo"
    verbose_name = "演示数据"
