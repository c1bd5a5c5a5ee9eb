from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "partybuild.home"
    verbose_name = "首页"
