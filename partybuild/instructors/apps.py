from django.apps import AppConfig


class InstructorsConfig(AppConfig):
    name = "partybuild.instructors"
    verbose_name = "党建指导员"
