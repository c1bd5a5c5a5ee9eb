"""The page a throttled login gets instead of the login form."""

from django.conf import settings
from django.shortcuts import render

from .throttling import address_is_locked


def locked_out(request, original_response=None, credentials=None):
    """Tell the user, in words, what is locked, for how long and who can lift it (HTTP 429)."""
    return render(request, "accounts/locked_out.html", {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "address_failure_limit": settings.PARTYBUILD_LOGIN_ADDRESS_FAILURE_LIMIT,
        "address_locked": address_is_locked(request),
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }, status=429)
