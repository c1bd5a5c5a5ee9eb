from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "partybuild.audit"
    verbose_name = _("安全审计")

    def ready(self):
        # Sign-ins, sign-outs, lockouts, account changes and admin changes are recorded by
        # signal receivers: they happen in Django, axes and the admin, not in our views.
        from . import receivers  # noqa: F401
