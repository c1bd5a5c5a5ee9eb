"""Deployment check: no demo account with its published password on a production server.

The demo logins and their password are printed by `make run` and written in the README;
under production settings (`manage.py check --deploy`, `security_check`) they must be gone.
"""

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from partybuild.accounts.models import User

from .common import DEMO_PASSWORD
from .users import DEMO_USERS

DEMO_ACCOUNTS_CHECK_ID = "partybuild.E001"


def demo_accounts_left() -> list[str]:
    """User names of active demo accounts that still open with the demo password."""
    names = [username for username, *_rest in DEMO_USERS]
    try:
        users = list(User.objects.filter(username__in=names, is_active=True)
                     .values_list("username", "password"))
    except DatabaseError:  # not migrated yet: there are no accounts at all
        return []
    return sorted(name for name, stored in users if check_password(DEMO_PASSWORD, stored))


@register(Tags.security, deploy=True)
def check_demo_accounts(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    left = demo_accounts_left()
    if not left:
        return []
    return [Error(
        f"演示账户仍可用演示密码登录：{', '.join(left)}。生产环境不得保留默认账户。",
        hint="删除或停用这些账户（后台“用户”），或为其设置新密码。",
        id=DEMO_ACCOUNTS_CHECK_ID,
    )]
