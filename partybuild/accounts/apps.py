from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    # This module defines two configs, so Django would not pick this one by itself and the
    # admin index showed the bare label "ACCOUNTS".
    default = True
    name = "partybuild.accounts"
    verbose_name = _("用户与权限")


class LoginProtectionConfig(AxesAppConfig):
    """django-axes under a name the admin index shows in the interface language."""

    verbose_name = _("登录保护")
