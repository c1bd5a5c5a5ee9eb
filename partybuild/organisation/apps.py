from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "partybuild.organisation"
    verbose_name = _("组织架构")

    def ready(self):
        from .figures_stamp import install_after_migrate

        # Once per migrate or flush (sender=self), after every app's tables exist.
        post_migrate.connect(install_after_migrate, sender=self,
                             dispatch_uid="organisation_figures_stamp")
