"""Second factor (等保 2.0 level 3: two authentication factors for administrators): a TOTP
authenticator app, with one-time recovery codes for a lost phone. django-otp keeps the
devices; these services create and confirm them."""

from base64 import b32encode
from binascii import unhexlify

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10


def pending_totp_device(user):
    """The user's TOTP device being set up (not yet confirmed), or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def totp_secret(device) -> str:
    """The key as the base32 text an authenticator app accepts when typed in."""
    return b32encode(unhexlify(device.key)).decode().rstrip("=")


@transaction.atomic
def totp_device_create(user):
    """A fresh, unconfirmed TOTP device; earlier unconfirmed ones are discarded."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice(user=user, name=_("身份验证器"), confirmed=False)
    device.full_clean()
    device.save()
    return device


@transaction.atomic
def totp_device_confirm(device, token: str) -> list[str]:
    """Confirm the device with a code from the app; returns new recovery codes (shown once).

    The user's earlier devices are replaced: one authenticator and one set of codes.
    """
    if not device.verify_token((token or "").strip()):
        raise ValidationError(_("验证码不正确，请核对手机上的时间后重试。"))
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=device.user).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery = StaticDevice.objects.create(user=device.user, name=_("恢复码"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes
