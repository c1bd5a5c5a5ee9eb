"""Password policy of 等保 2.0 level 3: character classes, no reuse, expiry, forced change."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

CLASSES = (
    ("lower", str.islower),
    ("upper", str.isupper),
    ("digit", str.isdigit),
    ("other", lambda char: not char.isalnum()),
)


class CharacterClassesValidator:
    """At least min_classes of lower case, upper case, digits and other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        found = sum(1 for _name, test in CLASSES if any(test(char) for char in password))
        if found < self.min_classes:
            raise ValidationError(
                _("密码须包含小写字母、大写字母、数字和其他符号中的至少 %(count)d 类。")
                % {"count": self.min_classes},
                code="password_too_few_classes",
            )

    def get_help_text(self):
        return _("密码须包含小写字母、大写字母、数字和其他符号中的至少 %(count)d 类。") % {
            "count": self.min_classes}


class PasswordHistoryValidator:
    """None of the user's last `history` passwords; records each new one and its date.

    Django calls password_changed() whenever a user with a new password is saved (the
    change form, the admin, createsuperuser), so the history and the expiry date follow
    every way a password can be set.
    """

    def __init__(self, history: int = 5):
        self.history = history

    def recent_hashes(self, user):
        from .models import PasswordHistory

        if user is None or user.pk is None:
            return []
        return list(PasswordHistory.objects.filter(user=user)
                    .values_list("password", flat=True)[:self.history])

    def validate(self, password, user=None):
        if any(check_password(password, stored) for stored in self.recent_hashes(user)):
            raise ValidationError(
                _("不能使用最近 %(count)d 次用过的密码。") % {"count": self.history},
                code="password_reused",
            )

    def password_changed(self, password, user=None):
        from .models import PasswordHistory, User

        if user is None or user.pk is None:
            return
        now = timezone.now()
        PasswordHistory.objects.create(user=user, password=user.password, created_at=now)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)
        PasswordHistory.objects.filter(pk__in=list(stale[self.history:])).delete()
        User.objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now

    def get_help_text(self):
        return _("不能使用最近 %(count)d 次用过的密码。") % {"count": self.history}


def password_expired(user) -> bool:
    days = settings.PARTYBUILD_PASSWORD_MAX_AGE_DAYS
    if not days or user.password_changed_at is None:
        return False
    return timezone.now() - user.password_changed_at > timedelta(days=days)


def password_change_required(user) -> bool:
    """Whether the signed-in user must choose a new password before anything else."""
    return user.must_change_password or password_expired(user)


def is_administrator_role(user) -> bool:
    return user.is_superuser or user.role in settings.PARTYBUILD_ADMIN_ROLES


def idle_timeout_seconds(user) -> int:
    if is_administrator_role(user):
        return settings.PARTYBUILD_ADMIN_IDLE_TIMEOUT_MINUTES * 60
    return settings.PARTYBUILD_IDLE_TIMEOUT_MINUTES * 60


def second_factor_required(user) -> bool:
    if settings.PARTYBUILD_OTP_REQUIRED_FOR_ALL:
        return True
    return settings.PARTYBUILD_OTP_REQUIRED_FOR_ADMINS and is_administrator_role(user)
