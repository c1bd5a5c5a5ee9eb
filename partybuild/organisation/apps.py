from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "partybuild.organisation"
    verbose_name = "组织架构"
